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
 */
import type { Engine } from '../engine.js';
import { dfLevel } from '../index/flat.js';
import { df } from '../index/postings.js';
import { TUNING } from '../options.js';
import { newCandidate } from '../scorers/rules.js';
import type { Candidate, Exclude, QueryVector } from '../types.js';
import type { Scratch } from './scratch.js';
import { topByScore } from './select.js';

export function retrieve(engine: Engine, q: QueryVector, exclude: Exclude, scratch: Scratch): Candidate[] {
  const index = engine.index;
  const { acc, touched: touchedBuf } = scratch;
  let nTouched = 0;
  const { start, docs, weights } = index.postings;
  const dfCap = engine.features.dfCap;
  let spent = 0;
  let processed = 0;
  for (const f of q.known) {
    const n = df(index, f);
    if (spent > 0 && (n > dfCap || spent + n > TUNING.postingsBudget)) break;
    spent += n;
    processed++;
    const w = q.weights.get(f)!;
    const end = f + 1 < start.length ? start[f + 1] : 0;
    for (let k = f + 1 < start.length ? start[f] : 0; k < end; k++) {
      const d = docs[k];
      if (acc[d] === 0) touchedBuf[nTouched++] = d;
      acc[d] += w * weights[k];
    }
    const more = index.extra.size > 0 ? index.extra.get(f) : undefined;
    if (more) {
      for (let k = 0; k < more.docs.length; k++) {
        const d = more.docs[k];
        if (acc[d] === 0) touchedBuf[nTouched++] = d;
        acc[d] += w * more.weights[k];
      }
    }
  }
  const touched = touchedBuf.subarray(0, nTouched);
  // Order does not matter here: candidates are grouped by FAQ and sorted by score later.
  const top = nTouched > TUNING.sentenceCandidates ? topByScore(touched, acc, TUNING.sentenceCandidates, scratch, false) : Array.from(touched);

  // The skipped features' weights in a small hash table (a dense table by feature id was
  // one cache miss per feature read, megabytes apart at 100,000 FAQs), and the df levels
  // they sit at: a common-first feature at any other level is not among them (adds 0).
  const skipped = q.known.slice(processed);
  const skip = scratch.skip;
  const levels = scratch.levels;
  const common = index.commonFirst;
  for (const f of skipped) {
    skip.put(f, q.weights.get(f)!);
    const level = dfLevel(df(index, f));
    levels[level >> 5] |= 1 << (level & 31);
  }
  const cutoff = skipped.length > 0 ? dfLevel(df(index, skipped[0])) : 0;
  const bestOf = new Map<number, number>();
  const { feats: F, weights: W, offset, entry: owner } = index.flat;
  for (const d of top) {
    if (d === exclude.sentence) continue;
    const e = owner[d];
    if (e === exclude.entry) continue;
    let dot = acc[d];
    if (skipped.length > 0 && common) {
      const { feats: CF, weights: CW, dfs: CD } = common;
      for (let i = offset[d], end = offset[d + 1]; i < end; i++) {
        const level = CD[i];
        if (level < cutoff) break;
        if (levels[level >> 5] & (1 << (level & 31))) dot += skip.get(CF[i]) * CW[i];
      }
    } else if (skipped.length > 0) for (let i = offset[d], end = offset[d + 1]; i < end; i++) dot += skip.get(F[i]) * W[i];
    const cos = q.analysis.pinyinOnly ? Math.min(1, dot / index.pinyinNorm[d]) : dot;
    if (cos > (bestOf.get(e) ?? -1)) bestOf.set(e, cos);
  }
  for (let i = 0; i < nTouched; i++) acc[touchedBuf[i]] = 0;
  skip.clear();
  levels.fill(0);
  const out: Candidate[] = [];
  for (const [entry, best] of bestOf) out.push(newCandidate(entry, best));
  return out;
}
