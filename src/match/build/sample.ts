/**
 * The calibration sample and fit: leave-one-out over the KB's own similar questions, noisy
 * copies of its questions, and questions whose FAQ is left out (see calibrate.ts).
 */
import { charPinyin } from '../../text/pinyin.js';
import { DEFAULT_MODEL, fitCalibrationSteps, fittedThresholds, type CalibrationModel, type Signals } from '../calibrate.js';
import type { Engine } from '../engine.js';
import type { FeatureSpace } from '../index/features.js';
import { DEFAULTS, TUNING } from '../options.js';
import { rank } from '../pipeline/rank.js';
import { DEFAULT_SEMANTIC_MODEL, embedSteps, vectorOf } from './semantic-fit.js';
import type { Steps } from '../steps.js';
import { belowAnswerFloor } from '../scorers/calibration.js';
import type { Candidate, Exclude } from '../types.js';

export interface CalibrationSample {
  xs: Signals[];
  ys: number[];
  weights: number[];
  /** Each sample's runner-up signals and its score's share of the first's (close-second rule). */
  second?: (Signals | undefined)[];
  scoreRatio?: number[];
  /** Samples never answered whatever their confidence (below the semantic answer floor); only with the semantic signal. */
  blocked?: boolean[];
  /** Samples before this index are in scope; the rest stand for uncovered questions. */
  inScope: number;
  positive: number;
  negative: number;
}

const FILLERS = ['请问', '你好，', '我想问一下', '亲，', '麻烦问下'];

/**
 * A deterministic noisy copy of a question, as customers type them: a homophone typo
 * (a character swapped for another the KB uses with the same pinyin) or ~20% of the
 * characters dropped; sometimes filler in front.
 */
export function perturb(text: string, seed: number, homophones?: ReadonlyMap<string, readonly string[]>): string {
  const chars = [...text];
  let r = (seed * 2654435761 + 1) % 2147483648;
  const next = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
  const swappable = homophones ? chars.map((c, i) => ((homophones.get(charPinyin(c) ?? '')?.length ?? 0) > 1 ? i : -1)).filter((i) => i >= 0) : [];
  if (swappable.length > 0 && next() < 0.5) {
    const i = swappable[Math.floor(next() * swappable.length)];
    const options = homophones!.get(charPinyin(chars[i])!)!.filter((c) => c !== chars[i]);
    chars[i] = options[Math.floor(next() * options.length)];
  } else {
    const drops = Math.max(1, Math.round(chars.length * 0.2));
    for (let k = 0; k < drops && chars.length > 2; k++) chars.splice(Math.floor(next() * chars.length), 1);
  }
  const filler = next() < 0.3 ? FILLERS[Math.floor(next() * FILLERS.length)] : '';
  return filler + chars.join('');
}

/** The KB's own characters grouped by pinyin, for homophone typos in noisy copies. */
function homophoneTable(fs: FeatureSpace): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const key of fs.keys) {
    if (key[0] !== 'c' || key.length !== 3) continue;
    const ch = key.slice(2);
    const py = charPinyin(ch);
    if (!py) continue;
    const list = table.get(py) ?? [];
    list.push(ch);
    table.set(py, list);
  }
  return table;
}

/** Leave-one-out over the KB's own similar questions; see calibrate.ts. */
export function* fitSteps(engine: Engine, heldOut: number[], semantic = engine.semantic !== undefined): Steps<CalibrationModel> {
  if (heldOut.length < TUNING.minHeldOut) return semantic ? DEFAULT_SEMANTIC_MODEL : DEFAULT_MODEL;
  const sample = yield* calibrationSteps(engine, heldOut, semantic);
  if (sample.positive < TUNING.minPositives) return DEFAULT_MODEL;
  yield;
  return yield* fitCalibrationSteps({ ...sample, inScope: sample.xs.map((_, i) => i < sample.inScope) });
}

