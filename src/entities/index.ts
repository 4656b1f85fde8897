export { EntityExtractor, extractEntities, entityText, DEFAULT_COLORS, DEFAULT_SIZES } from './extract.js';
export type { KefuEntity, KefuEntitySettings, KefuBuiltinEntityType } from './extract.js';
export { parseChineseNumber } from './numbers.js';
