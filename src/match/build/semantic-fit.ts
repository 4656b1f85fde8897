/**
 * The semantic part of a build: embed the KB's questions (reusing vectors already made for
 * the same texts, e.g. by the build a consolidation replaces), build the FAQ vectors, and fit
 * the cosine's share of the ranking score on the KB's own held-out questions.
 */
import { buildStoreOf, type Embedder } from '../../embed/embedder.js';
import { DEFAULT_MODEL, type CalibrationModel } from '../calibrate.js';
import type { Engine } from '../engine.js';
import { TUNING } from '../options.js';
import { rank } from '../pipeline/rank.js';
import { SemanticIndex } from '../semantic.js';
import type { Steps } from '../steps.js';

/** Vectors by text, per embedder: every build and rebuild with the same embedder shares them. */
const memos = new WeakMap<Embedder, Map<string, Float32Array>>();

/** Ranking weights tried for the cosine; the best on the KB's held-out questions is kept. */
const WEIGHTS = [0, 0.2, 0.4, 0.6, 0.75, 0.85, 0.92];
/**
 * For KBs with too few similar questions to fit it (one question per FAQ, as zh-afqmc-scale):
 * what the fit gives on the KBs where it can run. Chinese: zh-bq-dev fits 0.85, the sample KB
 * 0.92 (the lower is kept); other languages: en-clinc-dev fits 0.6 (the model is Chinese).
 */
const DEFAULT_WEIGHT = { chinese: 0.85, other: 0.6 };

function defaultWeight(engine: Engine): number {
  return engine.settings.asciiPinyin ? DEFAULT_WEIGHT.chinese : DEFAULT_WEIGHT.other;
}
/** Share of the KB's own paraphrases allowed below the off-topic floor. */
const FLOOR_PERCENTILE = 0.02;

/** Share of the held-out paraphrases ranked right that may fall below the answer floor. */
const ANSWER_FLOOR_PERCENTILE = 0.05;

function percentile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length * q)] ?? 0;
}

/** Calibration model for such KBs: the lexical default, the cosine weighted as pooled fits give it. */
export const DEFAULT_SEMANTIC_MODEL: CalibrationModel = DEFAULT_MODEL;

export function vectorOf(memo: ReadonlyMap<string, Float32Array> | undefined, text: string): ReadonlyMap<string, unknown> | undefined {
  const v = memo?.get(text);
  return v ? new Map([['semantic', v]]) : undefined;
}

/** Embed the texts not embedded yet (one awaited step). */
export function* embedSteps(engine: Engine, texts: readonly string[]): Steps<void> {
  const state = engine.semantic;
  if (!state?.embedder) return;
  const missing = [...new Set(texts.filter((t) => !state.memo.has(t)))];
  if (missing.length === 0) return;
  const embedder = state.embedder;
  yield embedder.embed(missing).then((vs) => missing.forEach((t, i) => state.memo.set(t, vs[i]!)));
}

/** The vectors by text made with this embedder so far. */
export function memoFor(embedder: Embedder): Map<string, Float32Array> {
  let memo = memos.get(embedder);
  if (!memo) memos.set(embedder, (memo = new Map()));
  return memo;
}

/** The FAQ vectors of an engine whose lexical index is installed. */
export function* semanticSteps(engine: Engine, embedder: Embedder): Steps<void> {
  const memo = memoFor(embedder);
  engine.semantic = { index: undefined as unknown as SemanticIndex, embedder, memo, weight: defaultWeight(engine) };
  const { sentences, entries } = engine.index;
  yield* embedSteps(engine, sentences.map((s) => s.text));
  engine.semantic.index = SemanticIndex.build(embedder.name, embedder.dim, entries.map((e) => e.sentences.map((s) => memo.get(sentences[s]!.text)!)), buildStoreOf(embedder));
  yield;
}

/** The cosine's ranking weight that puts the most held-out questions first (ties: the smaller). */
export function* fitWeightSteps(engine: Engine, heldOut: readonly number[]): Steps<void> {
  const state = engine.semantic;
  if (!state || heldOut.length < TUNING.minHeldOut) return;
  const { sentences } = engine.index;
  const analyses = heldOut.map((s) => engine.extractor.analyze(sentences[s]!.text));
  let best = -1;
  let bestWeight = defaultWeight(engine);
  let bestRight: boolean[] = [];
  for (const w of WEIGHTS) {
    state.weight = w;
    const rightAt = heldOut.map(() => false);
    for (let k = 0; k < heldOut.length; k++) {
      const s = heldOut[k]!;
      const top = rank(engine, analyses[k]!, { sentence: s }, vectorOf(state.memo, sentences[s]!.text)).scored[0];
      rightAt[k] = top?.entry === sentences[s]!.entry;
      if ((k & 63) === 63) yield;
    }
    const right = rightAt.filter(Boolean).length;
    if (right > best) {
      best = right;
      bestWeight = w;
      bestRight = rightAt;
    }
  }
  state.weight = bestWeight;
  // The off-topic floor: a low percentile of how close the KB's own held-out paraphrases are
  // to their FAQ (without themselves); a question farther from every FAQ is like none of them.
  const own = heldOut.map((s) => state.index.scoreWithout(state.memo.get(sentences[s]!.text)!, sentences[s]!.entry, state.memo.get(sentences[s]!.text)));
  state.floor = percentile(own, FLOOR_PERCENTILE);
  // The answer floor: as close to its FAQ as nearly all of the KB's held-out paraphrases that
  // the engine ranks right. A question farther from its first FAQ than that is no paraphrase
  // of it: the KB's own leave-one-FAQ-out questions cannot show this (they sit among near-
  // duplicate FAQs), so it is a gate of its own rather than a calibration signal.
  const ownRight = own.filter((_, k) => bestRight[k]);
  state.answerFloor = ownRight.length >= TUNING.minPositives ? percentile(ownRight, ANSWER_FLOOR_PERCENTILE) : undefined;
}

/**
 * Hot update: embed questions added to FAQ `e` of the running engine and add them to its
 * vector (they are matched lexically for the few milliseconds until then).
 */
export function embedHotUpdate(engine: Engine, e: number, questions: readonly string[]): void {
  const state = engine.semantic;
  if (!state?.embedder || questions.length === 0) return;
  const embedder = state.embedder;
  const before = state.pending ?? Promise.resolve();
  state.pending = before
    .then(() => embedder.embed([...questions]))
    .then((vs) => {
      questions.forEach((q, i) => state.memo.set(q, vs[i]!));
      state.index.addSentences(e, vs);
    });
}
