/**
 * fuse.js's fuzzy score (Bitap), for the one way the fuzzy scorer uses it: one query against
 * a few short texts, one key, `ignoreLocation`, case-insensitive. Ported from fuse.js 7.5.0
 * (src/search/bitap/search.ts, bitap/index.ts, tools/fieldNorm.ts; Apache-2.0, © Kiro Risk)
 * so that it gives the same score to the last bit, without what a `new Fuse(docs)` per
 * question costs around it: options merged, a key store, an index of records, match objects,
 * each in library code that runs only on the unsure questions and so was still running
 * unoptimized long after start (a third of a question's time on a first pass of 3,500).
 * test/match/bitap.test.ts compares it with fuse.js itself.
 */

/** Bitap works on patterns of at most 32 characters (bits of an int); longer ones are searched in chunks. */
const MAX_BITS = 32;

export interface BitapPattern {
  /** The lowercased query. */
  pattern: string;
  chunks: { pattern: string; alphabet: Map<number, number>; startIndex: number }[];
}

export function bitapPattern(query: string): BitapPattern {
  const pattern = query.toLowerCase();
  const chunks: BitapPattern['chunks'] = [];
  const add = (p: string, startIndex: number) => chunks.push({ pattern: p, alphabet: alphabetOf(p), startIndex });
  const len = pattern.length;
  if (len > MAX_BITS) {
    const remainder = len % MAX_BITS;
    for (let i = 0; i < len - remainder; i += MAX_BITS) add(pattern.substr(i, MAX_BITS), i);
    if (remainder) add(pattern.substr(len - MAX_BITS), len - MAX_BITS);
  } else if (len > 0) add(pattern, 0);
  return { pattern, chunks };
}

/**
 * fuse.js's score of `text` for the pattern (0 = exact, 1 = nothing alike), with its field
 * norm applied as `new Fuse(docs, { keys: [key], ignoreLocation: true, threshold })` reports
 * it; undefined where fuse.js reports no match (or skips a blank text).
 */
export function bitapScore(p: BitapPattern, raw: string, threshold: number): number | undefined {
  if (raw.trim().length === 0) return undefined;
  const text = raw.toLowerCase();
  let score: number;
  if (p.pattern === text) score = 0;
  else {
    let total = 0;
    let matched = false;
    for (const c of p.chunks) {
      const r = searchChunk(text, c.pattern, c.alphabet, c.startIndex, threshold);
      if (r >= 0) matched = true;
      total += Math.abs(r);
    }
    if (!matched) return undefined;
    score = total / p.chunks.length;
  }
  // One key of weight 1: an exact match counts as EPSILON, raised to the text's field norm.
  return Math.pow(score === 0 ? Number.EPSILON : score, fieldNorm(raw));
}

function alphabetOf(pattern: string): Map<number, number> {
  const mask = new Map<number, number>();
  for (let i = 0, len = pattern.length; i < len; i++) {
    const c = pattern.charCodeAt(i);
    mask.set(c, (mask.get(c) ?? 0) | (1 << (len - i - 1)));
  }
  return mask;
}

/** 1/√(number of words), to 3 decimals (fuse.js's field-length norm, weight 1). */
function fieldNorm(value: string): number {
  let tokens = 0;
  let inWord = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!((code >= 9 && code <= 13) || code === 32 || code === 160)) {
      if (!inWord) {
        tokens++;
        inWord = true;
      }
    } else inWord = false;
  }
  return Math.round(1000 / Math.pow(Math.max(tokens, 1), 0.5)) / 1000;
}

let bits = new Int32Array(64);
let lastBits = new Int32Array(64);
/** The pattern's bit mask of each character of the text, looked up once per text rather than once per row. */
let charMasks = new Int32Array(64);

/**
 * fuse.js's `search` with ignoreLocation and no match indices: the chunk's score
 * (max(0.001, ·)), negated when it is no match. Its bit rows were arrays with holes, read
 * as 0 where unset: here zeroed typed arrays, reused.
 */
function searchChunk(text: string, pattern: string, alphabet: Map<number, number>, location: number, threshold: number): number {
  const patternLen = pattern.length;
  const textLen = text.length;
  const expectedLocation = Math.max(0, Math.min(location, textLen));
  let currentThreshold = threshold;
  let bestLocation = expectedLocation;
  let index: number;
  while ((index = text.indexOf(pattern, bestLocation)) > -1) {
    currentThreshold = Math.min(0, currentThreshold);
    bestLocation = index + patternLen;
  }
  bestLocation = -1;
  let finalScore = 1;
  let binMax = patternLen + textLen;
  const mask = 1 << (patternLen - 1);
  if (bits.length < binMax + 2 + expectedLocation) {
    bits = new Int32Array(2 * (binMax + 2 + expectedLocation));
    lastBits = new Int32Array(bits.length);
  }
  if (charMasks.length < textLen) charMasks = new Int32Array(2 * textLen);
  for (let k = 0; k < textLen; k++) charMasks[k] = alphabet.get(text.charCodeAt(k)) ?? 0;
  for (let i = 0; i < patternLen; i++) {
    let binMin = 0;
    let binMid = binMax;
    while (binMin < binMid) {
      if (i / patternLen <= currentThreshold) binMin = binMid;
      else binMax = binMid;
      binMid = Math.floor((binMax - binMin) / 2 + binMin);
    }
    binMax = binMid;
    let start = Math.max(1, expectedLocation - binMid + 1);
    const finish = Math.min(expectedLocation + binMid, textLen) + patternLen;
    const bitArr = bits;
    bitArr.fill(0, 0, finish + 2);
    bitArr[finish + 1] = (1 << i) - 1;
    for (let j = finish; j >= start; j--) {
      const currentLocation = j - 1;
      const charMatch = currentLocation < textLen ? charMasks[currentLocation] : 0;
      bitArr[j] = ((bitArr[j + 1] << 1) | 1) & charMatch;
      if (i) bitArr[j] |= (((lastBits[j + 1] | lastBits[j]) << 1) | 1 | lastBits[j + 1]);
      if (bitArr[j] & mask) {
        finalScore = i / patternLen;
        if (finalScore <= currentThreshold) {
          currentThreshold = finalScore;
          bestLocation = currentLocation;
          if (bestLocation <= expectedLocation) break;
          start = Math.max(1, 2 * expectedLocation - bestLocation);
        }
      }
    }
    if ((i + 1) / patternLen > currentThreshold) break;
    // this row becomes the last one: swap the buffers (the next row zeroes what it uses)
    bits = lastBits;
    lastBits = bitArr;
  }
  const score = Math.max(0.001, finalScore);
  return bestLocation >= 0 ? score : -score;
}
