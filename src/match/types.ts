/** The values that flow through matching: what a question becomes, its candidates, and the result. */
import type { TextAnalysis } from '../text/features.js';
import type { Signals } from './calibrate.js';

export interface KefuCandidate {
  id: string;
  confidence: number;
  /** The FAQ's standard question, for "did you mean" lists. */
  question: string;
}

/** What `match` decides. `id` is the best FAQ whatever the type (null when nothing matched). */
export type KefuMatch =
  | { type: 'answer'; text: string; id: string; confidence: number; candidates: KefuCandidate[] }
  | { type: 'clarify'; text: string; id: string; confidence: number; candidates: KefuCandidate[] }
  | { type: 'fallback'; text: string; id: string | null; confidence: number; candidates: KefuCandidate[] };

/** What went into a decision, for `--debug` output. */
export interface KefuMatchExplanation {
  normalized: string;
  tokens: string[];
  segmenter: string;
  features: number;
  coverage: number;
  candidates: { id: string; confidence: number; score: number; signals: Record<string, number> }[];
}

/** One candidate FAQ of one question; each scorer fills in its own signal. */
export interface Candidate {
  entry: number;
  /** Cosine of the FAQ's best-matching question. */
  best: number;
  /** Naive Bayes posterior among the candidates. */
  classifier: number;
  /** Trained softmax classifier's posterior among the candidates (0 when not trained). */
  trained: number;
  /** The ranking score (each stage updates it). */
  score: number;
  pattern: number;
  keyword: number;
  fuzzy: number;
  /** Signals of scorers added later (by scorer name), appended to the calibration signals. */
  more?: Record<string, number>;
  signals?: Signals;
  p?: number;
}

/** Held out of the index while scoring (leave-one-out during calibration). */
export interface Exclude {
  sentence?: number;
  entry?: number;
}

/** A question as the index sees it. */
export interface QueryVector {
  analysis: TextAnalysis;
  /** Features known to the index, in the question's order, and their unit TF-IDF weights (the same order). */
  feats: number[];
  weights: number[];
  /** The same features rarest first. */
  known: number[];
  /** Their weights, in the same order (what `weights` holds, without a lookup). */
  knownWeights: number[];
  /** Share of the question's weight the index knows. */
  coverage: number;
}

export interface Ranked {
  query: QueryVector;
  scored: Candidate[];
}
