/**
 * Candidate FAQs for a question, with the exact cosine of each one's best question.
 *
 * 1. Candidate questions from the inverted index: rarest features first, until a budget of
 *    postings is spent; very common features (花呗 in 70% of a payment KB) then only count
 *    through the exact rescoring of the candidates they found.
 * 2. Exact cosine for those questions, grouped by FAQ: the accumulated part plus the common
 *    features retrieval skipped. They are the query's most common ones, so a candidate's
 *    common-first list holds all it shares with them before its first feature rarer than
 *    the rarest of them (skipped[0]; compared by df level, index/flat.ts dfLevel), and only
 *    features at one of their levels are looked up.
 *
 * The loops live in small functions that take every question the same way, and the cases
 * only some questions take (few postings, pinyin-only input, hot-updated postings) sit
 * outside them. V8 compiles a hot loop on the fly (on-stack replacement) with the type
 * feedback of the questions seen so far and keeps that code: when a rarer case inside the
 * same function first came (few postings touched), the code bailed out, and the function,
 * back in its slow tier, re-entered that same stale loop code and bailed out again on each
 * later such question until it was recompiled whole (15 times over the 10k set's warm-up
 * and two passes, most of both passes spent in the slow tier).
 */
import type { Engine } from '../engine.js';
import { dfLevel } from '../index/flat.js';
import { df, type SearchIndex } from '../index/postings.js';
import { TUNING } from '../options.js';
import { newCandidate } from '../scorers/rules.js';
import type { Candidate, Exclude, QueryVector } from '../types.js';
import type { Scratch } from './scratch.js';
import { topByScore } from './select.js';

export function retrieve(engine: Engine, q: QueryVector, exclude: Exclude, scratch: Scratch): Candidate[] {
  const index = engine.index;
  const processed = accumulate(index, q, engine.features.dfCap, scratch);
  if (index.extra.size > 0) accumulateExtra(index, q, processed, scratch);
  const nTouched = scratch.nTouched;
  const touched = scratch.touched.subarray(0, nTouched);
  // Order does not matter here: candidates are grouped by FAQ and sorted by score later.
  const top = topByScore(touched, scratch.acc, TUNING.sentenceCandidates, scratch, false);

  // The skipped features' weights in a small hash table (a dense table by feature id was
  // one cache miss per feature read, megabytes apart at 100,000 FAQs), and the df levels
  // they sit at: a common-first feature at any other level is not among them (adds 0).
  const skipped = q.known.slice(processed);
  const skip = scratch.skip;
  const levels = scratch.levels;
  for (let i = 0; i < skipped.length; i++) {
    const f = skipped[i];
    skip.put(f, q.knownWeights[processed + i]);
    const level = dfLevel(df(index, f));
    levels[level] = 1;
  }
  const dots = scratch.dots.length >= top.length ? scratch.dots : (scratch.dots = new Float64Array(top.length * 2));
  if (skipped.length === 0) for (let i = 0; i < top.length; i++) dots[i] = scratch.acc[top[i]];
  else if (index.commonFirst) addSkippedCommon(index, top, dfLevel(df(index, skipped[0])), scratch);
  else addSkippedFlat(index, top, scratch);
  if (q.analysis.pinyinOnly) for (let i = 0; i < top.length; i++) dots[i] = Math.min(1, dots[i] / index.pinyinNorm[top[i]]);
  const out = bestByEntry(index, top, exclude, scratch);
  const acc = scratch.acc;
  for (let i = 0; i < nTouched; i++) acc[touched[i]] = 0;
  skip.clear();
  for (const f of skipped) levels[dfLevel(df(index, f))] = 0;
  return out;
}

/** Adds the postings of the query's rarest features into scratch.acc; returns how many features it took. */
function accumulate(index: SearchIndex, q: QueryVector, dfCap: number, scratch: Scratch): number {
  const { acc, touched } = scratch;
  const { start, docs, weights } = index.postings;
  let nTouched = 0;
  let spent = 0;
  let processed = 0;
  const known = q.known;
  for (let j = 0; j < known.length; j++) {
    const f = known[j];
    const n = df(index, f);
    if (spent > 0 && (n > dfCap || spent + n > TUNING.postingsBudget)) break;
    spent += n;
    processed++;
    const w = q.knownWeights[j];
    const end = f + 1 < start.length ? start[f + 1] : 0;
    for (let k = f + 1 < start.length ? start[f] : 0; k < end; k++) {
      const d = docs[k];
      if (acc[d] === 0) touched[nTouched++] = d;
      acc[d] += w * weights[k];
    }
  }
  scratch.nTouched = nTouched;
  return processed;
}

/** The same for the postings hot updates added since the last build (index.extra). */
function accumulateExtra(index: SearchIndex, q: QueryVector, processed: number, scratch: Scratch): void {
  const { acc, touched } = scratch;
  let nTouched = scratch.nTouched;
  for (let i = 0; i < processed; i++) {
    const f = q.known[i];
    const more = index.extra.get(f);
    if (!more) continue;
    const w = q.knownWeights[i];
    for (let k = 0; k < more.docs.length; k++) {
      const d = more.docs[k];
      if (acc[d] === 0) touched[nTouched++] = d;
      acc[d] += w * more.weights[k];
    }
  }
  scratch.nTouched = nTouched;
}

/** scratch.dots[i] = the full dot product of question top[i]: its accumulated part plus the skipped features, read from its common-first list. */
function addSkippedCommon(index: SearchIndex, top: readonly number[], cutoff: number, scratch: Scratch): void {
  const { acc, skip, levels, dots } = scratch;
  const { feats: CF, weights: CW, dfs: CD } = index.commonFirst!;
  const offset = index.flat.offset;
  for (let t = 0; t < top.length; t++) {
    const d = top[t];
    let dot = acc[d];
    for (let i = offset[d], end = offset[d + 1]; i < end; i++) {
      const level = CD[i];
      if (level < cutoff) break;
      if (levels[level] !== 0) dot += skip.get(CF[i]) * CW[i];
    }
    dots[t] = dot;
  }
}

/** As addSkippedCommon, over each question's whole list (an index without common-first lists). */
function addSkippedFlat(index: SearchIndex, top: readonly number[], scratch: Scratch): void {
  const { acc, skip, dots } = scratch;
  const { feats: F, weights: W, offset } = index.flat;
  for (let t = 0; t < top.length; t++) {
    const d = top[t];
    let dot = acc[d];
    for (let i = offset[d], end = offset[d + 1]; i < end; i++) dot += skip.get(F[i]) * W[i];
    dots[t] = dot;
  }
}

/** One candidate per FAQ, with the best cosine (scratch.dots) of its questions in top, FAQs in order of first appearance. */
function bestByEntry(index: SearchIndex, top: readonly number[], exclude: Exclude, scratch: Scratch): Candidate[] {
  const { dots } = scratch;
  const best = scratch.entryBest.length >= index.entries.length ? scratch.entryBest : (scratch.entryBest = new Float64Array(index.entries.length + 256).fill(-1));
  const owner = index.flat.entry;
  const seen: number[] = [];
  for (let t = 0; t < top.length; t++) {
    const d = top[t];
    if (d === exclude.sentence) continue;
    const e = owner[d];
    if (e === exclude.entry) continue;
    const cos = dots[t];
    if (cos > best[e]) {
      if (best[e] === -1) seen.push(e);
      best[e] = cos;
    }
  }
  const out: Candidate[] = [];
  for (const e of seen) {
    out.push(newCandidate(e, best[e]));
    best[e] = -1;
  }
  return out;
}
