/**
 * `kefu eval`: sweep the answer threshold over a set of test cases (the report: eval-report.ts).
 *
 * Every case is matched once; the sweep then replays the matcher's own decision rule
 * (match/decide.ts: per-FAQ thresholds, the close-second rule) for each answer threshold t
 * with the clarify band [t/2, t). At the matcher's thresholds in force it gives exactly the
 * outcomes `kefu test` sees.
 */
import { decide as decideRule, type DecisionInput } from '../../match/decide.js';
import type { KefuMatcher, KefuThresholds } from '../../match/matcher.js';
import type { KefuTestCase } from './cases.js';

/** Outcome counts at one threshold, over the swept cases (in scope + out of scope). */
export interface EvalCounts {
  /** Swept cases (expect is an FAQ id or fallback). */
  cases: number;
  /** Handled right: in scope answered with the right id, or out of scope not answered. */
  right: number;
  answered: number;
  /** In-scope cases answered (right or wrong id). */
  answeredInScope: number;
  /** Answered with a wrong id, or an out-of-scope case answered. */
  wrong: number;
  clarified: number;
  fallback: number;
}

/** One point of the curve: the rates at answer threshold `threshold`, clarify threshold `clarify`. */
export interface EvalPoint {
  threshold: number;
  /** The clarify threshold assumed at this point (t / 2 on the curve). */
  clarify: number;
  accuracy: number;
  answerRate: number;
  wrongAnswerRate: number;
  clarifyRate: number;
  fallbackRate: number;
  counts: EvalCounts;
}

/** One swept case, as the worst-cases table shows it. */
export interface EvalCaseRow {
  question: string;
  expect: string;
  file: string;
  line?: number;
  /** 'in': expect is an FAQ id; 'out': expect is fallback. */
  scope: 'in' | 'out';
  /** The best candidate's id (null when nothing matched). */
  bestId: string | null;
  /** The best candidate's confidence. */
  confidence: number;
  /** Is the best candidate the expected FAQ? (Always false out of scope.) */
  right: boolean;
  /** Is the expected FAQ among the first three candidates? (Always false out of scope.) */
  top3: boolean;
  /** What the recommended thresholds would do with it. */
  outcome: 'answer' | 'clarify' | 'fallback';
  /** Handled right at the recommended thresholds. */
  pass: boolean;
}

export interface EvalSweep {
  /** One point per answer threshold, from 0 to 1 (101 with the default 0.01 step). */
  points: EvalPoint[];
  /** Highest accuracy; ties → lowest wrong-answer rate, then the higher threshold. Clarify = answer / 2. */
  recommended: { thresholds: KefuThresholds; accuracy: number; point: EvalPoint };
  /** The matcher's thresholds in force, and how they do on these cases. */
  current: {
    thresholds: KefuThresholds;
    accuracy: number;
    point: EvalPoint;
    /**
     * The cases judged as `kefu test` judges them (an FAQ answered with its id, fallback
     * expected and fallen back, clarify expected and clarified), over every case but the
     * handoff ones, whose outcome depends on the bot's triggers: with the same rule, the
     * figure `kefu test` reports on those cases.
     */
    judged: { cases: number; passed: number; accuracy: number };
  };
  summary: {
    /** All cases given, including the clarify and handoff ones the sweep skips. */
    cases: number;
    inScope: number;
    outOfScope: number;
    clarify: number;
    handoff: number;
    /** Share of in-scope cases whose best candidate is right (threshold-independent). */
    top1Accuracy: number;
    /** Share of in-scope cases whose FAQ is among the first three candidates. */
    top3Recall: number;
  };
  /** The worst swept cases, worst first: wrong ones by how far above, right ones by how far below the recommended threshold. */
  worst: EvalCaseRow[];
}

export interface EvalSweepOptions {
  /** Intervals between 0 and 1 (default 100: a 0.01 step, 101 points). */
  steps?: number;
  /** Rows kept in `worst` (default 20). */
  worst?: number;
}

interface Scored {
  c: KefuTestCase;
  scope: 'in' | 'out';
  bestId: string | null;
  confidence: number;
  right: boolean;
  top3: boolean;
  /** What the decision rule reads, replayed at each threshold; with the thresholds in force for it. */
  input: SweepInput;
}

/**
 * What the sweep reads of each question: `matcher.decisionInput` (of a prepared question, so
 * that the semantic signal counts as in `kefu test`). `thresholds` are those in force for that
 * question (a question ranked without its embedding is held to the lexical fit).
 */
export type SweepInput = DecisionInput & { ids: string[]; thresholds?: KefuThresholds };

const NON_FAQ = new Set(['clarify', 'fallback', 'handoff']);

/**
 * Match every case once, then replay the decision at each answer threshold in [0, 1].
 * @example
 * const sweep = sweepThresholds(matcher, cases);
 * sweep.recommended.thresholds; // { answer: 0.42, clarify: 0.21 }
 */
