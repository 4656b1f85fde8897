/** What several commands share: loading a matcher, reading stdin by lines, finding case files. */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { createMatcher } from '../index.js';
import type { Embedder } from '../embed/embedder.js';
import { loadEmbedder, type EmbeddingInfo } from '../embed/load.js';
import { BGE_SMALL_ZH } from '../embed/model.js';
import { bundledEmbedderName } from '../embed/onnx-embedder.js';
import { asValidated } from '../kb/from-object.js';
import { loadKnowledgeBase } from '../node/load-kb.js';
import { withActiveTasks } from '../task/compile.js';
import type { KefuMatcher } from '../match/matcher.js';
import { loadSegmenterSync } from '../node/jieba-segmenter.js';
import { UsageError } from './command.js';
import { openIndexCache } from './index-cache.js';
import { embeddingProgress } from './progress.js';

export type SegmenterFlag = 'auto' | 'nodejieba' | 'intl';

export function segmenterChoice(values: { segmenter?: string }): SegmenterFlag {
  const s = values.segmenter ?? 'auto';
  if (!['auto', 'nodejieba', 'intl'].includes(s)) throw new UsageError(`--segmenter must be auto, nodejieba or intl, not "${s}"`);
  return s as SegmenterFlag;
}

/**
 * A matcher from a KB folder or file, or from a prebuilt index (`kefu build`). A KB's built
 * index is reused from the build cache (index-cache.ts) unless `cache` is false (approvals
 * need the FAQs' file locations, which an index does not keep) or `--no-cache` is given.
 * Tasks without a host action are left out (src/task/compile.ts): their questions go to FAQs.
 */
export async function loadMatcher(kb: string, values: { segmenter?: string; debug?: boolean; 'no-cache'?: boolean; 'no-semantic'?: boolean; 'vector-cache'?: string }, { cache = true, actions }: { cache?: boolean; actions?: Record<string, unknown> } = {}): Promise<KefuMatcher> {
  const choice = segmenterChoice(values);
  const info = loadSegmenterSync(choice);
  const options = { segmenter: choice, semantic: !values['no-semantic'], vectorCache: values['vector-cache'], onEmbedProgress: embeddingProgress() };
  const matcher = await loadOrBuild(kb, info.name, options, cache && !values['no-cache'], actions);
  if (values.debug) {
    const e = matcher.embedding;
    console.error(`kefu: semantic matching: ${e.path}${e.name ? ` (${e.name}, ${e.loadMs ? `${Math.round(e.loadMs)} ms to load` : 'loaded when a question needs it'})` : ''}${e.reason ? ` — ${e.reason}` : ''}${matcher.semantic.on ? `, cosine weight ${matcher.semantic.weight} fitted on this KB` : ''}`);
  }
  return matcher;
}

async function loadOrBuild(kb: string, segmenterName: string, options: { segmenter: SegmenterFlag; semantic: boolean; vectorCache?: string; onEmbedProgress?: (done: number, total: number) => void }, cache: boolean, actions?: Record<string, unknown>): Promise<KefuMatcher> {
  if (kb.endsWith('.json') && !(await isKbFile(kb))) return createMatcher(JSON.parse(await readFile(kb, 'utf8')), options);
  // The active tasks and semantic matching change the index, so they are part of the cache key.
  const active = Object.keys(actions ?? {}).filter((name) => typeof actions?.[name] === 'function').sort().join(',');
  const entry = await openIndexCache(kb, `${options.segmenter}\0actions:${active}\0semantic:${options.semantic}`, cache);
  const saved = (await entry?.readIndex()) as { segmenter?: string } | undefined;
  if (saved?.segmenter === segmenterName) {
    try {
      const lazy = options.semantic && !options.vectorCache && (saved as { semantic?: unknown }).semantic ? lazyBundledEmbedder() : undefined;
      const matcher = await createMatcher(saved as Parameters<typeof createMatcher>[0], { ...options, semantic: lazy?.embedder ?? options.semantic });
      if (lazy) matcher.embedding = lazy.info;
      // An index saved lexically while onnxruntime-node was missing has no vectors: now that the
      // model loads, build below (once) rather than stay lexical without a word.
      const lexicalOnly = options.semantic && !(saved as { semantic?: unknown }).semantic && matcher.embedding.path === 'onnxruntime-node';
      if (!lexicalOnly) return matcher;
    } catch {
      // An entry this kefu cannot read: build below and replace it.
    }
  }
  const matcher = await createMatcher(withActiveTasks(asValidated(await loadKnowledgeBase(kb)), actions), options);
  await entry?.writeIndex(matcher.toJSON());
  return matcher;
}

/**
 * The bundled model for an index restored from the cache, loaded on its first use: a question
 * the lexical stage alone answers with certainty is never embedded (scorers/semantic.ts, the
 * cascade), so `echo 怎么退货 | kefu chat` answers without loading the model at all (~0.35 s
 * CPU, 0.6 s wall under load). Its name is the model's on this runtime, known without loading
 * it, so the saved vectors are restored exactly as with the model loaded; answers do not change.
 */
function lazyBundledEmbedder(): { embedder: Embedder; info: EmbeddingInfo } | undefined {
  const name = bundledEmbedderName();
  if (!name) return undefined; // no runtime: createMatcher says so and matches lexically
  let real: Promise<Embedder> | undefined;
  const load = async (): Promise<Embedder> => {
    const { embedder, info } = await loadEmbedder('auto');
    // The index was saved with this model's vectors; should the model no longer load (a damaged file), say so rather than answer differently.
    if (!embedder) throw new Error(`the embedding model cannot load (${info.reason}); run with --no-semantic to match lexically`);
    return embedder;
  };
  const embedder: Embedder = { name, dim: BGE_SMALL_ZH.dim, embed: async (texts) => (await (real ??= load())).embed(texts) };
  return { embedder, info: { path: 'onnxruntime-node', name, loadMs: 0 } };
}

/** A .json path may be a KB file or a prebuilt index; the index has `format: "kefu-index"`. */
async function isKbFile(file: string): Promise<boolean> {
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return true;
  const { buffer, bytesRead } = await fh.read(Buffer.alloc(200), 0, 200, 0);
  await fh.close();
  return !buffer.subarray(0, bytesRead).toString('utf8').includes('"kefu-index"');
}

/** Calls `onLine` for each stdin line, one at a time, in order; resolves at end of input. */
export function readLines(onLine: (line: string) => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    let chain = Promise.resolve();
    rl.on('line', (line) => {
      chain = chain.then(() => onLine(line)).catch(reject);
    });
    rl.on('close', () => chain.then(resolve, reject));
  });
}

/** `--cases a.yaml dir/` → the case files, a folder's .yaml/.yml/.json files in sorted order. */
export async function expandCaseFiles(items: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const item of items) {
    const info = await stat(item).catch(() => undefined);
    if (!info) throw new UsageError(`case file "${item}" not found`);
    if (info.isDirectory()) {
      for (const f of (await readdir(item)).sort()) if (/\.(ya?ml|json)$/i.test(f)) out.push(path.join(item, f));
    } else out.push(item);
  }
  return out;
}
