/**
 * Building an engine from a KB: analyse every question, number the features, weigh them
 * (TF-IDF), install the index, then train the classifier and fit the calibration. Written
 * as steps (steps.ts) so a rebuild can run in the background.
 */
import type { KnowledgeBase } from '../../kb/schema.js';
import { normalize } from '../../text/normalize.js';
import { enabled, type Engine } from '../engine.js';
import { rawWeight, setIdf, setNbFeatures } from '../index/features.js';
import { packCommonFirst, packFlat, pinyinNormOf } from '../index/flat.js';
import { toUnitVector, buildPostings, type IndexedSentence } from '../index/vectors.js';
import type { KefuMatcherOptions } from '../options.js';
import { nbCounts } from '../scorers/naive-bayes.js';
import { runSync, type Steps } from '../steps.js';
import { newEngine } from './engine-setup.js';
import { applyFittedThresholds, fitSteps } from './sample.js';
import { confusableEntries, heldOutSample, trainClassifierSteps } from './train.js';
import { fitWeightSteps, semanticSteps } from './semantic-fit.js';

export function* buildSteps(kb: KnowledgeBase, options: KefuMatcherOptions): Steps<Engine> {
  const engine = newEngine(kb, options);
  const fs = engine.features;
  yield;
  const analyses: Map<string, number>[] = [];
  const owners: number[] = [];
  const texts: string[] = [];
  for (let e = 0; e < kb.faqs.length; e++) {
    const faq = kb.faqs[e];
    for (const q of [faq.question, ...faq.similar]) {
      analyses.push(engine.extractor.analyze(q).features);
      owners.push(e);
      texts.push(q);
    }
    yield;
  }
  const df: number[] = [];
  const keyed: Map<number, number>[] = [];
  for (const feats of analyses) {
    if ((keyed.length & 255) === 255) yield;
    const ids = new Map<number, number>();
    for (const [key, tf] of feats) {
      let id = fs.ids.get(key);
      if (id === undefined) {
        id = fs.keys.length;
        fs.ids.set(key, id);
        fs.keys.push(key);
        df.push(0);
      }
      df[id]++;
      ids.set(id, tf);
    }
    keyed.push(ids);
  }
  yield;
  setIdf(fs, df, analyses.length);
  const sentences: IndexedSentence[] = [];
  for (let s = 0; s < keyed.length; s++) {
    const raw = new Map<number, number>();
    for (const [id, tf] of keyed[s]) raw.set(id, rawWeight(fs, id, tf));
    sentences.push({ ...toUnitVector(raw), entry: owners[s], text: texts[s] });
    if ((s & 255) === 255) yield;
  }
  yield* installSteps(engine, sentences);
  if (options.embedder && enabled(engine, 'semantic')) yield* semanticSteps(engine, options.embedder);
  // The classifier is trained twice: without the held-out questions (so the calibration
  // below sees it as it will see new questions), then on everything.
  const entries = engine.index.entries;
  const trainable = enabled(engine, 'classifier') && enabled(engine, 'trained') && entries.filter((e) => e.sentences.length >= 2).length >= Math.max(5, 0.2 * entries.length);
  const heldOut = heldOutSample(engine.index);
  const confusers: number[][] = [];
  if (trainable) {
    for (let i = 0; i < engine.index.sentences.length; i++) {
      confusers.push(confusableEntries(engine, i));
      if ((i & 63) === 63) yield;
    }
    engine.softmax = yield* trainClassifierSteps(engine.index, confusers, new Set(heldOut));
  }
  yield* fitWeightSteps(engine, heldOut);
  if (enabled(engine, 'calibration')) {
    engine.model = yield* fitSteps(engine, heldOut);
    // A question matched without its embedding (a plain synchronous match) is ranked and calibrated lexically.
    if (engine.semantic) engine.semantic.lexicalModel = yield* fitSteps(engine, heldOut, false);
  }
  applyFittedThresholds(engine);
  if (trainable) engine.softmax = yield* trainClassifierSteps(engine.index, confusers, new Set());
  return engine;
}

export function install(engine: Engine, sentences: IndexedSentence[]): void {
  runSync(installSteps(engine, sentences));
}

/** Everything derived from the question vectors: flat blocks, naive Bayes counts, postings, tables. */
export function* installSteps(engine: Engine, sentences: IndexedSentence[]): Steps<void> {
  const index = engine.index;
  const fs = engine.features;
  index.sentences = sentences;
  packFlat(index);
  yield;
  const byEntry: number[][] = engine.kb.faqs.map(() => []);
  sentences.forEach((s, i) => byEntry[s.entry].push(i));
  index.entries = byEntry.map((ids) => ({ sentences: ids }));
  setNbFeatures(fs);
  engine.nb = [];
  for (let e = 0; e < byEntry.length; e++) {
    engine.nb.push(nbCounts(index, fs, byEntry[e]));
    if ((e & 255) === 255) yield;
  }
  yield;
  index.postings = buildPostings(sentences, fs.keys.length);
  index.extra.clear();
  yield;
  yield* packCommonFirst(index, fs.keys.length);
  index.compacts = [];
  for (let i = 0; i < sentences.length; i++) {
    index.compacts.push(normalize(sentences[i].text).replace(/ /g, ''));
    if ((i & 255) === 255) yield;
  }
  index.pinyinNorm = new Float64Array(sentences.length);
  for (let i = 0; i < sentences.length; i++) {
    index.pinyinNorm[i] = pinyinNormOf(fs.keys, sentences[i]);
    if ((i & 1023) === 1023) yield;
  }
}
