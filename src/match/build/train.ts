/** Training the softmax classifier: held-out questions and hard negatives from the index. */
import type { Engine } from '../engine.js';
import { SoftmaxClassifier } from '../classifier.js';
import { df, type SearchIndex } from '../index/postings.js';
import { TUNING } from '../options.js';
import { scratchFor } from '../pipeline/scratch.js';
import { topByScore } from '../pipeline/select.js';
import type { Steps } from '../steps.js';

/**
 * Questions held out for calibration: every other similar question of each FAQ (its
 * standard question always stays in), at most ~1,000.
 */
export function heldOutSample(index: SearchIndex): number[] {
  const all = index.entries.flatMap((e) => e.sentences.filter((_, k) => k % 2 === 1));
  const stride = Math.max(1, Math.ceil(all.length / TUNING.heldOutMax));
  return all.filter((_, i) => i % stride === 0);
}

/** FAQs whose questions look most like question i (hard negatives for the classifier, lint's neighbours). */
export function confusableEntries(engine: Engine, i: number, k: number = TUNING.confusers): number[] {
  const index = engine.index;
  const scratch = scratchFor(index);
  const v = index.sentences[i];
  const acc = scratch.acc;
  const touched: number[] = [];
  const order = Array.from(v.feats.keys()).sort((a, b) => df(index, v.feats[a]) - df(index, v.feats[b]));
  const { start, docs, weights } = index.postings;
  let spent = 0;
  for (const j of order) {
    const f = v.feats[j];
    const n = df(index, f);
    if (spent > 0 && spent + n > TUNING.postingsBudget) break;
    spent += n;
    const w = v.weights[j];
    for (let k = start[f], end = start[f + 1]; k < end; k++) {
      const d = docs[k];
      if (acc[d] === 0) touched.push(d);
      acc[d] += w * weights[k];
    }
  }
  const top = topByScore(touched, acc, 4 * k, scratch);
  for (const d of touched) acc[d] = 0;
  const own = v.entry;
  const out: number[] = [];
  for (const d of top) {
    const e = index.sentences[d].entry;
    if (e !== own && !out.includes(e)) out.push(e);
    if (out.length === k) break;
  }
  return out;
}

export function trainClassifierSteps(index: SearchIndex, confusers: number[][], leaveOut: Set<number>): Steps<SoftmaxClassifier> {
  const ids = index.sentences.map((_, i) => i).filter((i) => !leaveOut.has(i));
  return SoftmaxClassifier.trainSteps({
    vectors: ids.map((i) => index.sentences[i]),
    labels: ids.map((i) => index.sentences[i].entry),
    confusers: ids.map((i) => confusers[i]),
    entries: index.entries.length,
  });
}
