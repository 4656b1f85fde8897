/**
 * `kefu/text` in Node: everything of the browser build, plus nodejieba segmentation.
 * @example
 * import { loadSegmenter } from 'kefu/text';
 * const { segmenter } = await loadSegmenter(); // nodejieba if it loads, else Intl.Segmenter
 * segmenter.cut('我想退货'); // ['我', '想', '退货']
 */
export * from './index.js';
export { loadSegmenter, loadSegmenterSync, JiebaSegmenter } from '../node/jieba-segmenter.js';
export type { SegmenterChoice, SegmenterInfo } from '../node/jieba-segmenter.js';
