// Pure metric functions for the FAQ-matching benchmark (no I/O, no globals).
//
// A "record" is one scored query:
//   { expected: string|null,   // expected FAQ id; null = out of scope
//     id: string|null,         // the system's best candidate (null = nothing matched)
//     score: number|null,      // the system's score for that candidate (higher = surer)
//     type?: 'answer'|'clarify'|'fallback',  // only for systems that decide as shipped
//     candidates: string[] }   // candidate ids, best first (at least the top 3)
//
// Definitions follow ../shared/eval/README.md:
//   top-1 / top-3: over in-scope queries only.
//   decision accuracy: in-scope answered (type 'answer') with the expected id, or
//     out-of-scope not answered ('clarify' and 'fallback' count as not answered).
//   oracle: answered iff score >= t, t swept over every distinct score (plus "never").

/** @param {{expected: string|null}} r */
export const isInScope = (r) => r.expected !== null && r.expected !== undefined;

/** Share of in-scope records whose expected id is among the first k candidates. */
export function topK(records, k) {
  let n = 0;
  let hit = 0;
  for (const r of records) {
    if (!isInScope(r)) continue;
    n += 1;
    const cands = r.candidates && r.candidates.length ? r.candidates : r.id != null ? [r.id] : [];
    if (cands.slice(0, k).includes(r.expected)) hit += 1;
  }
  return n === 0 ? null : hit / n;
}

export const top1 = (records) => topK(records, 1);
export const top3 = (records) => topK(records, 3);

/** Is a decision right? answered = the system gives `id` as its answer. */
export function decisionCorrect(r, answered) {
  if (isInScope(r)) return answered && r.id === r.expected;
  return !answered;
}

/** Decision accuracy as shipped (records need `type`); null if no record has a type. */
export function decisionAccuracyShipped(records) {
  if (!records.length || records.some((r) => r.type == null)) return null;
  let ok = 0;
  for (const r of records) if (decisionCorrect(r, r.type === 'answer')) ok += 1;
  return ok / records.length;
}

/** Share of out-of-scope records not answered as shipped; null if none or no types. */
export function oosRejectionShipped(records) {
  const oos = records.filter((r) => !isInScope(r));
  if (!oos.length || records.some((r) => r.type == null)) return null;
  return oos.filter((r) => r.type !== 'answer').length / oos.length;
}

/** Score used for thresholding: a record without an id can never be answered. */
const answerableScore = (r) =>
  r.id == null || r.score == null || Number.isNaN(r.score) ? -Infinity : r.score;

/**
 * Oracle threshold sweep. Answered iff score >= t. Candidates for t: every distinct
 * finite score, plus +Infinity (answer nothing). Returns the best accuracy, the
 * threshold reaching it (the highest such t on ties) and the out-of-scope rejection
 * at that threshold.
 * @returns {{accuracy: number, threshold: number, oosRejection: number|null} | null}
 */
export function oracleThreshold(records) {
  const n = records.length;
  if (!n) return null;
  const oosTotal = records.filter((r) => !isInScope(r)).length;
  const sorted = records
    .map((r) => ({ s: answerableScore(r), inScope: isInScope(r), right: isInScope(r) && r.id === r.expected }))
    .filter((x) => x.s > -Infinity)
    .sort((a, b) => b.s - a.s);
  // t = +Infinity: nothing answered.
  let correctAnswered = 0;
  let oosAnswered = 0;
  let best = { accuracy: oosTotal / n, threshold: Infinity, oosAnswered: 0 };
  let i = 0;
  while (i < sorted.length) {
    const t = sorted[i].s;
    while (i < sorted.length && sorted[i].s === t) {
      if (sorted[i].inScope) {
        if (sorted[i].right) correctAnswered += 1;
      } else oosAnswered += 1;
      i += 1;
    }
    const acc = (correctAnswered + oosTotal - oosAnswered) / n;
    if (acc > best.accuracy) best = { accuracy: acc, threshold: t, oosAnswered };
  }
  return {
    accuracy: best.accuracy,
    threshold: best.threshold,
    oosRejection: oosTotal ? (oosTotal - best.oosAnswered) / oosTotal : null,
  };
}

/** Nearest-rank percentile (p in [0,100]) of a numeric array; null when empty. */
export function percentile(values, p) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Latency summary in microseconds from per-query nanoseconds. */
export function latencySummaryUs(nanos) {
  if (!nanos.length) return { p50: null, p99: null, mean: null, n: 0 };
  const us = nanos.map((x) => Number(x) / 1000);
  return {
    p50: percentile(us, 50),
    p99: percentile(us, 99),
    mean: us.reduce((a, b) => a + b, 0) / us.length,
    n: us.length,
  };
}

/**
 * Reliability bins of a confidence score against the top-1's observed accuracy.
 * Bins [0,0.1), [0.1,0.2) … [0.9,1.0] (1.0 and above go in the last bin, below 0 in the first).
 * Per bin: n (all queries), rightIfAnswered (share where answering the top-1 would be
 * right: in-scope and top-1 = expected; never for out-of-scope), nInScope, top1InScope,
 * meanConfidence.
 */
export function reliabilityBins(records, bins = 10) {
  const out = Array.from({ length: bins }, (_, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    n: 0,
    right: 0,
    nInScope: 0,
    rightInScope: 0,
    confSum: 0,
  }));
  for (const r of records) {
    const c = r.score == null || Number.isNaN(r.score) ? 0 : r.score;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(c * bins + 1e-9)));
    const bin = out[b];
    const right = isInScope(r) && r.id === r.expected;
    bin.n += 1;
    bin.confSum += c;
    if (right) bin.right += 1;
    if (isInScope(r)) {
      bin.nInScope += 1;
      if (right) bin.rightInScope += 1;
    }
  }
  return out.map((b) => ({
    lo: b.lo,
    hi: b.hi,
    n: b.n,
    rightIfAnswered: b.n ? b.right / b.n : null,
    nInScope: b.nInScope,
    top1InScope: b.nInScope ? b.rightInScope / b.nInScope : null,
    meanConfidence: b.n ? b.confSum / b.n : null,
  }));
}

/** Expected calibration error of the bins (over all queries: confidence vs right-if-answered). */
export function expectedCalibrationError(bins) {
  const total = bins.reduce((a, b) => a + b.n, 0);
  if (!total) return null;
  let e = 0;
  for (const b of bins) if (b.n) e += (b.n / total) * Math.abs(b.meanConfidence - b.rightIfAnswered);
  return e;
}

/** Every accuracy metric for one run. */
export function summarize(records) {
  const inScope = records.filter(isInScope).length;
  const oracle = oracleThreshold(records);
  return {
    queries: records.length,
    inScope,
    outOfScope: records.length - inScope,
    top1: top1(records),
    top3: top3(records),
    decisionShipped: decisionAccuracyShipped(records),
    oosRejectionShipped: oosRejectionShipped(records),
    decisionOracle: oracle ? oracle.accuracy : null,
    oracleThreshold: oracle ? oracle.threshold : null,
    oosRejectionOracle: oracle ? oracle.oosRejection : null,
  };
}
