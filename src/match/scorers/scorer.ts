/**
 * The one interface every scorer implements. A scorer reads the engine (never writes it), the
 * analysed question and the candidates, and writes only its own signal into each candidate.
 * To add a signal: one file here exporting a Scorer, and one line in `SCORERS` (list.ts);
 * its name becomes an ablation, and a value it leaves in `candidate.more[name]` is mixed into
 * the ranking score by its `weight` and appended to the calibration signals.
 */
import type { TextAnalysis } from '../../text/features.js';
import type { Engine } from '../engine.js';
import type { QueryTable } from '../index/vectors.js';
import type { Candidate, Exclude, QueryVector } from '../types.js';

/**
 * Where in the pipeline a scorer runs:
 * - `retrieve`: on every FAQ retrieval found (may add or veto candidates), before the cut to the first ten;
 * - `rescore`: on the first ten, then the ranking score is mixed (pipeline/rank.ts);
 * - `refine`: on the ranked list when `applies` says the ranking is unsure;
 * - `confidence`: last, turns the signals into one calibrated confidence.
 */
export type Stage = 'retrieve' | 'rescore' | 'refine' | 'confidence';

export interface ScorerInput {
  engine: Engine;
  query: QueryVector;
  /** The question's weights by feature id, loaded for this question only. */
  table: QueryTable;
  /** Held out of the index (leave-one-out while calibrating). */
  exclude: Exclude;
  /** Query-level values computed before scoring by the scorers' async `prepare` (by scorer name). */
  prepared?: ReadonlyMap<string, unknown>;
}

export interface Scorer<Name extends string = string> {
  /** Its ablation name: `ablate: [name]` switches it off. */
  readonly name: Name;
  readonly stage: Stage;
  /**
   * Runs even when ablated: its ablation changes what the build gives it instead (patterns
   * not compiled; the default calibration model instead of a fitted one).
   */
  readonly always?: boolean;
  /** Share of the ranking score given to `candidate.more[name]` after the rescore stage (new scorers). */
  readonly weight?: number;
  /** Whether it has anything to do for this question (default: yes). */
  applies?(input: ScorerInput, candidates: readonly Candidate[]): boolean;
  /** Write its signal into the candidates; may return a new list (candidates added or vetoed). */
  score(input: ScorerInput, candidates: Candidate[]): Candidate[] | void;
  /**
   * An asynchronous, query-level input (an embedding of the question): `matcher.prepare(text)`
   * awaits it for every scorer that has one, and `matcher.match(prepared)` scores synchronously
   * with the result in `input.prepared`. A plain `match(text)` leaves it undefined. `analysis`
   * is the question's, when the caller has it (saves analysing it again).
   */
  prepare?(text: string, engine: Engine, analysis?: TextAnalysis): Promise<unknown>;
}
