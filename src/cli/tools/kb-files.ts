/** Imported FAQs written as YAML KB files: one file per category, keys in the KB's order. Node only. */
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, isNode, isSeq } from 'yaml';
import { KefuError } from '../../errors.js';
import type { FaqInput } from '../../kb/schema.js';

export interface ImportToKbFilesOptions {
  /** Replace files that already exist. Default false: throw instead. */
  overwrite?: boolean;
  /** Text of a KB settings file (synonyms, vocabulary, tasks…) to write as `_settings.yaml` beside the FAQs. */
  settings?: string;
}

const FAQ_KEY_ORDER: readonly string[] = ['id', 'category', 'question', 'similar', 'answer', 'keywords', 'required', 'patterns', 'handoff', 'priority', 'threshold', 'tags'];

/**
 * Write FAQs as YAML KB files in `outDir`: one `<category>.yaml` per category, FAQs without
 * one in `faqs.yaml`. Returns the paths written. Throws a KefuError naming the file if one
 * exists already, unless `{ overwrite: true }`; nothing is written then.
 */
export async function importToKbFiles(faqs: readonly FaqInput[], outDir: string, options: ImportToKbFilesOptions = {}): Promise<string[]> {
  const targets = importTargets(faqs, outDir);
  const settings = options.settings === undefined ? undefined : path.join(outDir, '_settings.yaml');
  if (!options.overwrite) {
    for (const t of [...targets, ...(settings ? [{ file: settings }] : [])]) {
      if (await exists(t.file)) {
        throw new KefuError('file-exists', `kefu: "${t.file}" already exists; pass { overwrite: true } to replace it, or import into an empty folder`);
      }
    }
  }
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const t of targets) {
    const doc = new Document({ faqs: t.faqs.map(orderedFaq) });
    doc.commentBefore = ' Imported from a spreadsheet by kefu.';
    const list = doc.get('faqs');
    if (isSeq(list)) list.items.forEach((item, i) => i > 0 && isNode(item) && (item.spaceBefore = true));
    const text = doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true });
    await writeFile(t.file, text, { encoding: 'utf8', flag: options.overwrite ? 'w' : 'wx' });
    written.push(t.file);
  }
  if (settings) {
    await writeFile(settings, options.settings!, { encoding: 'utf8', flag: options.overwrite ? 'w' : 'wx' });
    written.push(settings);
  }
  return written;
}

/** The files `importToKbFiles` writes: one per category (`faqs.yaml` for FAQs without one), with their FAQs. */
export function importTargets(faqs: readonly FaqInput[], outDir: string): { file: string; faqs: FaqInput[] }[] {
  const groups = new Map<string, { name: string; faqs: FaqInput[] }>();
  for (const faq of faqs) {
    const name = `${fileNameFor(faq.category)}.yaml`;
    const key = name.toLowerCase(); // one file for names that differ only in case (case-insensitive file systems)
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { name, faqs: [] }));
    g.faqs.push(faq);
  }
  return [...groups.values()].map((g) => ({ file: path.join(outDir, g.name), faqs: g.faqs }));
}

function orderedFaq(faq: FaqInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of FAQ_KEY_ORDER) {
    const v = (faq as Record<string, unknown>)[key];
    if (v === undefined || (Array.isArray(v) && v.length === 0 && key !== 'answer')) continue;
    out[key] = v;
  }
  return out;
}

/** A category as a file name: no path separators or characters Windows refuses. */
function fileNameFor(category: string | undefined): string {
  const name = (category ?? '')
    .trim()
    .replace(/[\\/:*?"<>|\x00-\x1f]+/g, '-')
    .replace(/^[.\s-]+|[.\s]+$/g, '');
  if (!name || /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(name)) return name ? `${name}-faqs` : 'faqs';
  // File names stop at 255 bytes (3 per CJK character): a long category keeps 60 characters
  // and a hash of the whole, so two long names that share a start stay apart.
  if (name.length > 60) return `${name.slice(0, 60)}-${fnv(name)}`;
  return name;
}

function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

/** Whether a file or folder is there. */
export async function exists(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}
