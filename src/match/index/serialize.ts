/** Saving an engine as JSON and restoring it (`kefu build`, `matcher.toJSON()`). */
import { KefuError } from '../../errors.js';
import type { KnowledgeBase } from '../../kb/schema.js';
import { fittedThresholds, type CalibrationModel } from '../calibrate.js';
import { SoftmaxClassifier, type SoftmaxClassifierData } from '../classifier.js';
import type { Engine } from '../engine.js';
import { definedOnly, newEngine } from '../build/engine-setup.js';
import { install } from '../build/build.js';
import type { KefuMatcherOptions, KefuThresholds } from '../options.js';
import { setIdf } from './features.js';
import { df } from './postings.js';
import type { Embedder } from '../../embed/embedder.js';
import { memoFor } from '../build/semantic-fit.js';
import { SemanticIndex, type SemanticIndexData } from '../semantic.js';

const INDEX_FORMAT = 'kefu-index';
/**
 * Raised whenever a saved index would answer differently from a fresh build of the same KB:
 * the index stores features, and a question is analysed by the running code. 2: colloquial
 * spellings read as standard ones, long numbers dropped, English skip-bigrams, letter
 * trigrams at full weight.
 */
const INDEX_VERSION = 2;

export interface SerializedIndex {
  format: typeof INDEX_FORMAT;
  version: number;
  segmenter: string;
  kb: KnowledgeBase;
  thresholds: KefuThresholds;
  /** The thresholds given (by the KB or the options) rather than fitted: a rebuild fits the others again. */
  explicitThresholds?: Partial<KefuThresholds>;
  ablate: string[];
  features: string[];
  df: number[];
  /** IDF as used (it stays as built when questions are added to a running index). */
  idf?: number[];
  /** [entry index, text, feature ids, weights] */
  sentences: [number, string, number[], number[]][];
  model: CalibrationModel;
  classifier?: SoftmaxClassifierData;
  /** FAQ vectors (int8), the cosine's fitted ranking weight and the lexical-only calibration. */
  semantic?: SemanticIndexData & { weight: number; floor?: number; answerFloor?: number; lexicalModel?: CalibrationModel };
}

export function isSerializedIndex(x: unknown): x is SerializedIndex {
  return (x as SerializedIndex | undefined)?.format === INDEX_FORMAT;
}

export function engineFromJSON(data: unknown, options: Omit<KefuMatcherOptions, 'ablate'>): Engine {
  const d = data as SerializedIndex;
  if (!d || d.format !== INDEX_FORMAT) throw new KefuError('bad-index', 'kefu: not a kefu index (expected the output of `kefu build` or matcher.toJSON())');
  if (d.version !== INDEX_VERSION) throw new KefuError('bad-index', `kefu: index version ${String(d.version)} is not supported by this kefu (it reads version ${INDEX_VERSION}); rebuild it with \`kefu build\``);
  const engine = newEngine(d.kb, { ...options, ablate: d.ablate, thresholds: { ...d.thresholds, ...definedOnly(options.thresholds ?? {}) } });
  // A rebuild fits again what the original build fitted (an index without the field keeps all its thresholds).
  if (d.explicitThresholds) {
    engine.settings.buildOptions.thresholds = { ...d.explicitThresholds, ...definedOnly(options.thresholds ?? {}) };
    engine.settings.explicitThresholds = { ...engine.settings.buildOptions.thresholds };
  }
  const fs = engine.features;
  d.features.forEach((k, i) => {
    fs.ids.set(k, i);
    fs.keys.push(k);
  });
  setIdf(fs, d.df, d.sentences.length);
  if (d.idf) fs.idf = Float64Array.from(d.idf);
  install(
    engine,
    d.sentences.map(([entry, text, feats, weights]) => ({ entry, text, feats: Int32Array.from(feats), weights: Float32Array.from(weights) })),
  );
  engine.model = d.model;
  if (d.classifier) engine.softmax = SoftmaxClassifier.fromJSON(d.classifier);
  restoreSemantic(engine, d, options.embedder);
  return engine;
}

export function engineToJSON(engine: Engine): SerializedIndex {
  const { features: fs, index, kb, settings } = engine;
  return {
    format: INDEX_FORMAT,
    version: INDEX_VERSION,
    segmenter: settings.segmenterName,
    // Where each FAQ was read from is local file metadata, not part of the index.
    kb: { ...kb, faqs: kb.faqs.map(({ source: _source, ...faq }) => faq) },
    thresholds: engine.thresholds,
    explicitThresholds: { ...definedOnly(kb.thresholds), ...definedOnly(settings.buildOptions.thresholds ?? {}) },
    ablate: [...settings.ablate],
    features: fs.keys,
    df: Array.from({ length: fs.keys.length }, (_, f) => df(index, f)),
    idf: Array.from(fs.idf),
    sentences: index.sentences.map((s) => [s.entry, s.text, Array.from(s.feats), Array.from(s.weights)]),
    model: engine.model,
    classifier: engine.softmax?.toJSON(),
    semantic: engine.semantic && { ...engine.semantic.index.toJSON(), weight: engine.semantic.weight, floor: engine.semantic.floor, answerFloor: engine.semantic.answerFloor, lexicalModel: engine.semantic.lexicalModel },
  };
}

/**
 * The semantic part of a saved index, when an embedder of the same model is given; otherwise
 * the index answers lexically, with the lexical calibration saved beside the semantic one.
 */
function restoreSemantic(engine: Engine, d: SerializedIndex, embedder: Embedder | undefined): void {
  if (!d.semantic) return;
  if (!embedder || embedder.name !== d.semantic.model || engine.settings.ablate.has('semantic')) {
    if (d.semantic.lexicalModel) {
      engine.model = d.semantic.lexicalModel;
      // as the original holds questions matched without their embedding (scorers/calibration.ts thresholdsFor)
      Object.assign(engine.thresholds, fittedThresholds(engine.model, engine.settings.explicitThresholds, engine.thresholds));
    }
    return;
  }
  engine.semantic = { index: SemanticIndex.fromJSON(d.semantic), embedder, memo: memoFor(embedder), weight: d.semantic.weight, floor: d.semantic.floor, answerFloor: d.semantic.answerFloor, lexicalModel: d.semantic.lexicalModel };
}
