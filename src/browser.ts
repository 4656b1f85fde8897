/**
 * kefu for browsers and bundlers: web standards only (no Node built-ins, no native code).
 * Segmentation uses Intl.Segmenter plus the KB's vocabulary.
 */
import { checkMatcherOptions, createMatcherFromInput, splitBotOptions } from './create.js';
import type { KnowledgeBaseInput } from './kb/from-object.js';
import type { KefuMatcher, KefuMatcherOptions, SerializedIndex } from './match/matcher.js';
import { KefuBot } from './bot/bot.js';
import type { KefuBotOptions } from './bot/types.js';

export * from './public-api.js';

/**
 * Build a matcher from an in-memory KB, or load a prebuilt index (`kefu build`).
 * @example
 * const matcher = await createMatcher(await (await fetch('/index.json')).json());
 * matcher.match('怎么退货'); // { type: 'answer', id: 'return-apply', … }
 */
export async function createMatcher(input: KnowledgeBaseInput | SerializedIndex, options: KefuMatcherOptions = {}): Promise<KefuMatcher> {
  checkMatcherOptions(options);
  return createMatcherFromInput(input, options);
}

export interface KefuBrowserBotOptions extends KefuBotOptions, KefuMatcherOptions {
  /** The KB as an object, or a prebuilt index from `kefu build`. */
  knowledgeBase: KnowledgeBaseInput | SerializedIndex;
}

/**
 * Create a bot in the browser. Unknown option keys are an error (with a did-you-mean).
 * @example
 * const bot = await createBot({ knowledgeBase: await (await fetch('/kb-index.json')).json() });
 * const reply = await bot.ask('怎么退货', { sessionId: 'visitor-1' });
 */
export async function createBot(options: KefuBrowserBotOptions): Promise<KefuBot> {
  const { knowledgeBase, matcher, bot } = splitBotOptions(options);
  return new KefuBot(createMatcherFromInput(knowledgeBase, matcher), bot);
}
