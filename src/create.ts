/**
 * What the Node and browser entries (src/index.ts, src/browser.ts) share: building a matcher
 * from an in-memory KB or a saved index, and the one split of `createBot` options into the
 * matcher's and the bot's, with unknown keys refused.
 */
import type { KefuBotOptions } from './bot/types.js';
import { rejectUnknownKeys } from './did-you-mean.js';
import { knowledgeBaseFromObject, type KnowledgeBaseInput } from './kb/from-object.js';
import { KefuMatcher, type KefuMatcherOptions, type SerializedIndex } from './match/matcher.js';
import { MATCHER_OPTION_KEYS } from './match/options.js';

/** Every bot option, once: the compiler fails here when KefuBotOptions gains one (the matcher's are in match/options.ts). */
const BOT_KEYS = { variables: true, sessionVariables: true, smallTalk: true, emotionThreshold: true, maxFailures: true, messages: true, sessions: true, onHandoff: true, handoffTimeoutMs: true, agentWaitMs: true, learner: true, now: true, maxQuestionLength: true, redactTranscripts: true, actions: true, choices: true, actionTimeoutMs: true, followUps: true } as const satisfies Record<keyof KefuBotOptions, true>;

/** Build a matcher from an in-memory KB or restore one from a saved index (browser-safe). */
export function createMatcherFromInput(input: KnowledgeBaseInput | SerializedIndex, options: KefuMatcherOptions = {}): KefuMatcher {
  if ((input as SerializedIndex).format === 'kefu-index') return KefuMatcher.fromJSON(input, options);
  return KefuMatcher.build(knowledgeBaseFromObject(input as KnowledgeBaseInput), options);
}

/** Refuse option keys a matcher does not know, with a did-you-mean. */
export function checkMatcherOptions(options: object, where = 'createMatcher', loadKeys: readonly string[] = []): void {
  rejectUnknownKeys(options, [...MATCHER_OPTION_KEYS, ...loadKeys], where);
}

/**
 * `createBot({ knowledgeBase, …matcher options, …bot options })` → the three parts.
 * `loadKeys` are the entry's own options for loading the KB (Node: `maxFileBytes`); they go
 * with the matcher's, which keep the entry's own types (Node takes segmenter names too).
 */
export function splitBotOptions<O extends { knowledgeBase: unknown }, L extends string = never>(options: O, loadKeys: readonly L[] = []): { knowledgeBase: O['knowledgeBase']; matcher: Pick<O, Extract<keyof O, keyof KefuMatcherOptions | L>>; bot: KefuBotOptions } {
  rejectUnknownKeys(options, ['knowledgeBase', ...MATCHER_OPTION_KEYS, ...loadKeys, ...Object.keys(BOT_KEYS)], 'createBot');
  const matcher: Record<string, unknown> = {};
  const bot: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if ((MATCHER_OPTION_KEYS as readonly string[]).includes(key) || (loadKeys as readonly string[]).includes(key)) matcher[key] = value;
    else if (key in BOT_KEYS) bot[key] = value;
  }
  return { knowledgeBase: options.knowledgeBase, matcher: matcher as Pick<O, Extract<keyof O, keyof KefuMatcherOptions | L>>, bot: bot as KefuBotOptions };
}
