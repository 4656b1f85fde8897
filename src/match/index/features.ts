/** The feature space of one index: feature ids by key, their IDF, and tables derived from them. */
import { familyOf } from '../../text/features.js';
import { TUNING } from '../options.js';
import { FAMILY_WEIGHTS, idfOf, tfWeight } from './vectors.js';

/** Feature families the naive Bayes classifier reads. */
export const NB_FAMILIES = new Set(['w', 'c', 'p']);

export interface FeatureSpace {
  ids: Map<string, number>;
  keys: string[];
  idf: Float64Array;
  /** IDF of a feature no question has (unknown words in a query). */
  maxIdf: number;
  /** Features in more questions than this only count through rescoring. */
  dfCap: number;
  /** Whether each feature is one the naive Bayes classifier reads. */
  nbFeature: boolean[];
  nbVocab: number;
  /** FAMILY_WEIGHTS by feature id, kept in step with keys (which hot updates extend). */
  familyW: { upTo: number; weights: Float64Array };
  /** Known two-character words by their sound, built lazily (see pipeline/reread.ts). */
  bySound?: { upTo: number; map: Map<string, number> };
}

export function emptyFeatureSpace(): FeatureSpace {
  return { ids: new Map(), keys: [], idf: new Float64Array(), maxIdf: 1, dfCap: 0, nbFeature: [], nbVocab: 1, familyW: { upTo: 0, weights: new Float64Array() } };
}

/** The id of a feature key, adding it when new (its df entry is the caller's). */
export function intern(fs: FeatureSpace, key: string): { id: number; added: boolean } {
  const id = fs.ids.get(key);
  if (id !== undefined) return { id, added: false };
  const added = fs.keys.length;
  fs.ids.set(key, added);
  fs.keys.push(key);
  return { id: added, added: true };
}

export function setIdf(fs: FeatureSpace, df: ArrayLike<number>, n: number): void {
  fs.idf = Float64Array.from({ length: fs.keys.length }, (_, i) => idfOf(df[i], n, familyOf(fs.keys[i])));
  fs.maxIdf = idfOf(0, n, 'w');
  fs.dfCap = Math.max(TUNING.dfCapMin, Math.floor(n * TUNING.dfCapShare));
}

export function setNbFeatures(fs: FeatureSpace): void {
  fs.nbFeature = fs.keys.map((k) => NB_FAMILIES.has(k[0]));
  let n = 0;
  for (const b of fs.nbFeature) if (b) n++;
  fs.nbVocab = Math.max(1, n);
}

export function rawWeight(fs: FeatureSpace, id: number, tf: number): number {
  return FAMILY_WEIGHTS[familyOf(fs.keys[id])] * tfWeight(tf) * fs.idf[id];
}

export function familyWeights(fs: FeatureSpace): Float64Array {
  const keys = fs.keys;
  const t = fs.familyW;
  if (t.upTo < keys.length) {
    if (t.weights.length < keys.length) {
      const grown = new Float64Array(Math.max(keys.length + 256, keys.length * 2));
      grown.set(t.weights.subarray(0, t.upTo));
      t.weights = grown;
    }
    for (let id = t.upTo; id < keys.length; id++) t.weights[id] = FAMILY_WEIGHTS[familyOf(keys[id])];
    t.upTo = keys.length;
  }
  return t.weights;
}
