/**
 * Not part of kefu's API (package.json `exports` has no path to it): what the benchmark
 * (bench/) and the calibration script (scripts/) reach for beyond what users need.
 */
export { ABLATIONS } from './match/matcher.js';
export { fitCalibration } from './match/calibrate.js';
export { VectorCache, withVectorCache } from './embed/vector-cache.js';
export { cosine, meanVector } from './embed/embedder.js';
export { writeFileAtomic } from './node/write-atomic.js';
export { WordPieceTokenizer } from './embed/tokenizer.js';
export { readModelFiles } from './embed/model.js';
