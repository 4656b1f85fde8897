/** A question's vector over the index's features. */
import { familyOf, type TextAnalysis } from '../../text/features.js';
import type { Engine } from '../engine.js';
import { familyWeights } from '../index/features.js';
import { df, isExcluding, onlyInExcluded, type SearchIndex } from '../index/postings.js';
import { FAMILY_WEIGHTS, tfWeight } from '../index/vectors.js';
import type { Exclude, QueryVector } from '../types.js';
import type { Scratch } from './scratch.js';

export function queryVector(engine: Engine, analysis: TextAnalysis, exclude: Exclude, scratch: Scratch): QueryVector {
  const excluding = isExcluding(exclude);
  const fs = engine.features;
  const familyW = familyWeights(fs);
  const idf = fs.idf;
  // Known features and their weights in two plain lists (a Map by id cost more to fill than the rest).
  const ids: number[] = [];
  const raw: number[] = [];
  let norm = 0;
  let knownMass = 0;
  let unknownMass = 0;
  for (const [key, tf] of analysis.features) {
    const id = fs.ids.get(key);
    if (id === undefined || (excluding && onlyInExcluded(engine.index, id, exclude))) {
      // Unknown letter trigrams repeat what their unknown word already says; in pinyin-only
      // input, unknown words are the pinyin itself, which its pinyin features speak for.
      if (key[0] === 'g' || analysis.pinyinOnly) continue;
      const w = FAMILY_WEIGHTS[familyOf(key)] * tfWeight(tf) * fs.maxIdf;
      norm += w * w;
      unknownMass += w;
    } else {
      const w = familyW[id] * tfWeight(tf) * idf[id];
      ids.push(id);
      raw.push(w);
      norm += w * w;
      knownMass += w;
    }
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < raw.length; i++) raw[i] = raw[i] / norm;
  const order = byDf(engine.index, ids, scratch);
  // Plain arrays, not typed ones: a Float64Array this size has its own off-heap buffer, one
  // per question (kefu match at 100,000 FAQs peaked 15 MB higher).
  const known: number[] = [];
  const knownWeights: number[] = [];
  for (let i = 0; i < order.length; i++) {
    known.push(ids[order[i]]);
    knownWeights.push(raw[order[i]]);
  }
  return { analysis, feats: ids, weights: raw, known, knownWeights, coverage: knownMass + unknownMass > 0 ? knownMass / (knownMass + unknownMass) : 0 };
}

/** Positions in `ids` of the feature ids rarest first (ties in the given order); each df is read once, the sort is numeric. */
export function byDf(index: SearchIndex, ids: readonly number[], scratch: Pick<Scratch, 'select'>): number[] {
  const n = ids.length;
  if (n >= 4096) return Array.from({ length: n }, (_, i) => i).sort((a, b) => df(index, ids[a]) - df(index, ids[b]) || a - b);
  if (scratch.select.length < n) scratch.select = new Float64Array(n * 2);
  const keys = scratch.select.subarray(0, n);
  for (let i = 0; i < n; i++) keys[i] = df(index, ids[i]) * 4096 + i;
  keys.sort();
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = keys[i] % 4096;
  return out;
}
