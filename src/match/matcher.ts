/**
 * The matcher: question in, decision out. Synchronous once built. Questions and FAQs can be
 * added to a running matcher (hot updates, answered at once); it then consolidates them into
 * a full rebuild in the background and swaps that in (see `consolidateMs`).
 *
 * It holds one engine value (engine.ts) built by build/ and swapped whole by a rebuild:
 *   analysis → candidates from the inverted index (pipeline/retrieve.ts) → the scorers
 *   stage by stage (scorers/list.ts: rules, naive Bayes, trained softmax, fuzzy,
 *   calibration) → one calibrated confidence per candidate → answer / clarify / fallback
 *   (decide.ts).
 */
import type { EmbeddingInfo } from '../embed/load.js';
import type { KefuProblem } from '../errors.js';
import type { KefuFaq, KnowledgeBase } from '../kb/schema.js';
import type { TextAnalysis } from '../text/features.js';
import { buildSteps } from './build/build.js';
import { calibrationSteps, type CalibrationSample } from './build/sample.js';
import { heldOutSample } from './build/train.js';
import type { CalibrationModel } from './calibrate.js';
import { Consolidator } from './consolidate.js';
import type { DecisionInput } from './decide.js';
import type { Engine } from './engine.js';
import { appendFaq, appendQuestions } from './index/append.js';
import { engineFromJSON, engineToJSON, type SerializedIndex } from './index/serialize.js';
import { lintEngine } from '../kb/lint.js';
import { cosineOfBags, decision, decisionInputOf, explanationOf, textVector } from './outcome.js';
import { DEFAULTS, type KefuMatcherOptions as Options, type KefuThresholds } from './options.js';
import { rank } from './pipeline/rank.js';
import { thresholdsFor } from './scorers/calibration.js';
import { preparedRanking } from './scorers/semantic.js';
import { SCORERS, type KefuAblation } from './scorers/list.js';
import { runSliced, runSync } from './steps.js';
import { embedHotUpdate } from './build/semantic-fit.js';
import type { KefuMatch, KefuMatchExplanation, Ranked } from './types.js';

export { ABLATIONS, type KefuAblation } from './scorers/list.js';
export { DEFAULT_THRESHOLDS, type KefuThresholds } from './options.js';
export type { KefuCandidate, KefuMatch, KefuMatchExplanation } from './types.js';
export type { SerializedIndex } from './index/serialize.js';
export type { CalibrationSample } from './build/sample.js';
export { perturb } from './build/sample.js';
export type KefuMatcherOptions = Options<KefuAblation>;

/** A question analysed once, with the asynchronous inputs of the scorers that need any (see `prepare`). */
export interface KefuPreparedQuestion {
  text: string;
  analysis: TextAnalysis;
  prepared: ReadonlyMap<string, unknown>;
}

export class KefuMatcher {
  /** @internal The state in force; a rebuild replaces it whole. */
  engine: Engine;
  private readonly hot: Consolidator;

  private constructor(engine: Engine) {
    this.engine = engine;
    this.hot = new Consolidator(this, engine.settings.buildOptions.consolidateMs ?? DEFAULTS.consolidateMs);
  }

  /** Build the index for a validated knowledge base. Prefer `createMatcher`, which also validates. */
  static build(kb: KnowledgeBase, options: KefuMatcherOptions = {}): KefuMatcher {
    return new KefuMatcher(runSync(buildSteps(kb, options)));
  }

  /**
   * Build the index, embedding the KB's questions first when an `embedder` is given (what
   * Node's `createMatcher` does with the bundled model); gives the event loop back while it builds.
   */
  static async buildAsync(kb: KnowledgeBase, options: KefuMatcherOptions = {}): Promise<KefuMatcher> {
    return new KefuMatcher(await runSliced(buildSteps(kb, options)));
  }

  /** Restore a matcher saved with `toJSON()`. Answers are identical to the original's. */
  static fromJSON(data: unknown, options: Omit<KefuMatcherOptions, 'ablate'> = {}): KefuMatcher {
    return new KefuMatcher(engineFromJSON(data, options));
  }

  /** A JSON-safe snapshot: KB, features and the fitted calibration. Load with `KefuMatcher.fromJSON`. */
  toJSON(): SerializedIndex {
    return engineToJSON(this.engine);
  }

  get kb(): KnowledgeBase {
    return this.engine.kb;
  }

