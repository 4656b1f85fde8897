/**
 * Writing approved knowledge back into KB files without losing anything: YAML gets only the
 * new lines, spliced in at the positions the `yaml` parser reports (yaml-splice.ts), so
 * comments, key order, flow lists and quoting stay as written (where a splice cannot be
 * proved right, the file is re-stringified through the Document API, comments kept);
 * every write goes to a temp file renamed over the original (a crash leaves the old file or
 * the new one, never half of either); a lock file serializes writers across processes, and
 * each writer re-reads the file under the lock, so two approvals at once are both kept.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { writeFileAtomic } from './write-atomic.js';
import path from 'node:path';
import { withFileLock } from './file-lock.js';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { insertFaqText, insertSimilarText } from './yaml-splice.js';
import { KefuError } from '../errors.js';
import type { FaqInput } from '../kb/schema.js';
import { normalize } from '../text/normalize.js';

export { withFileLock } from './file-lock.js';

async function editFile(file: string, edit: (text: string) => string): Promise<void> {
  await withFileLock(file, async () => {
    const before = await readFile(file, 'utf8');
    const after = edit(before);
    if (after !== before) await writeFileAtomic(file, after);
  });
}

const key = (q: string) => normalize(q).replace(/ /g, '');

/**
 * Add similar questions to an FAQ in the file that defines it. Questions the FAQ already has
 * (after normalization) are skipped. Returns the questions added.
 * @example
 * await addSimilarQuestions('knowledge-base/payment.yaml', 'payment-methods', ['支持数字人民币支付吗']);
 */
export async function addSimilarQuestions(file: string, faqId: string, questions: readonly string[]): Promise<string[]> {
  let added: string[] = [];
  await editFile(file, (text) => {
    added = [];
    if (file.toLowerCase().endsWith('.json')) {
      const data = JSON.parse(text) as { faqs?: FaqInput[] };
      const faq = data.faqs?.find((f) => f.id === faqId);
      if (!faq) throw new KefuError('unknown-faq', `kefu: ${file} has no FAQ "${faqId}"`);
      const have = new Set([faq.question, ...(faq.similar ?? [])].map(key));
      for (const q of questions) if (!have.has(key(q))) (have.add(key(q)), added.push(q));
      if (added.length) faq.similar = [...(faq.similar ?? []), ...added];
      return added.length ? `${JSON.stringify(data, null, 2)}\n` : text;
    }
    const doc = parseDocument(text);
    const faqs = doc.get('faqs');
    const node = isSeq(faqs) ? (faqs.items.find((n) => isMap(n) && n.get('id') === faqId) as YAMLMap | undefined) : undefined;
    if (!node) throw new KefuError('unknown-faq', `kefu: ${file} has no FAQ "${faqId}"`);
    const similar = node.get('similar');
    const existing = isSeq(similar) ? similar.items.map((n) => String((n as { value?: unknown }).value ?? n)) : [];
    const have = new Set([String(node.get('question')), ...existing].map(key));
    for (const q of questions) if (!have.has(key(q))) (have.add(key(q)), added.push(q));
    if (!added.length) return text;
    // Only the new lines: the rest of the file stays byte for byte (flow lists, quoting, spacing).
    const spliced = insertSimilarText(text, doc, node, added);
    if (spliced !== undefined) return spliced;
    if (isSeq(similar)) for (const q of added) (similar as YAMLSeq).add(doc.createNode(q));
    else node.set('similar', doc.createNode(added));
    return doc.toString({ lineWidth: 0 });
  });
  return added;
}

/** Append a new FAQ to a KB file (created if missing). Refuses an id the file already has. */
export async function addFaq(file: string, faq: FaqInput): Promise<void> {
  const exists = await stat(file).then(() => true, () => false);
  if (!exists) await mkdir(path.dirname(file), { recursive: true });
  if (!exists) await writeFile(file, file.toLowerCase().endsWith('.json') ? '{ "faqs": [] }\n' : 'faqs: []\n', { flag: 'wx' }).catch(() => undefined);
  await editFile(file, (text) => {
    if (file.toLowerCase().endsWith('.json')) {
      const data = JSON.parse(text) as { faqs?: FaqInput[] };
      if (data.faqs?.some((f) => f.id === faq.id)) throw new KefuError('duplicate-id', `kefu: ${file} already has an FAQ "${faq.id}"`);
      data.faqs = [...(data.faqs ?? []), faq];
      return `${JSON.stringify(data, null, 2)}\n`;
    }
    const doc = parseDocument(text);
    let faqs = doc.get('faqs');
    if (!isSeq(faqs)) {
      doc.set('faqs', doc.createNode([]));
      faqs = doc.get('faqs');
    }
    const seq = faqs as YAMLSeq;
    if (seq.items.some((n) => isMap(n) && n.get('id') === faq.id)) throw new KefuError('duplicate-id', `kefu: ${file} already has an FAQ "${faq.id}"`);
    const spliced = insertFaqText(text, doc, seq, faq);
    if (spliced !== undefined) return spliced;
    seq.flow = false;
    seq.add(doc.createNode(faq));
    return doc.toString({ lineWidth: 0 });
  });
}
