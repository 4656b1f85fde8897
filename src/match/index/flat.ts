/** The question vectors packed into contiguous blocks, and the common-first copy retrieval rescoring reads. */
import type { Steps } from '../steps.js';
import { df, type SearchIndex } from './postings.js';
import type { SparseVector } from './vectors.js';

/**
 * All question vectors in two contiguous blocks (each question a view into them): scoring
 * candidates then walks memory in order instead of chasing 20,000 small buffers.
 */
export function packFlat(index: SearchIndex): void {
  const sentences = index.sentences;
  const total = sentences.reduce((n, s) => n + s.feats.length, 0);
  // Spare room so that questions added to a running index usually fit without a copy.
  const capacity = Math.ceil(total * 1.1) + 4096;
  const feats = new Int32Array(capacity);
  const weights = new Float32Array(capacity);
  const offset = new Int32Array(sentences.length + 1);
  let at = 0;
  sentences.forEach((s, i) => {
    feats.set(s.feats, at);
    weights.set(s.weights, at);
    s.feats = feats.subarray(at, at + s.feats.length);
    s.weights = weights.subarray(at, at + s.weights.length);
    at += s.feats.length;
    offset[i + 1] = at;
  });
  index.flat = { feats, weights, offset, entry: Int32Array.from(sentences, (s) => s.entry) };
}

/**
 * Each question's features again, most common first, with their df: rescoring the
 * features retrieval skipped stops at the first one rarer than all of them, a short prefix
 * instead of the whole question. Every df change (a hot update, appendFlat) drops it until
 * the next full build, so its dfs are always the current ones.
 */
export function* packCommonFirst(index: SearchIndex, featureCount: number): Steps<void> {
  const { offset } = index.flat;
  const n = index.sentences.length;
  const dfAt = new Int32Array(featureCount);
  for (let f = 0; f < dfAt.length; f++) dfAt[f] = df(index, f);
  const total = offset[n];
  const feats = new Int32Array(total);
  const weights = new Float32Array(total);
  const dfs = new Int32Array(128); // one question's exact dfs, for the sort (longer ones: commonFirstLong)
  const levels = new Uint8Array(total);
  const { feats: flatFeats, weights: flatWeights } = index.flat;
  for (let d = 0; d < n; d++) {
    // Most common first, ties in feature order: an insertion sort of the copy in place (a
    // question has tens of features; a comparator sort per question was most of the cost).
    const from = offset[d];
    const to = offset[d + 1];
    if (to - from > 128) commonFirstLong(flatFeats, flatWeights, dfAt, from, to, feats, weights);
    else {
      for (let at = from; at < to; at++) {
        const f = flatFeats[at];
        const w = flatWeights[at];
        const c = dfAt[f];
        let k = at - from;
        while (k > 0 && dfs[k - 1] < c) {
          feats[from + k] = feats[from + k - 1];
          weights[from + k] = weights[from + k - 1];
          dfs[k] = dfs[k - 1];
          k--;
        }
        feats[from + k] = f;
        weights[from + k] = w;
        dfs[k] = c;
      }
    }
    for (let at = from; at < to; at++) levels[at] = dfLevel(dfAt[feats[at]]);
    if ((d & 1023) === 1023) yield;
  }
  index.commonFirst = { feats, weights, dfs: levels };
}

function commonFirstLong(fromFeats: Int32Array, fromWeights: Float32Array, dfAt: Int32Array, from: number, to: number, feats: Int32Array, weights: Float32Array): void {
  const order = Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => dfAt[fromFeats[b]] - dfAt[fromFeats[a]] || a - b);
  order.forEach((src, i) => {
    feats[from + i] = fromFeats[src];
    weights[from + i] = fromWeights[src];
  });
}

/**
 * A df in one byte, rising with it (never falling): exact below 64, then 16 steps per
 * doubling (~4%), 255 from 131,072 on. Retrieval stops reading a common-first list at the
 * first level below the cutoff's level: it may read a few rarer features than the exact
 * cutoff would (they are not among the skipped ones, so they add 0), never fewer. One byte
 * instead of four per feature of every question: 13 MB less at 100,000 FAQs.
 */
export function dfLevel(df: number): number {
  if (df < 64) return df;
  const e = 31 - Math.clz32(df); // ≥ 6
  return Math.min(255, 64 + (e - 6) * 16 + ((df >>> (e - 4)) & 15));
}

/** Append new questions into the flat block's spare room (or repack when it is full). */
export function appendFlat(index: SearchIndex, first: number): void {
  index.commonFirst = undefined; // until the next full build (consolidation) packs it again
  const added = index.sentences.slice(first);
  const need = added.reduce((n, s) => n + s.feats.length, 0);
  const flat = index.flat;
  let at = flat.offset[first];
  if (at + need > flat.feats.length) return packFlat(index);
  const offset = new Int32Array(index.sentences.length + 1);
  offset.set(flat.offset);
  const entry = new Int32Array(index.sentences.length);
  entry.set(flat.entry);
  added.forEach((s, k) => {
    flat.feats.set(s.feats, at);
    flat.weights.set(s.weights, at);
    s.feats = flat.feats.subarray(at, at + s.feats.length);
    s.weights = flat.weights.subarray(at, at + s.weights.length);
    at += s.feats.length;
    offset[first + k + 1] = at;
    entry[first + k] = s.entry;
  });
  index.flat = { ...flat, offset, entry };
}

/** Share of a question's squared norm in pinyin features (square-rooted; 1 when it has none). */
export function pinyinNormOf(keys: readonly string[], s: SparseVector): number {
  let sq = 0;
  for (let i = 0; i < s.feats.length; i++) {
    const fam = keys[s.feats[i]][0];
    if (fam === 'p' || fam === 'q') sq += s.weights[i] * s.weights[i];
  }
  return Math.sqrt(sq) || 1;
}
