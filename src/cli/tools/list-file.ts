/**
 * Reading a test file for `kefu test`: YAML or JSON whose top level holds one list (`cases:`,
 * `conversations:`), validated by a zod schema. Problems name the file and the line; each list
 * item's line is kept so a failing case can be pointed at.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { KefuProblem } from '../../errors.js';

export interface ListFile<T> {
  data: T;
  /** The line of each item of the `list` key, in order (1-based). */
  lines: (number | undefined)[];
}

/** The parsed file, or undefined with its problems pushed onto `problems`. */
export async function readListFile<S extends z.ZodType>(file: string, schema: S, list: string, problems: KefuProblem[]): Promise<ListFile<z.output<S>> | undefined> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    problems.push({ severity: 'error', code: 'io-error', message: `cannot read test file: ${(err as Error).message}`, file });
    return undefined;
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    problems.push({ severity: 'error', code: 'parse-error', message: doc.errors[0].message.split('\n')[0], file, line: doc.errors[0].linePos?.[0].line });
    return undefined;
  }
  const parsed = schema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ severity: 'error', code: 'schema', message: issue.message, file, path: issue.path.join('.') });
    return undefined;
  }
  const items = (doc.get(list) as { items?: { range?: [number] }[] } | undefined)?.items ?? [];
  return { data: parsed.data, lines: items.map((it) => (it.range ? text.slice(0, it.range[0]).split('\n').length : undefined)) };
}
