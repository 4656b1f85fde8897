/**
 * The search index: TF-IDF vectors of every KB question and an inverted index over their
 * features.
 *
 * Invariants:
 * - `sentences[s].feats` is sorted ascending and `weights` is the unit-length TF-IDF vector
 *   over those features (cosine = dot product).
 * - The postings of feature f list every question built into the index that contains f,
 *   ascending, with the same weight as in that question's vector; questions added to a
 *   running index later sit in the matcher's delta postings, and df counts both.
 */
import type { FeatureFamily } from '../../text/features.js';

export interface SparseVector {
  feats: Int32Array;
  weights: Float32Array;
}

export interface IndexedSentence extends SparseVector {
  entry: number;
  text: string;
}

export interface IndexedEntry {
  sentences: number[];
}

/**
 * The inverted index in one flat block (CSR): feature f's postings are
 * `docs[start[f]] … docs[start[f + 1] - 1]`, ascending, with their weights alongside.
 * One pair of typed arrays instead of one per feature keeps the per-question loop in cache.
 */
export interface Postings {
  start: Int32Array;
  docs: Int32Array;
  weights: Float32Array;
}

/**
 * Family weights multiply IDF: how much each kind of feature counts. Letter trigrams (English
 * only) at full weight: en-clinc-dev top-1 0.751 vs 0.745 at 0.6 (0.738 at 0.4); zh-bq-dev unchanged.
 */
export const FAMILY_WEIGHTS: Record<FeatureFamily, number> = { w: 1, c: 1, b: 1, p: 1, q: 1, g: 1 };

export function tfWeight(tf: number): number {
  return 1 + Math.log(tf);
}

/**
 * IDF, square-rooted for character and pinyin features: on short Chinese questions full IDF
 * over-weights rare filler characters (zh-bq-dev, characters alone: 0.298 vs 0.281 top-1).
 */
export function idfOf(df: number, n: number, family: FeatureFamily): number {
  const idf = Math.log(1 + n / (df + 0.5));
  return family === 'w' ? idf : Math.sqrt(idf);
}

/** Unit-length sparse vector from feature → raw weight. */
export function toUnitVector(raw: Map<number, number>): SparseVector {
  const feats = Int32Array.from(raw.keys()).sort();
  const weights = new Float32Array(feats.length);
  let norm = 0;
  for (let i = 0; i < feats.length; i++) {
    const w = raw.get(feats[i])!;
    weights[i] = w;
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < weights.length; i++) weights[i] /= norm;
  return { feats, weights };
}

/** Dot product of a sparse vector with a dense query lookup. */
export function dotWithQuery(v: SparseVector, q: Map<number, number>): number {
  let s = 0;
  for (let i = 0; i < v.feats.length; i++) {
    const w = q.get(v.feats[i]);
    if (w !== undefined) s += w * v.weights[i];
  }
  return s;
}

export function buildPostings(sentences: readonly SparseVector[], featureCount: number): Postings {
  const start = new Int32Array(featureCount + 1);
  for (const s of sentences) for (const f of s.feats) start[f + 1]++;
  for (let f = 0; f < featureCount; f++) start[f + 1] += start[f];
  const fill = start.slice(0, featureCount);
  const docs = new Int32Array(start[featureCount]);
  const weights = new Float32Array(start[featureCount]);
  sentences.forEach((s, d) => {
    for (let i = 0; i < s.feats.length; i++) {
      const at = fill[s.feats[i]]++;
      docs[at] = d;
      weights[at] = s.weights[i];
    }
  });
  return { start, docs, weights };
}

/** Position of x in an ascending array (or its part sorted[from … to - 1]), or -1. */
export function searchSorted(sorted: Int32Array, x: number, from = 0, to = sorted.length): number {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === x) return mid;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The current question's weights by feature id, in an open-addressing table small enough to
 * stay in L1 cache: scoring a candidate reads it once per feature of the candidate, and a
 * dense array over every feature of a 10,000-question KB costs a cache miss per read.
 */
export class QueryTable {
  private keys: Int32Array;
  private vals: Float64Array;
  private mask: number;
  private used: number[] = [];

  constructor(bits = 10) {
    this.keys = new Int32Array(1 << bits).fill(-1);
    this.vals = new Float64Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  /** Fill with a question's weights, feats[i] weighing weights[i] (clears the previous one). */
  load(feats: readonly number[], weights: readonly number[]): void {
    this.clear();
    if (feats.length * 2 > this.keys.length) {
      const bits = Math.ceil(Math.log2(feats.length * 2 + 1));
      this.keys = new Int32Array(1 << bits).fill(-1);
      this.vals = new Float64Array(1 << bits);
      this.mask = (1 << bits) - 1;
    }
    for (let i = 0; i < feats.length; i++) this.put(feats[i], weights[i]);
  }

  /** Add feature f (not in the table yet) with weight w. */
  put(f: number, w: number): void {
    if ((this.used.length + 1) * 2 > this.keys.length) this.grow();
    let i = Math.imul(f, 0x9e3779b1) >>> 0 & this.mask;
    while (this.keys[i] !== -1) i = (i + 1) & this.mask;
    this.keys[i] = f;
    this.vals[i] = w;
    this.used.push(i);
  }

  private grow(): void {
    const entries = this.used.map((i) => [this.keys[i], this.vals[i]] as const);
    const bits = Math.ceil(Math.log2(this.keys.length * 2 + 1));
    this.keys = new Int32Array(1 << bits).fill(-1);
    this.vals = new Float64Array(1 << bits);
    this.mask = (1 << bits) - 1;
    this.used.length = 0;
    for (const [f, w] of entries) this.put(f, w);
  }

  get(f: number): number {
    let i = Math.imul(f, 0x9e3779b1) >>> 0 & this.mask;
    for (;;) {
      const k = this.keys[i];
      if (k === f) return this.vals[i];
      if (k === -1) return 0;
      i = (i + 1) & this.mask;
    }
  }

  clear(): void {
    for (const i of this.used) this.keys[i] = -1;
    this.used.length = 0;
  }
}
