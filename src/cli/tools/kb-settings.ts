/**
 * What a spreadsheet cannot hold travels beside it: `kefu export kb --out faqs.xlsx` also
 * writes `faqs.settings.yaml` (synonym groups, vocabulary, stop words, categories,
 * thresholds, variables, tasks, entities…: a KB file without FAQ rows), and `kefu import
 * faqs.xlsx` reads it back into `<out>/_settings.yaml`. Before writing anything, import
 * checks the KB it would leave behind (the new files, the settings and any KB files already
 * in the folder), so a spreadsheet whose patterns name synonym groups nobody brought along
 * is refused with the reason instead of producing a KB that does not load. Node only.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document } from 'yaml';
import type { KefuProblem } from '../../errors.js';
import { compileKnowledgeBase } from '../../kb/compile.js';
import { parseKbFile, validateKbObject, type ParsedKbFile } from '../../kb/parse.js';
import type { FaqInput, KbFileInput, KnowledgeBase } from '../../kb/schema.js';
import { listKbFiles } from '../../node/load-kb.js';
import { decodeUtf8File } from '../../node/text-encoding.js';
import { exists } from './kb-files.js';

/** Where the settings of `sheet` are written and looked for: `faqs.xlsx` → `faqs.settings.yaml`. */
export function settingsFileFor(sheet: string): string {
  return path.join(path.dirname(sheet), `${path.basename(sheet, path.extname(sheet))}.settings.yaml`);
}

/** The settings file's name inside an imported KB folder. */
export const IMPORTED_SETTINGS = '_settings.yaml';

/** Everything of a KB except its FAQ rows, as a KB file; undefined when there is nothing. */
export function settingsOf(kb: KnowledgeBase): KbFileInput | undefined {
  const out: Record<string, unknown> = {};
  const put = (key: string, v: unknown) => {
    if (v === undefined || (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && Object.keys(v).length === 0)) return;
    out[key] = v;
  };
  put('synonyms', kb.synonyms);
  put('vocabulary', kb.vocabulary);
  put('stopwords', kb.stopwords);
  put('categories', kb.categories);
  put('thresholds', kb.thresholds);
  put('variables', kb.variables);
  put('tasks', kb.tasks?.map(({ source: _source, ...task }) => task));
  put('entities', kb.entities);
  put('followUps', kb.followUps);
  put('purchase', kb.purchase);
  return Object.keys(out).length > 0 ? (out as KbFileInput) : undefined;
}

/** Write the settings of `kb` beside `sheet`; returns the file written, or undefined when the KB has none. */
export async function writeSettingsFile(kb: KnowledgeBase, sheet: string): Promise<string | undefined> {
  const settings = settingsOf(kb);
  if (!settings) return undefined;
  const file = settingsFileFor(sheet);
  const doc = new Document(settings);
  doc.commentBefore = ` KB settings exported by kefu with ${path.basename(sheet)}: what a spreadsheet row cannot hold.\n \`kefu import ${path.basename(sheet)} --out <dir>\` reads this file too and writes it as <dir>/${IMPORTED_SETTINGS}.`;
  await writeFile(file, doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true }), 'utf8');
  return file;
}

export interface ImportPlan {
  /** The settings file's text to write as `_settings.yaml` (undefined: none given or found). */
  settings?: { from: string; text: string };
  /** Errors in the KB the import would leave behind; nothing may be written when there are any. */
  problems: KefuProblem[];
}

/**
 * Check what `kefu import` would leave in `outDir`: the imported FAQs, the settings file
 * (`settingsFile`, or the one exported beside `sheet` if it exists) and the KB files already
 * there that the import does not replace (`replaced`: the paths it will write).
 */
export async function planImport(sheet: string, faqs: readonly FaqInput[], outDir: string, replaced: readonly string[], settingsFile?: string): Promise<ImportPlan> {
  const problems: KefuProblem[] = [];
  const files: ParsedKbFile[] = [];
  let settings: ImportPlan['settings'];
  const from = settingsFile ?? settingsFileFor(sheet);
  if (settingsFile || (await exists(from))) {
    const read = await readText(from);
    if (typeof read !== 'string') return { problems: [{ severity: 'error', code: 'io-error', message: `cannot read the settings file: ${read.message}`, file: from }] };
    const parsed = parseKbFile(read, from);
    if (parsed.data?.faqs?.length) problems.push({ severity: 'error', code: 'schema', message: 'a settings file holds no FAQs (they come from the spreadsheet)', file: from, path: 'faqs' });
    files.push(parsed);
    settings = { from, text: read };
  }
  const target = path.resolve(outDir, IMPORTED_SETTINGS);
  const writing = new Set([...replaced, ...(settings ? [target] : [])].map((f) => path.resolve(f)));
  for (const f of await listKbFiles(outDir).catch(() => [] as string[])) {
    if (writing.has(path.resolve(f))) continue;
    const read = await readText(f);
    if (typeof read === 'string') files.push(parseKbFile(read, f));
  }
  files.push(validateKbObject({ faqs }, sheet));
  problems.push(...compileKnowledgeBase(files).problems.filter((p) => p.severity === 'error'));
  const needsSettings = problems.some((p) => p.code === 'bad-pattern' && /names no synonym group/.test(p.message));
  if (needsSettings && !settings) {
    problems.push({ severity: 'error', code: 'bad-pattern', message: `patterns name synonym groups, which a spreadsheet does not hold: give the settings exported beside it (${path.basename(from)}, or --settings <file>), or import into a KB folder that defines them`, file: sheet });
  }
  return { settings, problems };
}

async function readText(file: string): Promise<string | Error> {
  try {
    const decoded = await decodeUtf8File(await readFile(file));
    return 'text' in decoded ? decoded.text : new Error(decoded.error);
  } catch (err) {
    return err as Error;
  }
}
