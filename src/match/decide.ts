/**
 * The one decision rule: answer, clarify ("did you mean…") or fall back, from a question's
 * ranked candidates. Used by the matcher, by `kefu eval` (replaying it at other thresholds)
 * and, through the matcher's result, by the bot.
 */
import { TUNING, type KefuThresholds } from './options.js';

/** What the rule reads of a candidate. */
export interface DecisionCandidate {
  /** Ranking score. */
  score: number;
  /** Cosine of the FAQ's best question. */
  best: number;
  /** Calibrated confidence (unrounded). */
  p: number;
  /** The FAQ's own answer threshold, if it sets one. */
  threshold?: number;
}

/** What the rule reads of a question: its candidates best first, and whether it is a bare keyword. */
export interface DecisionInput {
  candidates: readonly DecisionCandidate[];
  /** A bare keyword (few tokens, few characters): ambiguous when several FAQs hold it. */
  bare: boolean;
  /** The close-second ratio fitted with the calibration (TUNING.closePRatio when absent). */
  closePRatio?: number;
  /** The close-second ranking-score ratio fitted likewise (TUNING.closeRatio when absent). */
  closeRatio?: number;
}

export type Decision = 'answer' | 'clarify' | 'fallback';

/** Is this question a bare keyword (TUNING.bareMaxTokens tokens, TUNING.bareMaxChars characters at most)? */
export function isBare(tokens: number, compactLength: number): boolean {
  return tokens <= TUNING.bareMaxTokens && compactLength <= TUNING.bareMaxChars;
}

/**
 * - answer: the first candidate's confidence reaches its answer threshold (the FAQ's own,
 *   else `thresholds.answer`) and no runner-up is close;
 * - clarify: not answered, and the confidence reaches `thresholds.clarify`;
 * - fallback: otherwise (also with no candidate).
 * A runner-up is close when two FAQs score about the same (a bare "运费": shipping fee or
 * return postage?) unless the calibrated confidences separate them (付完款几天发货: the
 * first has a keyword), or when a bare keyword is found in several FAQs' questions.
 */
export function decide(input: DecisionInput, thresholds: KefuThresholds): Decision {
  const [first, second] = input.candidates;
  if (!first) return 'fallback';
  const p1 = first.p;
  const p2 = second?.p ?? 0;
  const answerAt = first.threshold ?? thresholds.answer;
  const { clarify } = thresholds;
  const close =
    second !== undefined &&
    ((second.score >= (input.closeRatio ?? TUNING.closeRatio) * first.score && p2 >= clarify * TUNING.closeMinClarifyShare && p2 >= (input.closePRatio ?? TUNING.closePRatio) * p1) ||
      (input.bare && second.best >= TUNING.closeRatio * first.best));
  if (p1 >= answerAt && !close) return 'answer';
  if (p1 >= clarify) return 'clarify';
  return 'fallback';
}

/**
 * The candidates a "did you mean" offers: the first, and those whose confidence is at least
 * half the clarify threshold (lower ones are noise next to it).
 */
export function clarifyOffers<C extends { confidence: number }>(candidates: readonly C[], thresholds: KefuThresholds): C[] {
  return candidates.filter((c, i) => i === 0 || c.confidence >= thresholds.clarify * TUNING.offerMinClarifyShare);
}