  /** In force: given by the bot options or the KB, else fitted on this KB (see `calibration`). */
  get thresholds(): KefuThresholds {
    return this.engine.thresholds;
  }

  get segmenterName(): string {
    return this.engine.settings.segmenterName;
  }

  /** Why the segmenter is a stand-in (nodejieba missing or failed to build), else undefined. */
  get segmenterFallback(): string | undefined {
    return this.engine.settings.buildOptions.segmenter?.fallbackReason;
  }

  /**
   * Which embedding path runs (set by Node's `createMatcher`): `onnxruntime-node`, `custom`, or
   * `lexical` with the reason; shown by `kefu match --debug` and the bot's info.
   */
  embedding: EmbeddingInfo = { path: 'lexical', reason: 'no embedder given', loadMs: 0 };

  /** Whether questions are matched by meaning too, and the cosine's fitted share of the ranking score. */
  get semantic(): { on: boolean; model?: string; weight?: number } {
    const s = this.engine.semantic;
    return s?.embedder ? { on: true, model: s.embedder.name, weight: s.weight } : { on: false };
  }

  get calibration(): Readonly<CalibrationModel> {
    return this.engine.model;
  }

  get size(): { faqs: number; questions: number; features: number } {
    return { faqs: this.engine.kb.faqs.length, questions: this.engine.index.sentences.length, features: this.engine.features.keys.length };
  }

  /** The FAQ with this id (a Map lookup). */
  faq(id: string): KefuFaq | undefined {
    const e = this.engine.faqIndex.get(id);
    return e === undefined ? undefined : this.engine.kb.faqs[e];
  }

  /**
   * Normalize and segment a question once; the result can be passed to `match`, `explain`
   * and the bot's triggers instead of the text.
   */
  analyze(text: string, normalized?: string): TextAnalysis {
    return this.engine.extractor.analyze(text, normalized);
  }

  /**
   * Analyse a question and await the asynchronous inputs of the scorers that need one (an
   * embedding): `match(await matcher.prepare(text))` then scores synchronously with them.
   */
  async prepare(text: string, analysis: TextAnalysis = this.analyze(text)): Promise<KefuPreparedQuestion> {
    const engine = this.engine;
    const prepared = new Map<string, unknown>();
    for (const s of SCORERS as readonly { name: string; prepare?: (t: string, e: Engine, a: TextAnalysis) => Promise<unknown> }[]) {
      if (s.prepare && !engine.settings.ablate.has(s.name)) prepared.set(s.name, await s.prepare(text, engine, analysis));
    }
    return { text, analysis, prepared };
  }

  /**
   * Match one question (its text, its analysis from `analyze`, or a prepared question).
   * @example
   * const m = matcher.match('怎么退货');
   * if (m.type === 'answer') console.log(m.id, m.confidence);
   */
  match(question: string | KefuPreparedQuestion, analysis?: TextAnalysis): KefuMatch {
    const { text, ranked } = this.rankOf(question, analysis);
    return decision(this.engine, text, ranked);
  }

  /** Like `match`, with what went into the decision. */
  explain(question: string | KefuPreparedQuestion, analysis?: TextAnalysis): { match: KefuMatch; explanation: KefuMatchExplanation } {
    const { text, ranked } = this.rankOf(question, analysis);
    return { match: decision(this.engine, text, ranked), explanation: explanationOf(this.engine, ranked) };
  }

  /**
   * What the decision rule reads of a question, and the thresholds in force for it (for
   * `kefu eval`, which replays the rule at other thresholds). Prepare the question first for
   * the semantic signal, as for `match`.
   */
  decisionInput(question: string | KefuPreparedQuestion, analysis?: TextAnalysis): DecisionInput & { ids: string[]; thresholds: KefuThresholds } {
    const { ranked } = this.rankOf(question, analysis);
    return { ...decisionInputOf(this.engine, ranked), ids: ranked.scored.map((s) => this.engine.kb.faqs[s.entry].id), thresholds: thresholdsFor(this.engine, ranked.scored) };
  }

  private rankOf(question: string | KefuPreparedQuestion, analysis?: TextAnalysis): { text: string; ranked: Ranked } {
    const engine = this.engine;
    if (typeof question === 'string') return { text: question, ranked: rank(engine, analysis ?? engine.extractor.analyze(question)) };
    return { text: question.text, ranked: preparedRanking(question.prepared, engine, question.analysis) ?? rank(engine, question.analysis, {}, question.prepared) };
  }

