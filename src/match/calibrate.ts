/**
 * Turning scorer outputs into one calibrated confidence: a logistic model over a few
 * signals of a candidate, fitted per KB by leave-one-out over the KB's own similar
 * questions (each held-out question is a query whose right answer is known) plus
 * "entry left out" queries that stand for questions the KB does not cover.
 * A confidence of 0.7 then means "right about 70% of the time" on any KB.
 */
import { DEFAULT_THRESHOLDS, TUNING, type KefuThresholds } from './options.js';
import { runSync, type Steps } from './steps.js';

/** The signals the model sees for one candidate FAQ. Order matters: it is the weight order. */
export const SIGNALS = [
  'score', // combined ranking score
  'best', // cosine of the best-matching question of this FAQ
  'classifier', // naive Bayes posterior of this FAQ among the candidates
  'trained', // trained softmax classifier's posterior among the candidates (0 if none)
  'margin', // score minus the best other FAQ's score (negative when not first)
  'coverage', // share of the query's weight the KB knows at all
  'pattern', // 1 when one of the FAQ's patterns matched
  'keyword', // 1 when one of the FAQ's keywords is in the question
  'fuzzy', // fuse.js similarity to the FAQ's questions (0 when not run)
  'length', // log(1 + characters in the question)
] as const;

export type Signals = number[];

export interface CalibrationModel {
  weights: number[];
  bias: number;
  /** 'fitted' on this KB, or 'default' when it had too few similar questions to fit. */
  source: 'fitted' | 'default';
  /** Answer threshold that handled the fitting sample best (used unless the KB or bot sets one). */
  answerThreshold?: number;
  /**
   * A runner-up at this share of the first candidate's confidence or more makes a question
   * ambiguous (clarify, not answer): fitted with the threshold (decide.ts; TUNING.closePRatio
   * when absent).
   */
  closePRatio?: number;
  /** …when its ranking score is at least this share of the first's (fitted likewise; TUNING.closeRatio when absent). */
  closeRatio?: number;
  /** Samples used for fitting (positives, negatives). */
  samples?: { positive: number; negative: number };
}

/**
 * For KBs without enough similar questions to fit their own (e.g. one question per FAQ):
 * fitted by scripts/fit-default-calibration.mjs on the pooled calibration samples of the
 * sample KB, zh-bq-dev and en-clinc-dev, with the classifier such KBs lack switched off.
 */
export const DEFAULT_MODEL: CalibrationModel = {
  weights: [0, 1.191, 0, 0, 5.763, 0, 2.103, 1.832, 0.938, 1.182],
  bias: -5.282,
  source: 'default',
  answerThreshold: 0.32,
};

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function predict(model: CalibrationModel, x: Signals): number {
  let z = model.bias;
  for (let i = 0; i < x.length; i++) z += (model.weights[i] ?? 0) * x[i]; // signals of newer scorers: 0 until fitted
  return sigmoid(z);
}

/**
 * L2-regularised logistic regression by Newton's method (a handful of features, a few
 * thousand samples: converges in ~10 iterations, milliseconds).
 */
export function fitLogistic(xs: Signals[], ys: number[], sampleWeights?: number[], l2 = 1e-2, iterations = 25, fixedZero: ReadonlySet<number> = new Set()): { weights: number[]; bias: number } {
  return runSync(fitLogisticSteps(xs, ys, sampleWeights, l2, iterations, fixedZero));
}

/** `fitLogistic`, yielding after each Newton step (see steps.ts). */
function* fitLogisticSteps(xs: Signals[], ys: number[], sampleWeights: number[] | undefined, l2: number, iterations: number, fixedZero: ReadonlySet<number>): Steps<{ weights: number[]; bias: number }> {
  const d = xs[0].length + 1;
  const beta = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    if (it > 0) yield;
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let n = 0; n < xs.length; n++) {
      const x = [...xs[n], 1];
      let z = 0;
      for (let i = 0; i < d; i++) z += beta[i] * x[i];
      const p = sigmoid(z);
      const w = sampleWeights?.[n] ?? 1;
      const g = (p - ys[n]) * w;
      const h = Math.max(p * (1 - p), 1e-6) * w;
      for (let i = 0; i < d; i++) {
        grad[i] += g * x[i];
        for (let j = i; j < d; j++) hess[i][j] += h * x[i] * x[j];
      }
    }
    for (const k of fixedZero) {
      grad[k] = 0;
      for (let j = 0; j < d; j++) hess[k][j] = hess[j][k] = 0;
      hess[k][k] = 1;
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) if (!fixedZero.has(i) && !fixedZero.has(j)) hess[i][j] = hess[j][i];
      if (i < d - 1) {
        grad[i] += l2 * beta[i];
        hess[i][i] += l2;
      }
      hess[i][i] += 1e-9;
    }
    const step = solve(hess, grad);
    let maxStep = 0;
    for (let i = 0; i < d; i++) {
      beta[i] -= step[i];
      maxStep = Math.max(maxStep, Math.abs(step[i]));
    }
    if (maxStep < 1e-6) break;
  }
  return { weights: beta.slice(0, d - 1), bias: beta[d - 1] };
}

