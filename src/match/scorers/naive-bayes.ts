/**
 * Naive Bayes over character, word and pinyin features: the log-likelihood of the question
 * under each candidate FAQ, turned into a posterior over the candidates.
 */
import type { NbCounts } from '../engine.js';
import type { FeatureSpace } from '../index/features.js';
import type { SearchIndex } from '../index/postings.js';
import { searchSorted, type IndexedSentence, type QueryTable } from '../index/vectors.js';
import { TUNING } from '../options.js';
import type { Candidate, Exclude } from '../types.js';
import type { Scorer } from './scorer.js';

export type { NbCounts };

/**
 * One FAQ's counts over its questions (a hot update counts the FAQ it changed again).
 */
export function nbCounts(index: SearchIndex, fs: FeatureSpace, ids: readonly number[]): NbCounts {
  const counts = new Map<number, number>();
  for (const i of ids) for (const f of index.sentences[i].feats) if (fs.nbFeature[f]) counts.set(f, (counts.get(f) ?? 0) + 1);
  const feats = Int32Array.from(counts.keys()).sort();
  const c = Int32Array.from(feats, (f) => counts.get(f)!);
  return { feats, counts: c, total: c.reduce((a, b) => a + b, 0) };
}

/** One FAQ's counts as a range of a table's arrays (read without allocating). */
export interface NbSlice {
  feats: Int32Array;
  counts: Int32Array;
  from: number;
  to: number;
  total: number;
}

/**
 * Every FAQ's naive Bayes counts: the built ones in one block (CSR, FAQ e's features
 * ascending in feats[start[e]] … feats[start[e + 1] - 1]), FAQs counted since then (hot
 * updates) apart. One block instead of two typed arrays per FAQ: at 100,000 FAQs those
 * were 200,000 small buffers, ~40 MB and a large share of the build's GC.
 */
export class NbTable {
  private readonly changed = new Map<number, NbCounts>();

  constructor(
    private readonly start: Int32Array,
    private readonly feats: Int32Array,
    private readonly counts: Int32Array,
    private readonly totals: Int32Array,
  ) {}

  /** The table of an index's FAQs (`byEntry`: each FAQ's questions), counted in one pass. */
  static build(index: SearchIndex, fs: FeatureSpace, byEntry: readonly (readonly number[])[]): NbTable {
    const nb = fs.nbFeature;
    let capacity = 0;
    for (const s of index.sentences) for (let i = 0; i < s.feats.length; i++) if (nb[s.feats[i]]) capacity++;
    let feats = new Int32Array(capacity);
    let counts = new Int32Array(capacity);
    const start = new Int32Array(byEntry.length + 1);
    const totals = new Int32Array(byEntry.length);
    const counter = new Int32Array(fs.keys.length);
    let at = 0;
    for (let e = 0; e < byEntry.length; e++) {
      const from = at;
      for (const d of byEntry[e]) {
        const v = index.sentences[d].feats;
        for (let i = 0; i < v.length; i++) {
          const f = v[i];
          if (!nb[f]) continue;
          if (counter[f]++ === 0) feats[at++] = f;
        }
      }
      if (byEntry[e].length > 1) feats.subarray(from, at).sort();
      let total = 0;
      for (let k = from; k < at; k++) {
        counts[k] = counter[feats[k]];
        total += counts[k];
        counter[feats[k]] = 0;
      }
      totals[e] = total;
      start[e + 1] = at;
    }
    if (at < capacity * 0.9) {
      feats = feats.slice(0, at);
      counts = counts.slice(0, at);
    }
    return new NbTable(start, feats, counts, totals);
  }

  /** A table holding these counts (FAQ e's at position e), as hot updates make them. */
  static of(list: readonly NbCounts[]): NbTable {
    const table = new NbTable(new Int32Array(1), new Int32Array(), new Int32Array(), new Int32Array());
    list.forEach((c, e) => table.set(e, c));
    return table;
  }

  /** FAQ e's counts, written into `into`. */
  slice(e: number, into: NbSlice): NbSlice {
    const c = this.changed.get(e);
    if (c) {
      into.feats = c.feats;
      into.counts = c.counts;
      into.from = 0;
      into.to = c.feats.length;
      into.total = c.total;
    } else if (e + 1 < this.start.length) {
      into.feats = this.feats;
      into.counts = this.counts;
      into.from = this.start[e];
      into.to = this.start[e + 1];
      into.total = this.totals[e];
    } else {
      into.feats = this.feats;
      into.counts = this.counts;
      into.from = into.to = into.total = 0;
    }
    return into;
  }

  /** Replace FAQ e's counts (a hot update). */
  set(e: number, counts: NbCounts): void {
    this.changed.set(e, counts);
  }
}

const slice: NbSlice = { feats: new Int32Array(), counts: new Int32Array(), from: 0, to: 0, total: 0 };

/**
 * The posterior of each candidate. A held-out question's own counts are subtracted from its
 * FAQ, so leave-one-out fitting sees an honest classifier.
 */
export function naiveBayesPosterior(nb: NbTable, nbVocab: number, candidates: readonly number[], queryFeats: readonly number[], table: QueryTable, held: IndexedSentence | undefined): number[] {
  const alpha = TUNING.nbAlpha;
  const logAlpha = Math.log(alpha);
  let max = -Infinity;
  const ll: number[] = [];
  for (const entry of candidates) {
    const { feats, counts, from, to } = nb.slice(entry, slice);
    let total = slice.total;
    const own = held && held.entry === entry;
    if (!own) {
      // Σ over query features of log(count + α) − denom: the features both have, found by
      // walking the shorter side (an FAQ with many questions has hundreds of features).
      let s = queryFeats.length * (logAlpha - Math.log(total + alpha * nbVocab));
      if (to - from <= 4 * queryFeats.length) {
        for (let i = from; i < to; i++) if (table.get(feats[i]) !== 0) s += Math.log(counts[i] + alpha) - logAlpha;
      } else {
        for (const f of queryFeats) {
          const i = searchSorted(feats, f, from, to);
          if (i >= 0) s += Math.log(counts[i] + alpha) - logAlpha;
        }
      }
      ll.push(s);
      if (s > max) max = s;
      continue;
    }
    for (const f of held.feats) if (searchSorted(feats, f, from, to) >= 0) total--;
    const denom = Math.log(total + alpha * nbVocab);
    let s = 0;
    for (const f of queryFeats) {
      const i = searchSorted(feats, f, from, to);
      let count = i >= 0 ? counts[i] : 0;
      if (count > 0 && searchSorted(held.feats, f) >= 0) count--;
      s += Math.log(count + alpha) - denom;
    }
    ll.push(s);
    if (s > max) max = s;
  }
  let z = 0;
  for (const s of ll) z += Math.exp((s - max) / TUNING.nbTemperature);
  return ll.map((s) => Math.exp((s - max) / TUNING.nbTemperature) / z);
}

function heldSentence(index: SearchIndex, exclude: Exclude): IndexedSentence | undefined {
  return exclude.sentence === undefined ? undefined : index.sentences[exclude.sentence];
}

export const naiveBayesScorer: Scorer<'classifier'> = {
  name: 'classifier',
  stage: 'rescore',
  score({ engine, query, table, exclude }, candidates: Candidate[]) {
    const fs = engine.features;
    const post = naiveBayesPosterior(
      engine.nb,
      fs.nbVocab,
      candidates.map((c) => c.entry),
      query.known.filter((f) => fs.nbFeature[f]),
      table,
      heldSentence(engine.index, exclude),
    );
    candidates.forEach((c, i) => (c.classifier = post[i]));
  },
};