export function sweepThresholds(matcher: { thresholds: KefuThresholds; decisionInput(question: string): SweepInput }, cases: readonly KefuTestCase[], options: EvalSweepOptions = {}): EvalSweep {
  const steps = options.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`kefu: steps must be a positive integer, not ${String(steps)}`);
  const keep = options.worst ?? 20;

  let clarify = 0;
  let handoff = 0;
  const scored: Scored[] = [];
  const clarifyInputs: SweepInput[] = [];
  for (const c of cases) {
    if (c.expect === 'clarify') {
      clarify++;
      clarifyInputs.push(matcher.decisionInput(c.question));
    } else if (c.expect === 'handoff') handoff++;
    else {
      const input = matcher.decisionInput(c.question);
      const bestId = input.ids[0] ?? null;
      const scope = c.expect === 'fallback' ? 'out' : 'in';
      const inScope = scope === 'in';
      scored.push({
        c,
        scope,
        bestId,
        confidence: bestId === null ? 0 : Math.round(input.candidates[0].p * 1e4) / 1e4,
        right: inScope && bestId === c.expect,
        top3: inScope && input.ids.slice(0, 3).includes(c.expect),
        input,
      });
    }
  }
  const inScope = scored.filter((s) => s.scope === 'in');

  const points: EvalPoint[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = roundTo(i / steps, 6);
    points.push(evaluate(scored, t, t / 2));
  }

  let best = points[0];
  for (const p of points) {
    const c = p.counts;
    const b = best.counts;
    if (c.right > b.right || (c.right === b.right && (c.wrong < b.wrong || (c.wrong === b.wrong && p.threshold > best.threshold)))) best = p;
  }
  const currentThresholds = { answer: matcher.thresholds.answer, clarify: matcher.thresholds.clarify };
  // At the thresholds in force: each question's own (lexical or semantic fit), as match() decides.
  const inForce = (input: SweepInput) => input.thresholds ?? currentThresholds;
  const currentPoint = evaluate(scored, currentThresholds.answer, currentThresholds.clarify, inForce);
  let passed = clarifyInputs.filter((input) => decideRule(input, inForce(input)) === 'clarify').length;
  for (const s of scored) {
    const outcome = decideRule(s.input, inForce(s.input));
    if (s.scope === 'in' ? outcome === 'answer' && s.right : outcome === 'fallback') passed++;
  }
  const judgedCases = scored.length + clarifyInputs.length;

  const t = best.threshold;
  const rows: (EvalCaseRow & { severity: number })[] = scored.map((s) => {
    const outcome = decide(s, t, best.clarify);
    return {
      question: s.c.question,
      expect: s.c.expect,
      file: s.c.file,
      ...(s.c.line !== undefined ? { line: s.c.line } : {}),
      scope: s.scope,
      bestId: s.bestId,
      confidence: s.confidence,
      right: s.right,
      top3: s.top3,
      outcome,
      pass: s.scope === 'in' ? outcome === 'answer' && s.right : outcome !== 'answer',
      // Wrong ones: how far above the threshold they would be answered; right ones: how far below they miss it.
      severity: s.right ? t - s.confidence : s.confidence - t,
    };
  });
  rows.sort((a, b) => b.severity - a.severity || b.confidence - a.confidence);

  return {
    points,
    recommended: { thresholds: { answer: t, clarify: best.clarify }, accuracy: best.accuracy, point: best },
    current: { thresholds: currentThresholds, accuracy: currentPoint.accuracy, point: currentPoint, judged: { cases: judgedCases, passed, accuracy: share(passed, judgedCases) } },
    summary: {
      cases: cases.length,
      inScope: inScope.length,
      outOfScope: scored.length - inScope.length,
      clarify,
      handoff,
      top1Accuracy: share(inScope.filter((s) => s.right).length, inScope.length),
      top3Recall: share(inScope.filter((s) => s.top3).length, inScope.length),
    },
    worst: rows.slice(0, keep).map(({ severity: _severity, ...row }) => row),
  };
}

function decide(s: Scored, answer: number, clarify: number): 'answer' | 'clarify' | 'fallback' {
  return decideRule(s.input, { answer, clarify });
}

/** Outcomes at one threshold pair, or (`inForce`) at each question's own thresholds in force. */
function evaluate(scored: readonly Scored[], answer: number, clarify: number, inForce?: (input: SweepInput) => KefuThresholds): EvalPoint {
  const counts: EvalCounts = { cases: scored.length, right: 0, answered: 0, answeredInScope: 0, wrong: 0, clarified: 0, fallback: 0 };
  for (const s of scored) {
    const outcome = inForce ? decideRule(s.input, inForce(s.input)) : decide(s, answer, clarify);
    if (outcome === 'answer') {
      counts.answered++;
      if (s.scope === 'in') counts.answeredInScope++;
      if (s.right) counts.right++;
      else counts.wrong++;
    } else {
      if (outcome === 'clarify') counts.clarified++;
      else counts.fallback++;
      if (s.scope === 'out') counts.right++;
    }
  }
  const n = counts.cases;
  return {
    threshold: answer,
    clarify,
    accuracy: share(counts.right, n),
    answerRate: share(counts.answered, n),
    wrongAnswerRate: share(counts.wrong, n),
    clarifyRate: share(counts.clarified, n),
    fallbackRate: share(counts.fallback, n),
    counts,
  };
}

function share(k: number, n: number): number {
  return n === 0 ? 0 : k / n;
}

export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
