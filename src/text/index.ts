/**
 * `kefu/text` in browsers and bundlers: the text pipeline on its own (normalization,
 * segmentation, pinyin, synonyms, features) and the readers the bot's triggers use.
 * @example
 * import { normalize, toPinyin } from 'kefu/text';
 * normalize('這件衣服可以退貨嗎？'); // '这件衣服可以退货吗?'
 */
export { normalize } from './normalize.js';
export { toPinyin, pinyinSyllables } from './pinyin.js';
export { IntlSegmenter } from './segmenter.js';
export type { KefuSegmenter } from './segmenter.js';
export { FeatureExtractor } from './features.js';
export { SynonymTable } from './synonyms.js';
export { asksForHuman, readEmotion, detectSmallTalk, DEFAULT_SMALL_TALK } from '../bot/triggers.js';
export type { EmotionReading, SmallTalkKind } from '../bot/triggers.js';