/**
 * The calibration sample (top candidate's signals, whether it was right, weight):
 * held-out similar questions (weight 1), noisy copies of KB questions (half as common in
 * total), and questions whose FAQ was left out, weighted as `outOfScopeShare` of all.
 */
export function* calibrationSteps(engine: Engine, heldOut: number[], semantic = engine.semantic !== undefined): Steps<CalibrationSample> {
  const { sentences } = engine.index;
  const memo = semantic ? engine.semantic?.memo : undefined;
  const score = (text: string, exclude: Exclude = {}) => rank(engine, engine.extractor.analyze(text), exclude, vectorOf(memo, text)).scored;
  const xs: Signals[] = [];
  const ys: number[] = [];
  const blocked: boolean[] = [];
  const second: (Signals | undefined)[] = [];
  const scoreRatio: number[] = [];
  let positive = 0;
  let negative = 0;
  const push = ([c, c2]: Candidate[], right: boolean) => {
    // questions the model cannot read (pinyin) are calibrated by the lexical model, fitted apart
    if (!c || (memo && c.more?.semantic === undefined)) return;
    xs.push(c.signals!);
    ys.push(right ? 1 : 0);
    blocked.push(memo !== undefined && belowAnswerFloor(engine, c));
    second.push(c2?.signals);
    scoreRatio.push(c2 && c.score > 0 ? c2.score / c.score : 0);
    if (right) positive++;
    else negative++;
  };
  for (const s of heldOut) {
    const ranked = score(sentences[s].text, { sentence: s });
    push(ranked, ranked[0]?.entry === sentences[s].entry);
    yield;
  }
  const heldOutCount = xs.length;
  // Customers also type the KB's own questions with typos, dropped words and filler.
  const noisyStride = Math.max(1, Math.floor(sentences.length / TUNING.noisyMax));
  const homophones = homophoneTable(engine.features);
  if (memo) yield* embedSteps(engine, Array.from({ length: Math.ceil(sentences.length / noisyStride) }, (_, k) => perturb(sentences[k * noisyStride].text, k * noisyStride, homophones)));
  for (let s = 0; s < sentences.length; s += noisyStride) {
    const ranked = score(perturb(sentences[s].text, s, homophones));
    push(ranked, ranked[0]?.entry === sentences[s].entry);
    yield;
  }
  const inScope = xs.length;
  const noisyWeight = inScope > heldOutCount ? (TUNING.noisyShare * Math.max(heldOutCount, 1)) / (inScope - heldOutCount) : 0;
  // Questions the KB does not cover: hold out the whole FAQ, every candidate is wrong.
  const negStride = Math.max(1, Math.floor(sentences.length / TUNING.leftOutMax));
  for (let s = 0; s < sentences.length; s += negStride) {
    push(score(sentences[s].text, { entry: sentences[s].entry }), false);
    yield;
  }
  const inScopeMass = heldOutCount + noisyWeight * (inScope - heldOutCount);
  const outOfScope = xs.length - inScope;
  // The semantic answer floor declines far-off questions first (options.ts, semanticOutOfScopeShare).
  const share = engine.settings.outOfScopeShare ?? (memo ? DEFAULTS.semanticOutOfScopeShare : DEFAULTS.outOfScopeShare);
  const w = outOfScope > 0 ? (share / (1 - share)) * (inScopeMass / outOfScope) : 1;
  const weights = xs.map((_, i) => (i < heldOutCount ? 1 : i < inScope ? noisyWeight : w));
  return { xs, ys, weights, ...(memo ? { blocked, second, scoreRatio } : {}), inScope, positive, negative };
}

/**
 * Thresholds not given by the KB or the bot come from the fit: the answer threshold that
 * handles most held-out questions right (answered correctly, or not answered when the KB
 * does not cover them); clarify from TUNING.clarifyShareOfAnswer of it.
 */
export function applyFittedThresholds(engine: Engine): void {
  Object.assign(engine.thresholds, fittedThresholds(engine.model, engine.settings.explicitThresholds, engine.thresholds));
}
