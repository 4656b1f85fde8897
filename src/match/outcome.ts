/**
 * A ranked question turned into what the matcher returns: the decision (decide.ts) with
 * its candidates, the explanation, and the TF-IDF vectors the learner groups questions by.
 */
import { familyOf, type TextAnalysis } from '../text/features.js';
import { SIGNALS } from './calibrate.js';
import { decide, isBare, type DecisionInput } from './decide.js';
import type { Engine } from './engine.js';
import { rawWeight } from './index/features.js';
import { modelFor, thresholdsFor } from './scorers/calibration.js';
import { FAMILY_WEIGHTS, idfOf, tfWeight } from './index/vectors.js';
import type { KefuMatch, KefuMatchExplanation, Ranked } from './types.js';

/** `upTo`: how many candidates to pass (decide reads the first two; eval's replay takes them all). */
export function decisionInputOf(engine: Engine, ranked: Ranked, upTo = Infinity): DecisionInput {
  const faqs = engine.kb.faqs;
  const model = modelFor(engine, ranked.scored);
  return {
    candidates: (upTo < ranked.scored.length ? ranked.scored.slice(0, upTo) : ranked.scored).map((s) => ({ score: s.score, best: s.best, p: s.p ?? 0, threshold: faqs[s.entry].threshold })),
    bare: isBare(ranked.query.analysis.tokens.length, ranked.query.analysis.compact.length),
    closePRatio: model.closePRatio,
    closeRatio: model.closeRatio,
  };
}

export function decision(engine: Engine, text: string, ranked: Ranked): KefuMatch {
  const { kb, settings } = engine;
  const first = ranked.scored[0];
  if (!first) return { type: 'fallback', text, id: null, confidence: 0, candidates: [] };
  const candidates = ranked.scored.slice(0, settings.maxCandidates).map((s) => ({ id: kb.faqs[s.entry].id, confidence: round(s.p ?? 0), question: kb.faqs[s.entry].question }));
  const type = decide(decisionInputOf(engine, ranked, 2), thresholdsFor(engine, ranked.scored));
  return { type, text, id: kb.faqs[first.entry].id, confidence: round(first.p ?? 0), candidates };
}

export function explanationOf(engine: Engine, ranked: Ranked): KefuMatchExplanation {
  const q = ranked.query;
  return {
    normalized: q.analysis.normalized,
    tokens: q.analysis.tokens,
    segmenter: engine.settings.segmenterName,
    features: q.analysis.features.size,
    coverage: round(q.coverage),
    candidates: ranked.scored.slice(0, 5).map((s) => ({
      id: engine.kb.faqs[s.entry].id,
      confidence: round(s.p ?? 0),
      score: round(s.score),
      signals: { ...Object.fromEntries(SIGNALS.map((k, i) => [k, round(s.signals?.[i] ?? 0)])), ...Object.fromEntries(Object.entries(s.more ?? {}).map(([k, v]) => [k, round(v)])) },
    })),
  };
}

/** A question's unit TF-IDF vector by feature key, unknown features included. */
export function textVector(engine: Engine, text: string | TextAnalysis): Map<string, number> {
  const { features: fs, index, extractor } = engine;
  const v = new Map<string, number>();
  let norm = 0;
  for (const [key, tf] of (typeof text === 'string' ? extractor.analyze(text) : text).features) {
    const id = fs.ids.get(key);
    const fam = familyOf(key);
    const w = id === undefined ? FAMILY_WEIGHTS[fam] * tfWeight(tf) * idfOf(0, index.sentences.length, fam) : rawWeight(fs, id, tf);
    v.set(key, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm) || 1;
  for (const [k, w] of v) v.set(k, w / norm);
  return v;
}

/** Cosine of two unit vectors keyed by feature. */
export function cosineOfBags(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, w] of small) {
    const x = large.get(k);
    if (x !== undefined) s += w * x;
  }
  return s;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
