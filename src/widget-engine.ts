/**
 * The widget's engine in local mode (examples/widget/vendor/kefu.widget.js, built by
 * scripts/build-browser-bundle.mjs): a bot from a prebuilt index, and nothing else. Loading an
 * index needs no KB schema, YAML or spreadsheet code, so this bundle leaves out zod and yaml
 * (half of the full browser bundle): 340 KB minified instead of 832 KB (gzip 140 vs 247 KB),
 * which is most of the download and parse before a phone on slow 4G can answer.
 * Pages that build a bot from a KB object use `kefu/browser` (src/browser.ts) instead.
 */
import { KefuBot } from './bot/bot.js';
import type { KefuBotOptions } from './bot/types.js';
import { KefuMatcher, type SerializedIndex } from './match/matcher.js';

export interface WidgetBotOptions extends KefuBotOptions {
  /** A prebuilt index (`kefu build`, or the widget's kb-index.lite.json). */
  knowledgeBase: SerializedIndex;
}

/**
 * @example
 * const { createBot } = await import('/vendor/kefu.widget.js');
 * const bot = await createBot({ knowledgeBase: await (await fetch('/vendor/kb-index.lite.json')).json() });
 */
export async function createBot({ knowledgeBase, ...options }: WidgetBotOptions): Promise<KefuBot> {
  if ((knowledgeBase as { format?: unknown } | undefined)?.format !== 'kefu-index') {
    throw new Error('kefu.widget.js loads a prebuilt index (format "kefu-index", made by `kefu build`); to build from a KB object, load kefu.browser.js');
  }
  return new KefuBot(KefuMatcher.fromJSON(knowledgeBase), options);
}

export { KefuBot, KefuMatcher };
