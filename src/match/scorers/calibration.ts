/**
 * One calibrated confidence per candidate: the logistic model (calibrate.ts) over the
 * candidate's signals. Ablating it keeps the default model instead of fitting one (build/).
 */
import { fittedThresholds, predict, type CalibrationModel, type Signals } from '../calibrate.js';
import type { KefuThresholds } from '../options.js';
import type { Engine } from '../engine.js';
import type { Candidate } from '../types.js';
import type { Scorer } from './scorer.js';

/** The signal vector of candidate i of a ranked list (see SIGNALS in calibrate.ts). */
export function signalsOf(scored: readonly Candidate[], i: number, coverage: number, length: number): Signals {
  const c = scored[i];
  const other = i === 0 ? (scored[1]?.score ?? 0) : scored[0].score;
  const x = [c.score, c.best, c.classifier, c.trained, c.score - other, coverage, c.pattern, c.keyword, c.fuzzy, length];
  if (c.more) for (const k of Object.keys(c.more).sort()) x.push(c.more[k]);
  return x;
}

/**
 * Confidences of a list ranked by score, made non-increasing down the list (the model is
 * fitted on the first candidate, whose margin is positive; lower ones only borrow it).
 */
export function calibrate(model: CalibrationModel, scored: Candidate[], coverage: number, compactLength: number): void {
  const length = Math.log1p(compactLength);
  for (let i = 0; i < scored.length; i++) {
    const c = scored[i];
    c.signals = signalsOf(scored, i, coverage, length);
    c.p = predict(model, c.signals);
  }
  for (let i = 1; i < scored.length; i++) scored[i].p = Math.min(scored[i].p!, scored[i - 1].p!);
}

/** The model that calibrates a ranked list: without the semantic signal (no embedding, or a question in pinyin) the lexical one, fitted beside it. */
export function modelFor(engine: Engine, scored: readonly Candidate[]): CalibrationModel {
  return engine.semantic && scored[0]?.more?.semantic === undefined ? (engine.semantic.lexicalModel ?? engine.model) : engine.model;
}

/**
 * The thresholds in force for a ranked list: a question matched lexically (no embedding) is
 * held to the lexical model's fitted threshold, not to the one fitted with the semantic signal.
 */
export function thresholdsFor(engine: Engine, scored: readonly Candidate[]): KefuThresholds {
  const model = modelFor(engine, scored);
  return model === engine.model ? engine.thresholds : fittedThresholds(model, engine.settings.explicitThresholds, engine.thresholds);
}

/** The lexical confidence that vouches for an answer below the answer floor: more likely right than wrong. */
const VOUCH = 0.5;

/**
 * Whether a candidate may not be answered: farther in meaning from its FAQ than the KB's
 * answer floor (scorers/semantic.ts), unless the lexical model alone vouches for it (the
 * model reads no typo: 腿货怎么申请 is far from 退货 in meaning, near in pinyin).
 */
export function belowAnswerFloor(engine: Engine, c: Candidate | undefined): boolean {
  const state = engine.semantic;
  const at = state?.answerFloor;
  const cos = c?.more?.semantic;
  if (at === undefined || cos === undefined || cos >= at) return false;
  const lexical = state!.lexicalModel;
  return !lexical || !c!.signals || predict(lexical, c!.signals) < Math.max(VOUCH, lexical.answerThreshold ?? 0);
}

/** Whether the lexical model alone would offer this candidate (its confidence reaches its own clarify threshold). */
function lexicalOffer(engine: Engine, c: Candidate): boolean {
  const lexical = engine.semantic?.lexicalModel;
  if (!lexical || !c.signals) return true;
  return predict(lexical, c.signals) >= fittedThresholds(lexical, engine.settings.explicitThresholds, engine.thresholds).clarify;
}

export const calibrationScorer: Scorer<'calibration'> = {
  name: 'calibration',
  stage: 'confidence',
  always: true,
  score(input, scored) {
    const { engine, query } = input;
    const lexical = engine.semantic !== undefined && scored[0]?.more?.semantic === undefined;
    calibrate(modelFor(engine, scored), scored, query.coverage, query.analysis.compact.length);
    // Off-topic by meaning (今年高考是几号 against a shop's KB): fall back, whatever words it shares.
    const floor = engine.semantic?.floor ?? 0;
    if (!lexical && floor > 0 && Math.max(...scored.map((c) => c.more?.semantic ?? 0)) < floor) {
      capConfidence(scored, engine.thresholds.clarify * 0.9);
    } else if (!lexical && belowAnswerFloor(engine, scored[0])) {
      // Not close enough to its FAQ to be a paraphrase of it: not answered; offered ("did you
      // mean") only when its words alone make it worth offering (一加一等于几 is not: its words
      // alone give no FAQ the lexical model's clarify threshold), else declined.
      const answerAt = Math.min(engine.thresholds.answer, engine.kb.faqs[scored[0]!.entry]!.threshold ?? 1);
      capConfidence(scored, lexicalOffer(engine, scored[0]!) ? answerAt * 0.99 : engine.thresholds.clarify * 0.9);
    }
  },
};

/**
 * Brings the first candidate's confidence down to `cap`, scaling, not clipping, the others:
 * they keep their order and their distance to the first, so a "did you mean" (and an agent's
 * suggestions) list those worth offering, not every candidate at one value.
 */
function capConfidence(scored: Candidate[], cap: number): void {
  const scale = Math.min(1, cap / Math.max(scored[0]?.p ?? 0, 1e-9));
  for (const c of scored) c.p = c.p! * scale;
}
