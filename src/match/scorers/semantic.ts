/**
 * The semantic scorer: the cosine between the question's sentence embedding and each FAQ's
 * mean vector (match/semantic.ts). At retrieval it adds the FAQs nearest in meaning (found
 * whatever words the question shares with them), and mixes its cosine into the ranking score
 * by a weight fitted on each KB (build/semantic-fit.ts: the weight that ranks the KB's own
 * held-out questions best; 0 where meaning does not help, e.g. an English KB). Its value is
 * also a calibration signal, so the confidence and the thresholds are refitted with it.
 *
 * The question's vector comes from `prepare` (asynchronous: `matcher.prepare(text)`); a
 * plain `match(text)` has none, and the engine then ranks and calibrates lexically, with the
 * lexical model fitted beside the semantic one.
 */
import { queryEmbedder, type Embedder } from '../../embed/embedder.js';
import type { Engine } from '../engine.js';
import { rank } from '../pipeline/rank.js';
import type { CalibrationModel } from '../calibrate.js';
import type { SemanticIndex } from '../semantic.js';
import type { TextAnalysis } from '../../text/features.js';
import type { Candidate, Ranked } from '../types.js';
import type { Scorer, ScorerInput } from './scorer.js';

export interface SemanticState {
  index: SemanticIndex;
  /** Embeds questions; absent on an index restored without one (then lexical only). */
  embedder?: Embedder;
  /** Vectors by text of the KB's questions and calibration copies (reused by consolidation). */
  memo: Map<string, Float32Array>;
  /** Share of the ranking score given to the cosine, fitted on this KB. */
  weight: number;
  /** Below this cosine to every FAQ a question is off-topic: never answered nor offered (fitted; 0 = off). */
  floor?: number;
  /**
   * Below this cosine to its first FAQ a question is not answered, only offered (fitted: a
   * low percentile of the KB's held-out paraphrases ranked right; undefined = no gate).
   */
  answerFloor?: number;
  /** Calibration of questions matched without their embedding (fitted beside the semantic one). */
  lexicalModel?: CalibrationModel;
  /** Hot-updated questions still being embedded (answered lexically until then). */
  pending?: Promise<void>;
}

/** FAQs nearest in meaning added to the retrieved ones. */
const NEAREST = 10;

/** The question's vector, when it was prepared. */
export function queryVectorOf(input: ScorerInput): Float32Array | undefined {
  const v = input.prepared?.get('semantic');
  return v instanceof Float32Array ? v : undefined;
}

export const semanticScorer: Scorer<'semantic'> = {
  name: 'semantic',
  stage: 'retrieve',
  applies(input) {
    return input.engine.semantic !== undefined && queryVectorOf(input) !== undefined && readable(input);
  },
  async prepare(text, engine, analysis) {
    const embedder = engine.semantic?.embedder;
    if (!embedder || !text.trim()) return undefined;
    const lexical = rank(engine, analysis ?? engine.extractor.analyze(text));
    // Certain without meaning: `match` takes this ranking as it is, instead of ranking again.
    if ((lexical.scored[0]?.p ?? 0) >= CASCADE_CONFIDENCE) return { engine, sentences: engine.index.sentences.length, analysis, ranked: lexical } satisfies LexicalRanking;
    const [vector] = await queryEmbedder(embedder).embed([text]);
    // Questions added by a hot update are embedded in the background: a question asked after
    // the update is scored once their vectors are in (a new FAQ without them ranks as off-topic).
    await engine.semantic?.pending;
    return vector;
  },
  score(input, candidates) {
    const state = input.engine.semantic;
    const q = queryVectorOf(input);
    if (!state || !q || !readable(input)) return;
    const { exclude } = input;
    const held = exclude.sentence !== undefined ? state.memo.get(input.engine.index.sentences[exclude.sentence]!.text) : undefined;
    const heldEntry = exclude.sentence !== undefined ? input.engine.index.sentences[exclude.sentence]!.entry : -1;
    const have = new Set(candidates.map((c) => c.entry));
    for (const e of state.index.nearest(q, NEAREST, exclude.entry ?? -1)) {
      if (have.has(e) || !passesRules(input, e)) continue;
      candidates.push({ entry: e, best: 0, classifier: 0, trained: 0, score: 0, pattern: 0, keyword: 0, fuzzy: 0 });
    }
    const w = state.weight;
    for (const c of candidates) {
      const cos = c.entry === heldEntry ? state.index.scoreWithout(q, c.entry, held) : state.index.score(q, c.entry);
      (c.more ??= {}).semantic = cos;
      c.score = (1 - w) * c.score + w * cos;
    }
    return candidates;
  },
};

/**
 * The cascade: a question the lexical stage alone answers with this calibrated confidence is
 * not embedded (the encoder is ~95% of a question's cost). Measured with the sample KB's
 * fitted models: en-clinc-dev skips 42% of its questions, top-1 0.772 → 0.771, decision
 * 0.732 unchanged; zh-bq-dev skips 0.3%, nothing changes (at 0.8: 59% / 1.8% skipped, clinc
 * top-1 −0.002).
 */
export const CASCADE_CONFIDENCE = 0.9;

/** What `prepare` gives for a question the cascade left unembedded: its lexical ranking, already made. */
interface LexicalRanking {
  engine: Engine;
  /** The index's questions then (a hot update adds some to the same engine). */
  sentences: number;
  analysis: TextAnalysis | undefined;
  ranked: Ranked;
}

/**
 * The ranking `prepare` already made of this question (the cascade skipped the encoder), when
 * it still holds: same engine (no rebuild swapped in since, no question added) and same analysis. It is what
 * ranking again would give: without a vector the semantic scorer adds nothing.
 */
export function preparedRanking(prepared: ReadonlyMap<string, unknown>, engine: Engine, analysis: TextAnalysis): Ranked | undefined {
  const r = prepared.get('semantic') as LexicalRanking | Float32Array | undefined;
  return r && !(r instanceof Float32Array) && r.engine === engine && r.sentences === engine.index.sentences.length && r.analysis === analysis ? r.ranked : undefined;
}

/**
 * Whether the model can read the question: Chinese typed as pinyin (tuihuo, 我要 tuihuo) is
 * noise to a Chinese model, so a Chinese KB's question with more Latin letters than Chinese
 * characters is left to the lexical scorers, which read pinyin.
 */
function readable(input: ScorerInput): boolean {
  if (!input.engine.settings.asciiPinyin) return true;
  const text = input.query.analysis.compact;
  const latin = text.match(/[a-z]/gi)?.length ?? 0;
  const cjk = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return cjk > latin;
}

/** An FAQ brought in by meaning still has to contain its required terms (as retrieval checks). */
function passesRules(input: ScorerInput, e: number): boolean {
  const req = input.engine.rules.required[e];
  const compact = input.query.analysis.compact;
  return !req || req.every((alts) => alts.some((a) => compact.includes(a)));
}
