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
 * One FAQ's counts over its questions. `counter` (zero, one slot per feature) replaces a Map
 * when many FAQs are counted in a row (a build); it is zero again on return.
 */
export function nbCounts(index: SearchIndex, fs: FeatureSpace, ids: readonly number[], counter?: Int32Array): NbCounts {
  if (!counter) {
    const counts = new Map<number, number>();
    for (const i of ids) for (const f of index.sentences[i].feats) if (fs.nbFeature[f]) counts.set(f, (counts.get(f) ?? 0) + 1);
    const feats = Int32Array.from(counts.keys()).sort();
    const c = Int32Array.from(feats, (f) => counts.get(f)!);
    return { feats, counts: c, total: c.reduce((a, b) => a + b, 0) };
  }
  const seen: number[] = [];
  for (const i of ids) {
    for (const f of index.sentences[i].feats) {
      if (!fs.nbFeature[f]) continue;
      if (counter[f]++ === 0) seen.push(f);
    }
  }
  const feats = Int32Array.from(seen).sort();
  const c = new Int32Array(feats.length);
  let total = 0;
  for (let k = 0; k < feats.length; k++) {
    c[k] = counter[feats[k]];
    total += c[k];
    counter[feats[k]] = 0;
  }
  return { feats, counts: c, total };
}

/**
 * The posterior of each candidate. A held-out question's own counts are subtracted from its
 * FAQ, so leave-one-out fitting sees an honest classifier.
 */
export function naiveBayesPosterior(nb: readonly NbCounts[], nbVocab: number, candidates: readonly number[], queryFeats: readonly number[], table: QueryTable, held: IndexedSentence | undefined): number[] {
  const alpha = TUNING.nbAlpha;
  const logAlpha = Math.log(alpha);
  let max = -Infinity;
  const ll: number[] = [];
  for (const entry of candidates) {
    const counts = nb[entry];
    let total = counts.total;
    const own = held && held.entry === entry;
    if (!own) {
      // Σ over query features of log(count + α) − denom: the features both have, found by
      // walking the shorter side (an FAQ with many questions has hundreds of features).
      let s = queryFeats.length * (logAlpha - Math.log(total + alpha * nbVocab));
      if (counts.feats.length <= 4 * queryFeats.length) {
        for (let i = 0; i < counts.feats.length; i++) if (table.get(counts.feats[i]) !== 0) s += Math.log(counts.counts[i] + alpha) - logAlpha;
      } else {
        for (const f of queryFeats) {
          const i = searchSorted(counts.feats, f);
          if (i >= 0) s += Math.log(counts.counts[i] + alpha) - logAlpha;
        }
      }
      ll.push(s);
      if (s > max) max = s;
      continue;
    }
    for (const f of held.feats) if (searchSorted(counts.feats, f) >= 0) total--;
    const denom = Math.log(total + alpha * nbVocab);
    let s = 0;
    for (const f of queryFeats) {
      const i = searchSorted(counts.feats, f);
      let count = i >= 0 ? counts.counts[i] : 0;
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
