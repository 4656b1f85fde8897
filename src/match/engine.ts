/**
 * The matcher's whole state as one value: built by build/, read by pipeline/ and scorers/,
 * swapped whole by a rebuild. Hot updates (index/append.ts) extend its index in place until
 * the next rebuild replaces it. Scratch buffers are not part of it: each module that needs
 * one keeps its own per engine.
 */
import type { KnowledgeBase } from '../kb/schema.js';
import type { FeatureExtractor } from '../text/features.js';
import type { CalibrationModel } from './calibrate.js';
import type { SoftmaxClassifier } from './classifier.js';
import type { FeatureSpace } from './index/features.js';
import type { SearchIndex } from './index/postings.js';
import type { KefuMatcherOptions, KefuThresholds } from './options.js';
import type { CompiledPattern } from '../kb/patterns.js';
import type { SemanticState } from './scorers/semantic.js';
import type { NbTable } from './scorers/naive-bayes.js';

/** What the engine was configured with (fixed for its lifetime). */
export interface Settings {
  /** Names of the parts switched off. */
  ablate: ReadonlySet<string>;
  maxCandidates: number;
  /** Given by the user, else the default for the model being fitted (build/sample.ts). */
  outOfScopeShare: number | undefined;
  segmenterName: string;
  /** A mostly Chinese KB: Latin words that spell pinyin may be Chinese typed without an IME. */
  asciiPinyin: boolean;
  /** The thresholds given (by the KB or the options) rather than fitted. */
  explicitThresholds: Partial<KefuThresholds>;
  /** What a rebuild is built with: the options given (segmenter resolved). */
  buildOptions: KefuMatcherOptions;
}

export interface Engine {
  kb: KnowledgeBase;
  settings: Settings;
  extractor: FeatureExtractor;
  /** In force: given by the options or the KB, else fitted on this KB. */
  thresholds: KefuThresholds;
  features: FeatureSpace;
  index: SearchIndex;
  rules: Rules;
  /** Naive Bayes counts per FAQ. */
  nb: NbTable;
  model: CalibrationModel;
  softmax?: SoftmaxClassifier;
  /** FAQ position by id. */
  faqIndex: Map<string, number>;
  /** FAQ vectors and the embedder, when semantic matching is on (scorers/semantic.ts). */
  semantic?: SemanticState;
}

export function enabled(engine: Pick<Engine, 'settings'>, name: string): boolean {
  return !engine.settings.ablate.has(name);
}

/** One FAQ's naive Bayes counts: sorted feature ids, their counts, and the total. */
export interface NbCounts {
  feats: Int32Array;
  counts: Int32Array;
  total: number;
}

/** The KB author's rules, compiled (scorers/rules.ts). */
export interface Rules {
  patterns: { entry: number; pattern: CompiledPattern }[];
  required: (string[][] | undefined)[];
  keywords: (string[] | undefined)[];
}
