/**
 * The scorers, in the order they run within their stage. A new signal is one file in this
 * folder and one line here; its name is an ablation from then on.
 */
import { FEATURE_ABLATIONS } from '../options.js';
import { calibrationScorer } from './calibration.js';
import { fuzzyScorer } from './fuzzy.js';
import { naiveBayesScorer } from './naive-bayes.js';
import { rulesScorer } from './rules.js';
import { semanticScorer } from './semantic.js';
import { softmaxScorer } from './softmax.js';

export const SCORERS = [rulesScorer, semanticScorer, naiveBayesScorer, softmaxScorer, fuzzyScorer, calibrationScorer] as const;

/** Parts of the matcher that can be switched off, to measure what each one brings. */
export const ABLATIONS = [...SCORERS.map((s) => s.name), ...FEATURE_ABLATIONS] as readonly KefuAblation[];
export type KefuAblation = (typeof SCORERS)[number]['name'] | (typeof FEATURE_ABLATIONS)[number];
