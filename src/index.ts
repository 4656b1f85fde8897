/**
 * kefu for Node: everything in the browser entry, plus knowledge bases read from disk,
 * KB files written back (learning review) and nodejieba segmentation (loaded lazily, once
 * per process: ~1–2 s on first use).
 */
import { checkMatcherOptions, splitBotOptions } from './create.js';
import { KefuError } from './errors.js';
import { loadEmbedder } from './embed/load.js';
import { withProgress, type EmbedProgress, type Embedder } from './embed/embedder.js';
import { VectorCache, withVectorCache } from './embed/vector-cache.js';
import { asValidated, knowledgeBaseFromObject, type KnowledgeBaseInput } from './kb/from-object.js';
import { isSerializedIndex } from './match/index/serialize.js';
import { KefuMatcher as Matcher } from './match/matcher.js';
import type { KefuMatcher, KefuMatcherOptions, SerializedIndex } from './match/matcher.js';
import { loadSegmenterSync, type SegmenterChoice } from './node/jieba-segmenter.js';
import { loadKnowledgeBase } from './node/load-kb.js';
import { KefuBot } from './bot/bot.js';
import type { KefuBotOptions } from './bot/types.js';
import type { KnowledgeBase } from './kb/schema.js';
import { withActiveTasks } from './task/compile.js';

export * from './public-api.js';
export { loadKnowledgeBase, readKnowledgeBase } from './node/load-kb.js';
export type { ReadKbResult } from './node/load-kb.js';
export { JsonlLearningStore } from './node/learning-file-store.js';
export { approveLearningItem } from './cli/tools/learn-review.js';
export type { KefuApproval, KefuApproveOptions } from './cli/tools/learn-review.js';
export { addFaq, addSimilarQuestions } from './node/kb-writer.js';
export type { SegmenterChoice } from './node/jieba-segmenter.js';
export { loadEmbedder } from './embed/load.js';
export type { EmbedderChoice, EmbeddingInfo, LoadedEmbedder } from './embed/load.js';
export type { EmbedProgress } from './embed/embedder.js';

export interface KefuNodeMatcherOptions extends Omit<KefuMatcherOptions, 'segmenter' | 'embedder'> {
  /** 'auto' (default: nodejieba if it loads, else Intl.Segmenter), 'nodejieba', 'intl', or your own. */
  segmenter?: SegmenterChoice;
  /** Largest KB file read from disk, in bytes. Default 5,000,000 (5 MB). */
  maxFileBytes?: number;
  /**
   * Semantic matching: `true` (default) embeds questions with the bundled bge-small-zh-v1.5
   * model on onnxruntime-node (lexical, with one warning, where the runtime is missing);
   * `false` matches lexically; or your own `Embedder`.
   */
  semantic?: boolean | Embedder;
  /**
   * A file of vectors to reuse across builds (`kefu build --vector-cache`, dev loops): texts
   * already embedded are not embedded again. Written after the build; nothing is written without it.
   * Defaults to the KEFU_VECTOR_CACHE environment variable (a dev loop or test suite that starts
   * many processes on the same KB points them all at one file).
   */
  vectorCache?: string;
  /**
   * Called while the KB's questions are embedded (a cold build: ~3 ms a question on one core),
   * with how many of how many are done; the CLI draws a progress bar on a terminal with it.
   * @example
   * await createMatcher('./kb', { onEmbedProgress: (done, total) => console.error(`${done}/${total}`) });
   */
  onEmbedProgress?: EmbedProgress;
}

/** Options of the Node entry that are about reading the KB, not about matching. */
const LOAD_KEYS = ['maxFileBytes', 'semantic', 'vectorCache', 'onEmbedProgress'] as const;

/**
 * Build a matcher from a KB folder or file, an in-memory KB, or a prebuilt index.
 * @example
 * import { createMatcher } from 'kefu';
 * const matcher = await createMatcher('./knowledge-base');
 * matcher.match('這件衣服可以退貨嗎'); // { type: 'answer', id: 'return-apply', confidence: 0.93, … }
 */
export async function createMatcher(input: string | KnowledgeBaseInput | SerializedIndex, options: KefuNodeMatcherOptions = {}): Promise<KefuMatcher> {
  checkMatcherOptions(options, 'createMatcher', LOAD_KEYS);
  // The browser entry's name for it; here it would be dropped silently (Node loads its own).
  if ('embedder' in options) throw new KefuError('bad-option', 'kefu: createMatcher in Node takes a custom embedder as `semantic: embedder` (`embedder` is the browser entry\'s option)');
  const { maxFileBytes, semantic = true, vectorCache = process.env.KEFU_VECTOR_CACHE || undefined, onEmbedProgress, ...rest } = options;
  const { segmenter } = loadSegmenterSync(options.segmenter ?? 'auto');
  const kb = typeof input === 'string' ? asValidated(await loadKnowledgeBase(input, { maxFileBytes })) : input;
  const loaded = await loadEmbedder(semantic === false ? 'off' : semantic === true ? 'auto' : semantic);
  let embedder = loaded.embedder && onEmbedProgress ? withProgress(loaded.embedder, onEmbedProgress) : loaded.embedder;
  const cache = embedder && vectorCache ? VectorCache.open(vectorCache, embedder.name, embedder.dim) : undefined;
  if (embedder && cache) embedder = withVectorCache(embedder, cache);
  const matcherOptions = { ...rest, segmenter, embedder };
  const matcher = isSerializedIndex(kb) ? Matcher.fromJSON(kb, matcherOptions) : await Matcher.buildAsync(knowledgeBaseFromObject(kb), matcherOptions);
  await cache?.save();
  matcher.embedding = loaded.info;
  return matcher;
}

export interface KefuBotCreateOptions extends KefuBotOptions, KefuNodeMatcherOptions {
  /** A KB folder or file, the KB as an object, or a prebuilt index (`kefu build`). */
  knowledgeBase: string | KnowledgeBaseInput | SerializedIndex;
}

/**
 * Create a bot: loads and validates the KB, builds the index, loads the segmenter once.
 * Unknown option keys are an error (with a did-you-mean).
 * @example
 * import { createBot } from 'kefu';
 * const bot = await createBot({ knowledgeBase: './knowledge-base', variables: { shopName: '小店' } });
 * const reply = await bot.ask('我想退货', { sessionId: 'u-42' });
 * // reply.type: 'answer' | 'clarify' | 'fallback' | 'handoff' | 'small-talk'
 */
export async function createBot(options: KefuBotCreateOptions): Promise<KefuBot> {
  const { knowledgeBase, matcher, bot } = splitBotOptions(options, LOAD_KEYS);
  // Validated whole first (a broken task is reported even without its action); then tasks the
  // host gives no action for are left out of the index (src/task/compile.ts).
  const kb = typeof knowledgeBase === 'string' ? asValidated(await loadKnowledgeBase(knowledgeBase, { maxFileBytes: matcher.maxFileBytes })) : (knowledgeBase as SerializedIndex).format === 'kefu-index' ? knowledgeBase : knowledgeBaseFromObject(knowledgeBase as KnowledgeBaseInput);
  const input = (kb as SerializedIndex).format === 'kefu-index' ? kb : withActiveTasks(kb as KnowledgeBase, bot.actions);
  return new KefuBot(await createMatcher(input, matcher), bot);
}
