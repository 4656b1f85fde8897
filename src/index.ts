/**
 * kefu for Node: everything in the browser entry, plus knowledge bases read from disk and
 * nodejieba segmentation (loaded lazily, once per process: ~1–2 s on first use).
 */
import { createMatcherFromInput } from './create.js';
import type { KnowledgeBaseInput } from './kb/from-object.js';
import type { KefuMatcher, KefuMatcherOptions, SerializedIndex } from './match/matcher.js';
import { loadSegmenterSync, type SegmenterChoice } from './node/jieba-segmenter.js';
import { loadKnowledgeBase } from './node/load-kb.js';
import { KefuBot, type KefuBotOptions } from './bot/bot.js';

export * from './public-api.js';
export { loadKnowledgeBase, readKnowledgeBase } from './node/load-kb.js';
export type { ReadKbResult } from './node/load-kb.js';
export { loadSegmenter, loadSegmenterSync, JiebaSegmenter } from './node/jieba-segmenter.js';
export { JsonlLearningStore } from './node/learning-file-store.js';
export { approveLearningItem } from './cli/tools/learn-review.js';
export type { KefuApproval } from './cli/tools/learn-review.js';
export { addFaq, addSimilarQuestions, writeFileAtomic, withFileLock } from './node/kb-writer.js';
export type { SegmenterChoice, SegmenterInfo } from './node/jieba-segmenter.js';
export { loadEmbedder } from './embed/load.js';
export type { EmbedderChoice, EmbeddingInfo, LoadedEmbedder } from './embed/load.js';
export { OnnxEmbedder } from './embed/onnx-embedder.js';
export type { OnnxEmbedderOptions } from './embed/onnx-embedder.js';
export { WordPieceTokenizer } from './embed/tokenizer.js';
export { VectorCache, withVectorCache } from './embed/vector-cache.js';

export interface KefuNodeMatcherOptions extends Omit<KefuMatcherOptions, 'segmenter'> {
  /** 'auto' (default: nodejieba if it loads, else Intl.Segmenter), 'nodejieba', 'intl', or your own. */
  segmenter?: SegmenterChoice;
}

/**
 * Build a matcher from a KB folder or file, an in-memory KB, or a prebuilt index.
 * @example
 * import { createMatcher } from 'kefu';
 * const matcher = await createMatcher('./knowledge-base');
 * matcher.match('這件衣服可以退貨嗎'); // { type: 'answer', id: 'return-apply', confidence: 0.93, … }
 */
export async function createMatcher(input: string | KnowledgeBaseInput | SerializedIndex, options: KefuNodeMatcherOptions = {}): Promise<KefuMatcher> {
  const { segmenter } = loadSegmenterSync(options.segmenter ?? 'auto');
  const kb = typeof input === 'string' ? await loadKnowledgeBase(input) : input;
  return createMatcherFromInput(kb, { ...options, segmenter });
}

export interface KefuBotCreateOptions extends KefuBotOptions, KefuNodeMatcherOptions {
  /** A KB folder or file, the KB as an object, or a prebuilt index (`kefu build`). */
  knowledgeBase: string | KnowledgeBaseInput | SerializedIndex;
}

/**
 * Create a bot: loads and validates the KB, builds the index, loads the segmenter once.
 * @example
 * import { createBot } from 'kefu';
 * const bot = await createBot({ knowledgeBase: './knowledge-base', variables: { shopName: '小店' } });
 * const reply = await bot.ask('我想退货', { sessionId: 'u-42' });
 * // reply.type: 'answer' | 'clarify' | 'fallback' | 'handoff' | 'small-talk'
 */
export async function createBot(options: KefuBotCreateOptions): Promise<KefuBot> {
  const { knowledgeBase, segmenter, thresholds, maxCandidates, ablate, outOfScopeShare, consolidateMs, ...botOptions } = options;
  const matcher = await createMatcher(knowledgeBase, { segmenter, thresholds, maxCandidates, ablate, outOfScopeShare, consolidateMs });
  return new KefuBot(matcher, botOptions);
}
