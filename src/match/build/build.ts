/**
 * Building an engine from a KB: analyse every question, number the features, weigh them
 * (TF-IDF), install the index, then train the classifier and fit the calibration. Written
 * as steps (steps.ts) so a rebuild can run in the background.
 */
import type { KnowledgeBase } from '../../kb/schema.js';
import { normalize } from '../../text/normalize.js';
import { enabled, type Engine } from '../engine.js';
import { familyWeights, setIdf, setNbFeatures, type FeatureSpace } from '../index/features.js';
import { packCommonFirst, packFlat, pinyinNormOf } from '../index/flat.js';
import type { Flat } from '../index/postings.js';
import { buildPostings, tfWeight, type IndexedSentence } from '../index/vectors.js';
import type { KefuMatcherOptions } from '../options.js';
import { NbTable } from '../scorers/naive-bayes.js';
import { runSync, type Steps } from '../steps.js';
import { newEngine } from './engine-setup.js';
import { applyFittedThresholds, fitSteps } from './sample.js';
import { confusableEntries, heldOutSample, trainClassifierSteps } from './train.js';
import { fitWeightSteps, semanticSteps } from './semantic-fit.js';

export function* buildSteps(kb: KnowledgeBase, options: KefuMatcherOptions): Steps<Engine> {
  const engine = newEngine(kb, options);
  const fs = engine.features;
  yield;
  // Each question's (feature id, tf) pairs go straight into growing typed arrays: keeping
  // 100,000 feature Maps alive until IDF is known made the build spend most of its time in GC.
  const pairs = new Growable();
  const starts: number[] = [0];
  const owners: number[] = [];
  const texts: string[] = [];
  // normalize once per question: for its features and for its compact form (installSteps).
  const compacts: string[] = [];
  let df: Int32Array = new Int32Array(1024);
  for (let e = 0; e < kb.faqs.length; e++) {
    const faq = kb.faqs[e];
    for (const q of [faq.question, ...faq.similar]) {
      const normalized = normalize(q);
      const compact = normalized.replace(/ /g, '');
      compacts.push(compact === q ? q : compact);
      for (const [key, tf] of engine.extractor.analyze(q, normalized).features) {
        let id = fs.ids.get(key);
        if (id === undefined) {
          id = fs.keys.length;
          fs.ids.set(key, id);
          fs.keys.push(key);
          if (id >= df.length) df = grow(df, id + 1);
        }
        df[id]++;
        pairs.push(id, tf);
      }
      starts.push(pairs.length);
      owners.push(e);
      texts.push(q);
    }
    if ((e & 63) === 63) yield;
  }
  yield;
  const n = owners.length;
  setIdf(fs, df.subarray(0, fs.keys.length), n);
  const { sentences, flat } = yield* unitVectors(fs, pairs, starts, owners, texts);
  engine.index.flat = flat;
  yield* installSteps(engine, sentences, true, compacts);
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
    // A question matched without its embedding (a plain synchronous match) is ranked and
    // calibrated lexically; that model also vouches for answers below the answer floor.
    if (engine.semantic) engine.semantic.lexicalModel = yield* fitSteps(engine, heldOut, false);
    engine.model = yield* fitSteps(engine, heldOut);
  }
  applyFittedThresholds(engine);
  if (trainable) engine.softmax = yield* trainClassifierSteps(engine.index, confusers, new Set());
  return engine;
}

export function install(engine: Engine, sentences: IndexedSentence[]): void {
  runSync(installSteps(engine, sentences));
}

/**
 * Everything derived from the question vectors: flat blocks, naive Bayes counts, postings,
 * tables. `compacts`: each question's compact form, when the caller has them already.
 */
