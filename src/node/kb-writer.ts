/**
 * Writing approved knowledge back into KB files without losing anything: YAML is edited
 * through the `yaml` Document API, so comments, key order and formatting stay as they were;
 * every write goes to a temp file renamed over the original (a crash leaves the old file or
 * the new one, never half of either); a lock file serializes writers across processes, and
 * each writer re-reads the file under the lock, so two approvals at once are both kept.
 */
import { open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { KefuError } from '../errors.js';
import type { FaqInput } from '../kb/schema.js';
import { normalize } from '../text/normalize.js';

const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

/** Run `fn` holding `<file>.lock` (created exclusively; a lock older than 30 s is taken as stale). */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lock, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > LOCK_STALE_MS) await unlink(lock).catch(() => undefined);
      else if (Date.now() - started > LOCK_WAIT_MS) throw new KefuError('kb-locked', `kefu: ${file} is locked by another writer (${lock}); try again, or remove the lock if no kefu process is running`);
      else await new Promise((r) => setTimeout(r, 10 + Math.random() * 20 * Math.min(attempt + 1, 5)));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/** Replace a file's content atomically: write a temp file beside it, then rename over it. */
export async function writeFileAtomic(file: string, text: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

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
    if (isSeq(similar)) for (const q of added) (similar as YAMLSeq).add(doc.createNode(q));
    else node.set('similar', doc.createNode(added));
    return doc.toString({ lineWidth: 0 });
  });
  return added;
}

/** Append a new FAQ to a KB file (created if missing). Refuses an id the file already has. */
export async function addFaq(file: string, faq: FaqInput): Promise<void> {
  const exists = await stat(file).then(() => true, () => false);
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
    seq.flow = false;
    seq.add(doc.createNode(faq));
    return doc.toString({ lineWidth: 0 });
  });
}