/**
 * Logistic regression whose weights on evidence signals may not be negative: more
 * similarity never lowers the confidence, however small or odd the fitting sample.
 * Active set: a weight that comes out negative is fixed at 0 and the rest refitted.
 */
export function fitMonotoneLogistic(xs: Signals[], ys: number[], sampleWeights: number[] | undefined, monotone: readonly boolean[], l2 = 0.5): { weights: number[]; bias: number } {
  return runSync(fitMonotoneLogisticSteps(xs, ys, sampleWeights, monotone, l2));
}

function* fitMonotoneLogisticSteps(xs: Signals[], ys: number[], sampleWeights: number[] | undefined, monotone: readonly boolean[], l2 = 0.5): Steps<{ weights: number[]; bias: number }> {
  const fixed = new Set<number>();
  for (;;) {
    const fit = yield* fitLogisticSteps(xs, ys, sampleWeights, l2, 25, fixed);
    yield;
    const negative = fit.weights.map((w, i) => (monotone[i] && w < 0 && !fixed.has(i) ? i : -1)).filter((i) => i >= 0);
    if (negative.length === 0) return { weights: fit.weights.map((w, i) => (fixed.has(i) ? 0 : w)), bias: fit.bias };
    for (const i of negative) fixed.add(i);
  }
}

/** Which signals are evidence (weight ≥ 0): all but `length`. */
export const MONOTONE_SIGNALS: readonly boolean[] = SIGNALS.map((s) => s !== 'length');

/** Gaussian elimination with partial pivoting; the system is tiny. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    [m[c], m[piv]] = [m[piv], m[c]];
    const div = m[c][c] || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / div;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / (m[r][r] || 1e-12);
  }
  return x;
}

/** A labelled calibration sample: signals of a top candidate, whether it was right, weight. */
export interface LabelledSample {
  xs: Signals[];
  ys: number[];
  weights: number[];
  /** Whether each sample is an in-scope question (else it stands for one the KB does not cover). */
  inScope: boolean[];
  /** Samples a gate other than the confidence keeps from being answered (never answered at any threshold). */
  blocked?: boolean[];
  /** Signals of each sample's runner-up, and its ranking score's share of the first's (for the close-second rule). */
  second?: (Signals | undefined)[];
  scoreRatio?: number[];
}

/**
 * Ridge penalty of the fitted confidence model. The signals overlap (score, best match and
 * both classifiers say much the same), so with a weak penalty the weight moved from one to
 * another with any small change to the KB or the scorers.
 */
const CALIBRATION_L2 = 2;

/**
 * Fit the confidence model and the answer threshold on a labelled sample.
 * @example
 * const model = fitCalibration({ xs, ys, weights, inScope }); // { weights, bias, answerThreshold, source: 'fitted' }
 */
export function fitCalibration(sample: LabelledSample): CalibrationModel {
  return runSync(fitCalibrationSteps(sample));
}

/** `fitCalibration`, yielding between small steps (see steps.ts). */
export function* fitCalibrationSteps(sample: LabelledSample): Steps<CalibrationModel> {
  const { weights, bias } = yield* fitMonotoneLogisticSteps(sample.xs, sample.ys, sample.weights, MONOTONE_SIGNALS, CALIBRATION_L2);
  yield;
  const positive = sample.ys.filter((y) => y === 1).length;
  const model: CalibrationModel = { weights, bias, source: 'fitted', samples: { positive, negative: sample.ys.length - positive } };
  const p = sample.xs.map((x) => predict(model, x));
  // The close-second rule's ratio is fitted with the threshold: each ratio tried with its own
  // best threshold, the one that handles the sample best kept (ties: the more careful).
  let best: { threshold: number; accuracy: number; ratio: number; scoreRatio: number } = { threshold: DEFAULT_THRESHOLDS_ANSWER, accuracy: -1, ratio: TUNING.closePRatio, scoreRatio: TUNING.closeRatio };
  const p2 = sample.second?.map((x, i) => (x ? Math.min(predict(model, x), p[i]!) : 0));
  for (const scoreRatio of p2 ? CLOSE_SCORE_RATIOS : [TUNING.closeRatio]) {
    for (const ratio of p2 ? CLOSE_RATIOS : [TUNING.closePRatio]) {
      const close = p2 && ((i: number, t: number) => sample.scoreRatio![i]! >= scoreRatio && p2[i]! >= t * TUNING.clarifyShareOfAnswer * TUNING.closeMinClarifyShare && p2[i]! >= ratio * p[i]!);
      const fit = bestThreshold(p, sample, close);
      if (fit.accuracy > best.accuracy + 1e-9) best = { ...fit, ratio, scoreRatio };
      yield;
    }
  }
  model.answerThreshold = best.threshold;
  if (p2) {
    model.closePRatio = best.ratio;
    model.closeRatio = best.scoreRatio;
  }
  return model;
}