  /**
   * How alike two questions are (0..1): TF-IDF cosine over all their features, words the KB
   * does not know included (at the highest IDF). Used to group questions the KB could not answer.
   */
  similarity(a: string | TextAnalysis, b: string | TextAnalysis): number {
    return cosineOfBags(this.textVector(a), this.textVector(b));
  }

  /** A question's unit TF-IDF vector by feature key, unknown features included. */
  textVector(text: string | TextAnalysis): Map<string, number> {
    return textVector(this.engine, text);
  }

  /** Near-duplicate and shadowed FAQs (warnings for `kefu validate`); see kb/lint.ts. */
  lint(nearDuplicate = 0.9): KefuProblem[] {
    return lintEngine(this.engine, (t) => this.match(t), nearDuplicate);
  }

  /**
   * Add questions to an FAQ in the running index, without a rebuild (a learned question is
   * answered at once), appended to the FAQ's `similar` as the KB writer appends them to its
   * file. IDF, the trained classifier, the calibration and the fitted thresholds keep their
   * values from the last build until the matcher consolidates (see `consolidateMs`,
   * `consolidated()`). Returns how many questions were new.
   * @example
   * matcher.addQuestions('payment-methods', ['支持数字人民币支付吗']);
   */
  addQuestions(faqId: string, questions: readonly string[]): number {
    const fresh = appendQuestions(this.engine, faqId, questions);
    if (fresh.length > 0) this.hot.note({ faqId, questions: fresh });
    embedHotUpdate(this.engine, this.engine.faqIndex.get(faqId)!, fresh);
    return fresh.length;
  }

  /**
   * Add a whole FAQ to the running index, without a rebuild. It takes its category's
   * `handoff` and `priority` defaults, as loading does. Its `source.file` (when given) tells
   * where loading the KB files would put it, which the consolidating rebuild follows.
   * @example
   * matcher.addFaq({ id: 'used-phones', question: '卖二手手机吗', similar: [], answer: '只卖全新正品。', source: { file: 'knowledge-base/product.yaml' } });
   */
  addFaq(faq: KefuFaq): void {
    const stored = appendFaq(this.engine, faq);
    this.hot.note({ faq: stored });
    embedHotUpdate(this.engine, this.engine.kb.faqs.length - 1, [stored.question, ...stored.similar]);
  }

  /**
   * Hot updates (`addQuestions`, `addFaq`) not yet consolidated into a full build. While it
   * is above 0, answers may differ slightly from those of a matcher built from the updated KB.
   * @example
   * if (matcher.pendingUpdates > 0) await matcher.consolidated();
   */
  get pendingUpdates(): number {
    return this.hot.log.length;
  }

  /**
   * Resolves once every hot update made so far is consolidated: the matcher's state is then
   * exactly that of `KefuMatcher.build` on its updated KB (same options and segmenter), so
   * it answers as a matcher built afresh from the KB files the updates were written to.
   * Starts the consolidation now rather than waiting for `consolidateMs`; resolves at once
   * when nothing is pending.
   * @example
   * await approveLearningItem(learner, itemId, 'knowledge-base', { faqId: 'payment-methods' }, { matcher });
   * await matcher.consolidated(); // answers now equal a full rebuild's
   */
  async consolidated(): Promise<void> {
    while (this.hot.log.length > 0 || this.hot.running) await this.hot.enqueue(undefined, true);
  }

  /**
   * Rebuild the index in the background and swap it in at once when it is ready: queries
   * keep the current state until then (never a half-built one), and the build gives the
   * event loop back every ~10 ms. With `kb` (validated, e.g. from `loadKnowledgeBase` after
   * the files were edited by hand), the matcher takes that KB; without, it rebuilds its own,
   * hot updates included. Hot updates made while it builds are applied again on top.
   * @example
   * await matcher.rebuild(await loadKnowledgeBase('./knowledge-base'));
   */
  rebuild(kb?: KnowledgeBase): Promise<void> {
    return this.hot.enqueue(kb, false);
  }

  /** @internal Questions held out for calibration (see build/train.ts). */
  heldOutSample(): number[] {
    return heldOutSample(this.engine.index);
  }

  /** @internal The calibration sample; used by scripts/fit-default-calibration.mjs to fit DEFAULT_MODEL. */
  calibrationSample(heldOut = this.heldOutSample()): CalibrationSample {
    return runSync(calibrationSteps(this.engine, heldOut));
  }
}