export function* installSteps(engine: Engine, sentences: IndexedSentence[], packed = false, compacts?: string[]): Steps<void> {
  const index = engine.index;
  const fs = engine.features;
  index.sentences = sentences;
  if (!packed) packFlat(index);
  yield;
  const byEntry: number[][] = engine.kb.faqs.map(() => []);
  sentences.forEach((s, i) => byEntry[s.entry].push(i));
  index.entries = byEntry.map((ids) => ({ sentences: ids }));
  setNbFeatures(fs);
  engine.nb = NbTable.build(index, fs, byEntry);
  yield;
  index.postings = buildPostings(sentences, fs.keys.length);
  index.extra.clear();
  yield;
  yield* packCommonFirst(index, fs.keys.length);
  index.compacts = compacts ?? [];
  for (let i = index.compacts.length; i < sentences.length; i++) {
    // The question itself when normalizing leaves it as it is: one string instead of two.
    const text = sentences[i].text;
    const compact = normalize(text).replace(/ /g, '');
    index.compacts.push(compact === text ? text : compact);
    if ((i & 255) === 255) yield;
  }
  index.pinyinNorm = new Float64Array(sentences.length);
  for (let i = 0; i < sentences.length; i++) {
    index.pinyinNorm[i] = pinyinNormOf(fs.keys, sentences[i]);
    if ((i & 1023) === 1023) yield;
  }
}

/**
 * Every question's unit TF-IDF vector (features ascending), written straight into the flat
 * block packFlat would make (same capacity), each question a view into it.
 */
function* unitVectors(fs: FeatureSpace, pairs: Growable, starts: readonly number[], owners: readonly number[], texts: readonly string[]): Steps<{ sentences: IndexedSentence[]; flat: Flat }> {
  const total = pairs.length >> 1;
  const capacity = Math.ceil(total * 1.1) + 4096;
  const feats = new Int32Array(capacity);
  const weights = new Float32Array(capacity);
  const offset = new Int32Array(owners.length + 1);
  const data = pairs.data;
  const sentences: IndexedSentence[] = [];
  // rawWeight's factors, read from dense tables: its feature-key lookup per pair was most of this loop.
  const familyW = familyWeights(fs);
  const idf = fs.idf;
  let at = 0;
  for (let s = 0; s < owners.length; s++) {
    const from = starts[s];
    const m = (starts[s + 1] - from) >> 1;
    sortPairs(data, from, m);
    // As toUnitVector: raw weights stored as float32, the norm from the exact ones.
    let norm = 0;
    for (let i = 0; i < m; i++) {
      const id = data[from + 2 * i];
      const w = familyW[id] * tfWeight(data[from + 2 * i + 1]) * idf[id];
      feats[at + i] = id;
      weights[at + i] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) weights[at + i] /= norm;
    sentences.push({ feats: feats.subarray(at, at + m), weights: weights.subarray(at, at + m), entry: owners[s], text: texts[s] });
    at += m;
    offset[s + 1] = at;
    if ((s & 1023) === 1023) yield;
  }
  return { sentences, flat: { feats, weights, offset, entry: Int32Array.from(owners) } };
}

/**
 * Sort m (id, tf) pairs from `from` by id, in place: an insertion sort, as ids are distinct
 * and a question has tens of them (a comparator sort per question cost ~10% of a build).
 */
function sortPairs(data: Int32Array, from: number, m: number): void {
  if (m > 128) {
    const pairs = Array.from({ length: m }, (_, i) => [data[from + 2 * i], data[from + 2 * i + 1]]).sort((a, b) => a[0] - b[0]);
    pairs.forEach(([id, tf], i) => ((data[from + 2 * i] = id), (data[from + 2 * i + 1] = tf)));
    return;
  }
  for (let i = 1; i < m; i++) {
    const id = data[from + 2 * i];
    const tf = data[from + 2 * i + 1];
    let k = i;
    while (k > 0 && data[from + 2 * k - 2] > id) {
      data[from + 2 * k] = data[from + 2 * k - 2];
      data[from + 2 * k + 1] = data[from + 2 * k - 1];
      k--;
    }
    data[from + 2 * k] = id;
    data[from + 2 * k + 1] = tf;
  }
}

/** (id, tf) pairs in one growing Int32Array. */
class Growable {
  data: Int32Array = new Int32Array(1 << 16);
  length = 0;
  push(a: number, b: number): void {
    if (this.length + 2 > this.data.length) this.data = grow(this.data, this.length + 2);
    this.data[this.length++] = a;
    this.data[this.length++] = b;
  }
}

function grow(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}