/** Close-second confidence ratios tried. */
const CLOSE_RATIOS = [0.8, 0.9, 0.95, 0.98];
/** Close-second ranking-score ratios tried (the semantic cosine makes scores closer than lexical ones). */
const CLOSE_SCORE_RATIOS = [0.85, 0.9, 0.95, 0.98, 0.99];
const DEFAULT_THRESHOLDS_ANSWER = 0.5;

/** Lowest answer threshold fitted, in hundredths: without / with a semantic gate. */
const MIN_THRESHOLD = 20;
const MIN_GATED_THRESHOLD = 10;

/** Spread (in confidence) of the smoothed step at the threshold; see `bestThreshold`. */
const THRESHOLD_SMOOTHING = 0.03;
/** How many standard errors below the best a lower threshold may score and still be chosen. */
const THRESHOLD_TOLERANCE = 1;

/**
 * The answer threshold, from decision accuracy on the sample: an in-scope question counts
 * when answered correctly, an uncovered one when not answered. The sample's accuracy is
 * flat over a wide band, so its plain argmax jumps with any small change to the KB or the
 * scorers; instead each question's step at the threshold is smoothed (a logistic of spread
 * THRESHOLD_SMOOTHING) and the lowest threshold whose accuracy is within
 * THRESHOLD_TOLERANCE standard errors of the best is taken: among thresholds the sample
 * cannot tell apart, the one that answers most (the "entry left out" questions standing
 * for uncovered ones are harder to reject than real ones, so the sample errs careful).
 * Kept within [0.2, 0.8] so that no KB gets an absurd default.
 */
function bestThreshold(p: readonly number[], s: Pick<LabelledSample, 'ys' | 'weights' | 'inScope' | 'blocked'>, close?: (i: number, t: number) => boolean): { threshold: number; accuracy: number } {
  const ts: number[] = [];
  // With a gate of their own (the semantic answer floor) far-off questions are not answered
  // whatever their confidence, and the threshold may go lower.
  for (let k = s.blocked ? MIN_GATED_THRESHOLD : MIN_THRESHOLD; k <= 80; k++) ts.push(k / 100);
  let total = 0;
  for (const w of s.weights) total += w;
  // credit[k][i]: how much question i counts as handled right at threshold ts[k]
  const credit = ts.map((t) =>
    p.map((pi, i) => {
      // 1.702: the logistic that best matches a normal step of standard deviation THRESHOLD_SMOOTHING
      const answered = s.blocked?.[i] || close?.(i, t) ? 0 : sigmoid((1.702 * (pi - t)) / THRESHOLD_SMOOTHING);
      return s.inScope[i] ? (s.ys[i] ? answered : 0) : 1 - answered;
    }),
  );
  const accuracy = credit.map((c) => c.reduce((a, x, i) => a + x * s.weights[i], 0) / (total || 1));
  let best = 0;
  for (let k = 1; k < ts.length; k++) if (accuracy[k] > accuracy[best] + 1e-12) best = k;
  for (let k = 0; k < best; k++) {
    let variance = 0;
    for (let i = 0; i < p.length; i++) variance += (s.weights[i] * (credit[best][i] - credit[k][i])) ** 2;
    if (accuracy[best] - accuracy[k] <= (THRESHOLD_TOLERANCE * Math.sqrt(variance)) / (total || 1)) return { threshold: ts[k], accuracy: accuracy[k] };
  }
  return { threshold: ts[best], accuracy: accuracy[best] };
}

/** The thresholds a model's fit gives, where the KB or the bot sets none. */
export function fittedThresholds(model: CalibrationModel, explicit: Partial<KefuThresholds>, current: KefuThresholds): KefuThresholds {
  const answer = explicit.answer ?? model.answerThreshold ?? current.answer;
  const clarify = explicit.clarify ?? Math.min(DEFAULT_THRESHOLDS.clarify, Math.round(answer * (TUNING.clarifyShareOfAnswer * 100)) / 100);
  return { answer, clarify };
}
