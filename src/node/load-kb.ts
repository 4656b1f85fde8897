/**
 * Reading a knowledge base from disk: a folder (searched recursively, in sorted order so
 * results are stable) or a single .yaml/.yml/.json file. Node only.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { decodeUtf8File } from './text-encoding.js';
import path from 'node:path';
import { KefuError, KefuKnowledgeBaseError, type KefuProblem } from '../errors.js';
import { compileKnowledgeBase, type CompiledKb } from '../kb/compile.js';
import { KB_FILE_EXTENSIONS, MAX_FILE_BYTES, parseKbFile, tooLarge, type ParsedKbFile, type ParseKbOptions } from '../kb/parse.js';
import type { KnowledgeBase } from '../kb/schema.js';

export interface ReadKbResult extends CompiledKb {
  /** The files read, relative to the KB root as given. */
  files: string[];
}

/**
 * Read and validate a KB without throwing for its content: every error and warning is in
 * `problems` (what `kefu validate` prints). Throws only when `kbPath` does not exist.
 */
export async function readKnowledgeBase(kbPath: string, options: ParseKbOptions = {}): Promise<ReadKbResult> {
  const maxFileBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  let info;
  try {
    info = await stat(kbPath);
  } catch (err) {
    throw new KefuError('kb-not-found', `kefu: knowledge base "${kbPath}" not found: give a folder of .yaml/.json files or one such file`, { cause: err });
  }
  const files = info.isDirectory() ? await listKbFiles(kbPath) : [kbPath];
  const parsed: ParsedKbFile[] = [];
  const extra: KefuProblem[] = [];
  for (const file of files) {
    const shown = info.isDirectory() ? path.join(kbPath, path.relative(kbPath, file)) : file;
    if (!info.isDirectory() && !KB_FILE_EXTENSIONS.some((e) => file.toLowerCase().endsWith(e))) {
      extra.push({ severity: 'error', code: 'unsupported-file', message: `not a knowledge-base file: expected ${KB_FILE_EXTENSIONS.join(', ')}`, file: shown });
      continue;
    }
    const size = await stat(file).then((st) => st.size, (err: Error) => err);
    if (size instanceof Error) {
      extra.push({ severity: 'error', code: 'io-error', message: `cannot read: ${size.message}`, file: shown });
      continue;
    }
    if (size > maxFileBytes) {
      extra.push({ severity: 'error', code: 'file-too-large', message: tooLarge(size, maxFileBytes), file: shown });
      continue;
    }
    let text: string;
    try {
      const decoded = await decodeUtf8File(await readFile(file));
      if ('error' in decoded) {
        extra.push({ severity: 'error', code: 'bad-encoding', message: decoded.error, file: shown });
        continue;
      }
      text = decoded.text;
    } catch (err) {
      extra.push({ severity: 'error', code: 'io-error', message: `cannot read: ${(err as Error).message}`, file: shown });
      continue;
    }
    parsed.push(parseKbFile(text, shown, options));
  }
  if (files.length === 0) {
    extra.push({ severity: 'error', code: 'no-faqs', message: `no ${KB_FILE_EXTENSIONS.join('/')} files in this folder`, file: kbPath });
  }
  const compiled = compileKnowledgeBase(parsed);
  return { ...compiled, problems: [...extra, ...compiled.problems], files };
}

/**
 * Load a KB from disk for use: throws KefuKnowledgeBaseError (listing every problem with
 * file, line, FAQ id and field) if anything is an error; warnings are returned alongside.
 */
export async function loadKnowledgeBase(kbPath: string, options: ParseKbOptions = {}): Promise<KnowledgeBase & { warnings: KefuProblem[] }> {
  const { kb, problems } = await readKnowledgeBase(kbPath, options);
  if (problems.some((p) => p.severity === 'error')) throw new KefuKnowledgeBaseError(problems);
  return { ...kb, warnings: problems.filter((p) => p.severity === 'warning') };
}

/** The KB files of a folder, recursively, in sorted order (hidden files and node_modules skipped). */
export async function listKbFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      // Symlinked files are followed (a dangling one then fails to read, by name); symlinked
      // folders are not walked, so a link loop cannot hang the loader.
      else if ((e.isFile() || e.isSymbolicLink()) && KB_FILE_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x))) out.push(full);
    }
  };
  await walk(dir);
  return out;
}
