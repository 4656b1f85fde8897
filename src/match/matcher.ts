/**
 * The matcher: question in, decision out. Synchronous once built. Questions and FAQs can be
 * added to a running matcher (hot updates, answered at once); it then consolidates them into
 * a full rebuild in the background and swaps that in (see `consolidateMs`).
 *
 *   features → candidates from the inverted index (rare features first, very common ones
 *   capped) → exact TF-IDF cosine per question and per FAQ centroid (statistical) →
 *   patterns (templates) and required-term vetoes → fuse.js on a handful of candidates when
 *   unsure (fuzzy) → one calibrated confidence per candidate → answer / clarify / fallback.
 */
import Fuse from 'fuse.js';
import { KefuError, type KefuProblem } from '../errors.js';
import type { KefuFaq, KnowledgeBase } from '../kb/schema.js';
import { FeatureExtractor, familyOf, standardChinese, type FeatureFamily, type TextAnalysis } from '../text/features.js';
import { isCjk, normalize } from '../text/normalize.js';
import { charPinyin, pinyinSyllables } from '../text/pinyin.js';
import { IntlSegmenter, type KefuSegmenter } from '../text/segmenter.js';
import { SynonymTable } from '../text/synonyms.js';
import { DEFAULT_MODEL, fitCalibrationSteps, predict, type CalibrationModel, type Signals } from './calibrate.js';
import {
  buildPostings,
  dotWithQuery,
  FAMILY_WEIGHTS,
  idfOf,
  QueryTable,
  searchSorted,
  tfWeight,
  toUnitVector,
  type IndexedEntry,
  type IndexedSentence,
  type Postings,
  type SparseVector,
} from './index-data.js';
import { SoftmaxClassifier, type SoftmaxClassifierData } from './classifier.js';
import { loadPosition } from '../kb/order.js';
import { compilePattern, matchPattern, type CompiledPattern } from '../kb/patterns.js';
import { runSliced, runSync, type Steps } from './steps.js';

/** Parts of the matcher that can be switched off, to measure what each one brings. */
export const ABLATIONS = ['fuzzy', 'pattern', 'trained', 'classifier', 'calibration', 'words', 'ngram', 'pinyin', 'synonyms', 'homophones'] as const;
export type KefuAblation = (typeof ABLATIONS)[number];

export interface KefuThresholds {
  /** Answer directly at or above this confidence. Default 0.5. */
  answer: number;
  /** Below `answer` but at or above this: ask "did you mean…". Below: fall back. Default 0.2. */
  clarify: number;
}

export const DEFAULT_THRESHOLDS: Readonly<KefuThresholds> = Object.freeze({ answer: 0.5, clarify: 0.2 });

export interface KefuMatcherOptions {
  /** Word segmenter. Node's `createMatcher` defaults to nodejieba; the core default is Intl.Segmenter. */
  segmenter?: KefuSegmenter;
  /** Decision thresholds (the KB's `thresholds` apply first, these override them). */
  thresholds?: Partial<KefuThresholds>;
  /** How many candidates a result lists. Default 3. */
  maxCandidates?: number;
  /** Switch parts off (benchmark ablation). */
  ablate?: readonly KefuAblation[];
  /**
   * The share of customer questions you expect the KB not to cover (0..1, default 0.2).
   * Confidences and the fitted answer threshold are calibrated for that mix: a higher
   * share makes the bot more careful to answer. The calibration sample's out-of-scope
   * questions are the KB's own with their FAQ left out, which look more like the KB than
   * off-topic traffic does; 0.2 measured best over sets with 3% and 40% real out-of-scope
   * questions without answering chit-chat (0.1 made 14 of the sample KB's 25 off-topic
   * cases clarify instead of fall back).
   */
  outOfScopeShare?: number;
  /**
   * Consolidation of hot updates. `addQuestions` and `addFaq` (what approving a learning
   * item calls) update the running index at once, but keep IDF, the trained classifier, the
   * calibration and the fitted thresholds of the last build, so answers can differ a little
   * from a fresh build of the updated KB. This many milliseconds after the last hot update
   * (at most 4× as long after the first one), the matcher rebuilds itself from its updated KB
   * in the background, in slices that leave the event loop free, and swaps the result in at
   * once: from then on it answers exactly as a matcher built from the updated KB files.
   * Default 2000; `false` consolidates only when you call `rebuild()` or `consolidated()`.
   * @example
   * const matcher = await createMatcher('./knowledge-base', { consolidateMs: 5000 });
   */
  consolidateMs?: number | false;
}

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

interface Scored {
  entry: number;
  best: number;
  /** Naive Bayes posterior among the candidates. */
  classifier: number;
  /** Trained softmax classifier's posterior among the candidates (0 when not trained). */
  trained: number;
  score: number;
  pattern: number;
  keyword: number;
  fuzzy: number;
  signals?: Signals;
  p?: number;
}

interface Exclude {
  sentence?: number;
  entry?: number;
}

interface QueryVector {
  analysis: TextAnalysis;
  weights: Map<number, number>;
  /** Features known to the index, rarest first. */
  known: number[];
  coverage: number;
}

/** A hot update since the build in force: the questions added to an FAQ, or an FAQ added. */
type HotUpdate = { faqId: string; questions: string[] } | { faq: KefuFaq };

interface HotState {
  /** Hot updates since the build in force, in order. */
  log: HotUpdate[];
  timer?: ReturnType<typeof setTimeout>;
  /** When the first update still waiting for consolidation came (ms since epoch). */
  firstAt: number;
  /** The rebuild running or queued last, if any. */
  running?: Promise<void>;
}

const DEFAULT_CONSOLIDATE_MS = 2000;
const INDEX_FORMAT = 'kefu-index';
/**
 * Raised whenever a saved index would answer differently from a fresh build of the same KB:
 * the index stores features, and a question is analysed by the running code. 2: colloquial
 * spellings read as standard ones, long numbers dropped, English skip-bigrams, letter
 * trigrams at full weight.
 */
const INDEX_VERSION = 2;
const SENTENCE_CANDIDATES = 48;
/** Postings read per question before retrieval stops adding features (keeps p99 flat on large KBs). */
const POSTINGS_BUDGET = 4000;
const ENTRY_CANDIDATES = 10;
/** Share of questions outside the KB that confidences are calibrated for. */
const OUT_OF_SCOPE_SHARE = 0.2;
/** Noisy copies of KB questions (typos, dropped words) relative to new paraphrases in the calibration sample. */
const NOISY_SHARE = 0.5;
/** Feature families the naive Bayes classifier reads. */
const NB_FAMILIES = new Set(['w', 'c', 'p']);
const NB_WEIGHT = 0.35;
/**
 * Words, characters and pinyin each count the same evidence again, so naive Bayes is sure
 * of itself three times over (怎么申请退货 scored 0.91 for 退款申请被拒绝 against 0.09 for
 * the FAQ it paraphrases); its log-likelihoods are divided by this before the softmax.
 */
const NB_TEMPERATURE = 3;
/**
 * Candidate ranking mix: cosine-based score, naive Bayes, trained classifier. Measured on
 * zh-bq-dev, en-clinc-dev and the sample cases; choosing it per KB by leave-one-out was
 * tried and generalized worse (clinc top-1 0.712 vs 0.730, bq 0.336 vs 0.348).
 */
const MIX = [0.4, 0.2, 0.4] as const;
/** A runner-up scoring at least this share of the best makes the question ambiguous. */
const CLOSE_RATIO = 0.85;
/**
 * …and the calibrated confidences are about as close: a runner-up at less than this share of
 * the first one's confidence is no tie (the confidence already weighs the margin between them,
 * a keyword or pattern only the first has, the classifiers' votes). Decision accuracy at 0.5 /
 * 0.8 / 0.9: zh-bq-dev 0.525 / 0.532 / 0.533, en-clinc-dev 0.701 / 0.707 / 0.717, the sample
 * KB's cases 193/208 at all three; but at 0.9 en-clinc-dev declines only 46% of its
 * out-of-scope questions (54% at 0.8 and 0.5): a tie between two FAQs often marks a question
 * neither covers.
 */
const CLOSE_P_RATIO = 0.8;
const FUZZY_BAND: [number, number] = [0.12, 0.6];
/**
 * fuse.js costs 10–25 µs a string: at most FUZZY_CANDIDATES × FUZZY_QUESTIONS strings a question.
 * The first two candidates are the ones it has to tell apart: 4 × 5 strings scored the same on
 * the eval sets as 2 × 3 (within ±0.003) at up to three times the cost.
 */
const FUZZY_CANDIDATES = 2;
const FUZZY_QUESTIONS = 3;
/** Typos matter in short questions; long ones carry enough words for the statistical scorers. */
const FUZZY_MAX_CHARS = 24;
/** Below this share of known feature weight, a question probably holds a typo. */
const FUZZY_COVERAGE = 0.999;

export class KefuMatcher {
  readonly kb: KnowledgeBase;
  /** In force: given by the bot options or the KB, else fitted on this KB (see `calibration`). */
  readonly thresholds: KefuThresholds;
  private readonly explicitThresholds: Partial<KefuThresholds>;
  readonly segmenterName: string;
  private readonly extractor: FeatureExtractor;
  /** A mostly Chinese KB: Latin words that spell pinyin may be Chinese typed without an IME. */
  private readonly asciiPinyin: boolean;
  private readonly ablate: Set<KefuAblation>;
  private readonly maxCandidates: number;
  private readonly outOfScopeShare: number;
  /** What a rebuild is built with: the options given (segmenter resolved) and explicit thresholds. */
  private readonly buildOptions: KefuMatcherOptions;
  private readonly consolidateMs: number | false;
  /** Consolidation bookkeeping: the one field a rebuild does not replace (see adopt). */
  private hot: HotState = { log: [], firstAt: 0 };
  private readonly featureIds = new Map<string, number>();
  private readonly featureKeys: string[] = [];
  /** Known character pairs by their sound, built lazily from featureKeys (see correctHomophones). */
  private familyW: { keys: string[]; upTo: number; weights: Float64Array } = { keys: [], upTo: 0, weights: new Float64Array() };
  private pairsBySound?: { keys: string[]; upTo: number; bySound: Map<string, number> };
  private idf: Float64Array = new Float64Array();
  private maxIdf = 1;
  private sentences: IndexedSentence[] = [];
  private entries: IndexedEntry[] = [];
  /** Naive Bayes over character and pinyin features: per FAQ, sorted feature ids and counts. */
  private nb: { feats: Int32Array; counts: Int32Array; total: number }[] = [];
  private nbVocab = 1;
  private postings: Postings = { start: new Int32Array(1), docs: new Int32Array(), weights: new Float32Array() };
  /** Postings of questions added to the running index since the last build (see addQuestions). */
  private extra = new Map<number, { docs: number[]; weights: number[] }>();
  private dfCap = 0;
  private patterns: { entry: number; pattern: CompiledPattern }[] = [];
  private required: (string[][] | undefined)[] = [];
  private keywords: (string[] | undefined)[] = [];
  private model: CalibrationModel = DEFAULT_MODEL;
  private softmax: SoftmaxClassifier | undefined;

  private acc = new Float64Array();
  /** Query weights of the features retrieval skipped, by feature id (zero elsewhere). */
  private skipW = new Float64Array();
  /** packCommonFirst's view of the questions, or undefined after a hot update. */
  private commonFirst?: { feats: Int32Array; weights: Float32Array; dfs: Int32Array };
  /** Scratch: the questions a query's postings touched. */
  private touchedBuf = new Int32Array();
  /** The current question's weights by feature id (cleared after each question). */
  private readonly qtable = new QueryTable();
  /** Whether each feature is one the naive Bayes classifier reads. */
  private nbFeature: boolean[] = [];
  /** Every question's vector in one block (struct of arrays), for the per-question hot loop. */
  private flat = { feats: new Int32Array(), weights: new Float32Array(), offset: new Int32Array(1), entry: new Int32Array() };
  /** Normalized, space-free text of each question, for fuse.js. */
  private compacts: string[] = [];
  /** Share of each question's squared norm in pinyin features, to score pinyin-only input by pinyin alone. */
  private pinyinNorm = new Float64Array();

  private constructor(kb: KnowledgeBase, options: KefuMatcherOptions) {
    this.kb = kb;
    this.ablate = new Set(options.ablate ?? []);
    for (const a of this.ablate) if (!(ABLATIONS as readonly string[]).includes(a)) throw new KefuError('bad-option', `kefu: unknown ablation "${a}"; known: ${ABLATIONS.join(', ')}`);
    this.explicitThresholds = { ...definedOnly(kb.thresholds), ...definedOnly(options.thresholds ?? {}) };
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...this.explicitThresholds };
    if (!(this.thresholds.clarify <= this.thresholds.answer)) {
      throw new KefuError('bad-option', `kefu: thresholds.clarify (${this.thresholds.clarify}) must not exceed thresholds.answer (${this.thresholds.answer})`);
    }
    this.maxCandidates = options.maxCandidates ?? 3;
    this.outOfScopeShare = options.outOfScopeShare ?? OUT_OF_SCOPE_SHARE;
    if (!(this.outOfScopeShare > 0 && this.outOfScopeShare < 1)) throw new KefuError('bad-option', `kefu: outOfScopeShare must be between 0 and 1 (exclusive), not ${options.outOfScopeShare}`);
    const segmenter = options.segmenter ?? new IntlSegmenter();
    this.segmenterName = segmenter.name;
    this.buildOptions = { ...options, segmenter };
    this.consolidateMs = options.consolidateMs ?? DEFAULT_CONSOLIDATE_MS;
    if (this.consolidateMs !== false && !(this.consolidateMs >= 0)) throw new KefuError('bad-option', `kefu: consolidateMs must be a number of milliseconds (0 or more) or false, not ${String(options.consolidateMs)}`);
    const synonyms = new SynonymTable(this.ablate.has('synonyms') ? [] : kb.synonyms);
    const disabled: FeatureFamily[] = [];
    if (this.ablate.has('words')) disabled.push('w');
    if (this.ablate.has('ngram')) disabled.push('c', 'b', 'g');
    if (this.ablate.has('pinyin')) disabled.push('p', 'q');
    this.asciiPinyin = isMostlyChinese(kb);
    this.extractor = new FeatureExtractor({ segmenter, synonyms, stopwords: kb.stopwords, disabled, asciiPinyin: this.asciiPinyin });
    // Not keywords: kept whole, 申请退货 would hide 退货 and 申请 from 退货怎么申请 (keywords are
    // matched in the text as it is).
    const userWords = [...kb.vocabulary, ...synonyms.terms()];
    segmenter.addWords(userWords.map((w) => normalize(w).replace(/ /g, '')).filter((w) => w.length >= 2));
    // Patterns and required terms always see the KB's synonyms: the ablation is of features only.
    this.compileRules(this.ablate.has('synonyms') ? new SynonymTable(kb.synonyms) : synonyms);
  }

  /** Build the index for a validated knowledge base. Prefer `createMatcher`, which also validates. */
  static build(kb: KnowledgeBase, options: KefuMatcherOptions = {}): KefuMatcher {
    return runSync(KefuMatcher.buildSteps(kb, options));
  }

  /** `build`, yielding between small steps, so a rebuild can run in the background (steps.ts). */
  private static *buildSteps(kb: KnowledgeBase, options: KefuMatcherOptions): Steps<KefuMatcher> {
    const m = new KefuMatcher(kb, options);
    yield;
    const analyses: Map<string, number>[] = [];
    const owners: number[] = [];
    const texts: string[] = [];
    for (let e = 0; e < kb.faqs.length; e++) {
      const faq = kb.faqs[e];
      for (const q of [faq.question, ...faq.similar]) {
        analyses.push(m.extractor.analyze(q).features);
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
        let id = m.featureIds.get(key);
        if (id === undefined) {
          id = m.featureKeys.length;
          m.featureIds.set(key, id);
          m.featureKeys.push(key);
          df.push(0);
        }
        df[id]++;
        ids.set(id, tf);
      }
      keyed.push(ids);
    }
    yield;
    m.setIdf(df, analyses.length);
    const sentences: IndexedSentence[] = [];
    for (let s = 0; s < keyed.length; s++) {
      const raw = new Map<number, number>();
      for (const [id, tf] of keyed[s]) raw.set(id, m.rawWeight(id, tf));
      sentences.push({ ...toUnitVector(raw), entry: owners[s], text: texts[s] });
      if ((s & 255) === 255) yield;
    }
    yield* m.installSteps(sentences);
    // The classifier is trained twice: without the held-out questions (so the calibration
    // below sees it as it will see new questions), then on everything.
    const trainable = !m.ablate.has('classifier') && !m.ablate.has('trained') && m.entries.filter((e) => e.sentences.length >= 2).length >= Math.max(5, 0.2 * m.entries.length);
    const heldOut = m.heldOutSample();
    const confusers: number[][] = [];
    if (trainable) {
      for (let i = 0; i < m.sentences.length; i++) {
        confusers.push(m.confusableEntries(i));
        if ((i & 63) === 63) yield;
      }
      m.softmax = yield* m.trainClassifierSteps(confusers, new Set(heldOut));
    }
    if (!m.ablate.has('calibration')) m.model = yield* m.fitSteps(heldOut);
    m.applyFittedThresholds();
    if (trainable) m.softmax = yield* m.trainClassifierSteps(confusers, new Set());
    return m;
  }

  /** Restore a matcher saved with `toJSON()`. Answers are identical to the original's. */
  static fromJSON(data: unknown, options: Omit<KefuMatcherOptions, 'ablate'> = {}): KefuMatcher {
    const d = data as SerializedIndex;
    if (!d || d.format !== INDEX_FORMAT) throw new KefuError('bad-index', 'kefu: not a kefu index (expected the output of `kefu build` or matcher.toJSON())');
    if (d.version !== INDEX_VERSION) throw new KefuError('bad-index', `kefu: index version ${String(d.version)} is not supported by this kefu (it reads version ${INDEX_VERSION}); rebuild it with \`kefu build\``);
    const m = new KefuMatcher(d.kb, { ...options, ablate: d.ablate, thresholds: { ...d.thresholds, ...definedOnly(options.thresholds ?? {}) } });
    // A rebuild fits again what the original build fitted (an index without the field keeps all its thresholds).
    if (d.explicitThresholds) m.buildOptions.thresholds = { ...d.explicitThresholds, ...definedOnly(options.thresholds ?? {}) };
    d.features.forEach((k, i) => {
      m.featureIds.set(k, i);
      m.featureKeys.push(k);
    });
    m.setIdf(d.df, d.sentences.length);
    if (d.idf) m.idf = Float64Array.from(d.idf);
    m.install(d.sentences.map(([entry, text, feats, weights]) => ({ entry, text, feats: Int32Array.from(feats), weights: Float32Array.from(weights) })));
    m.model = d.model;
    if (d.classifier) m.softmax = SoftmaxClassifier.fromJSON(d.classifier);
    return m;
  }

  /** A JSON-safe snapshot: KB, features and the fitted calibration. Load with `KefuMatcher.fromJSON`. */
  toJSON(): SerializedIndex {
    const df = Array.from({ length: this.featureKeys.length }, (_, f) => this.df(f));
    return {
      format: INDEX_FORMAT,
      version: INDEX_VERSION,
      segmenter: this.segmenterName,
      // Where each FAQ was read from is local file metadata, not part of the index.
      kb: { ...this.kb, faqs: this.kb.faqs.map(({ source: _source, ...faq }) => faq) },
      thresholds: this.thresholds,
      explicitThresholds: { ...definedOnly(this.kb.thresholds), ...definedOnly(this.buildOptions.thresholds ?? {}) },
      ablate: [...this.ablate],
      features: this.featureKeys,
      df,
      idf: Array.from(this.idf),
      sentences: this.sentences.map((s) => [s.entry, s.text, Array.from(s.feats), Array.from(s.weights)]),
      model: this.model,
      classifier: this.softmax?.toJSON(),
    };
  }

  get calibration(): Readonly<CalibrationModel> {
    return this.model;
  }

  get size(): { faqs: number; questions: number; features: number } {
    return { faqs: this.kb.faqs.length, questions: this.sentences.length, features: this.featureKeys.length };
  }

  faq(id: string): KefuFaq | undefined {
    return this.kb.faqs.find((f) => f.id === id);
  }

  /**
   * Match one question.
   * @example
   * const m = matcher.match('怎么退货');
   * if (m.type === 'answer') console.log(m.id, m.confidence);
   */
  match(text: string): KefuMatch {
    return this.decide(text, this.score(text));
  }

  /**
   * How alike two questions are (0..1): TF-IDF cosine over all their features, words the KB
   * does not know included (at the highest IDF). Used to group questions the KB could not answer.
   */
  similarity(a: string, b: string): number {
    return cosineOfBags(this.textVector(a), this.textVector(b));
  }

  /** A question's unit TF-IDF vector by feature key, unknown features included. */
  textVector(text: string): Map<string, number> {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [key, tf] of this.extractor.analyze(text).features) {
      const id = this.featureIds.get(key);
      const fam = familyOf(key);
      const w = id === undefined ? FAMILY_WEIGHTS[fam] * tfWeight(tf) * idfOf(0, this.sentences.length, fam) : this.rawWeight(id, tf);
      v.set(key, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [k, w] of v) v.set(k, w / norm);
    return v;
  }

  /** Like `match`, with what went into the decision. */
  explain(text: string): { match: KefuMatch; explanation: KefuMatchExplanation } {
    const ranked = this.score(text);
    const q = ranked.query;
    return {
      match: this.decide(text, ranked),
      explanation: {
        normalized: q.analysis.normalized,
        tokens: q.analysis.tokens,
        segmenter: this.segmenterName,
        features: q.analysis.features.size,
        coverage: round(q.coverage),
        candidates: ranked.scored.slice(0, 5).map((s) => ({
          id: this.kb.faqs[s.entry].id,
          confidence: round(s.p ?? 0),
          score: round(s.score),
          signals: Object.fromEntries(['score', 'best', 'classifier', 'trained', 'margin', 'coverage', 'pattern', 'keyword', 'fuzzy', 'length'].map((k, i) => [k, round(s.signals?.[i] ?? 0)])),
        })),
      },
    };
  }

  /**
   * Problems only matching can see: questions of two FAQs so alike that customers will get
   * either (near-duplicates, with their similarity), and FAQs whose own standard question
   * goes to another FAQ (shadowed: they can never win). Warnings, for `kefu validate`.
   */
  lint(nearDuplicate = 0.9): KefuProblem[] {
    const problems: KefuProblem[] = [];
    const seen = new Set<string>();
    const where = (faq: KefuFaq, field: string) => ({ file: faq.source?.file, line: faq.source?.fields?.[field] ?? faq.source?.line, faqId: faq.id, path: field });
    this.sentences.forEach((s, i) => {
      const q = new Map<number, number>();
      for (let k = 0; k < s.feats.length; k++) q.set(s.feats[k], s.weights[k]);
      for (const e of this.confusableEntries(i, 3)) {
        for (const j of this.entries[e].sentences) {
          const sim = dotWithQuery(this.sentences[j], q);
          const key = i < j ? `${i}:${j}` : `${j}:${i}`;
          if (sim < nearDuplicate || seen.has(key)) continue;
          seen.add(key);
          const a = this.kb.faqs[s.entry];
          const b = this.kb.faqs[e];
          problems.push({
            severity: 'warning',
            code: 'near-duplicate',
            message: `${JSON.stringify(s.text)} and ${JSON.stringify(this.sentences[j].text)} of FAQ "${b.id}" are nearly the same question (similarity ${sim.toFixed(2)}): customers may get either answer`,
            ...where(a, this.fieldOf(i)),
          });
        }
      }
    });
    this.kb.faqs.forEach((faq) => {
      const m = this.match(faq.question);
      if (m.id !== null && m.id !== faq.id && m.type === 'answer') {
        problems.push({ severity: 'warning', code: 'shadowed', message: `its own question is answered by FAQ "${m.id}" (confidence ${m.confidence.toFixed(2)}): this FAQ can hardly ever win; merge them or make the questions distinct`, ...where(faq, 'question') });
      }
    });
    return problems;
  }

  /** The KB's own characters grouped by pinyin, for homophone typos in noisy copies. */
  private homophoneTable(): Map<string, string[]> {
    const table = new Map<string, string[]>();
    for (const key of this.featureKeys) {
      if (key[0] !== 'c' || key.length !== 3) continue;
      const ch = key.slice(2);
      const py = charPinyin(ch);
      if (!py) continue;
      const list = table.get(py) ?? [];
      list.push(ch);
      table.set(py, list);
    }
    return table;
  }

  /** `question` or `similar[k]` for a sentence index. */
  private fieldOf(i: number): string {
    const k = this.entries[this.sentences[i].entry].sentences.indexOf(i);
    return k === 0 ? 'question' : `similar[${k - 1}]`;
  }

  // ---------------------------------------------------------------- building

  private setIdf(df: readonly number[], n: number): void {
    this.idf = Float64Array.from(df, (d, i) => idfOf(d, n, familyOf(this.featureKeys[i])));
    this.maxIdf = idfOf(0, n, 'w');
    this.dfCap = Math.max(64, Math.floor(n * 0.04));
  }

  private rawWeight(id: number, tf: number): number {
    return FAMILY_WEIGHTS[familyOf(this.featureKeys[id])] * tfWeight(tf) * this.idf[id];
  }

  /** Document frequency: how many questions contain feature f. */
  private df(f: number): number {
    const csr = f + 1 < this.postings.start.length ? this.postings.start[f + 1] - this.postings.start[f] : 0;
    return this.extra.size === 0 ? csr : csr + (this.extra.get(f)?.docs.length ?? 0);
  }

  private install(sentences: IndexedSentence[]): void {
    runSync(this.installSteps(sentences));
  }

  private *installSteps(sentences: IndexedSentence[]): Steps<void> {
    this.sentences = sentences;
    this.packFlat();
    yield;
    const byEntry: number[][] = this.kb.faqs.map(() => []);
    sentences.forEach((s, i) => byEntry[s.entry].push(i));
    this.entries = byEntry.map((ids) => ({ sentences: ids }));
    this.nbFeature = this.featureKeys.map((k) => NB_FAMILIES.has(k[0]));
    this.nbVocab = Math.max(1, this.nbFeature.filter(Boolean).length);
    this.nb = [];
    for (let e = 0; e < byEntry.length; e++) {
      this.nb.push(this.nbCounts(byEntry[e]));
      if ((e & 255) === 255) yield;
    }
    yield;
    this.postings = buildPostings(sentences, this.featureKeys.length);
    this.extra.clear();
    yield;
    yield* this.packCommonFirst();
    this.compacts = [];
    for (let i = 0; i < sentences.length; i++) {
      this.compacts.push(normalize(sentences[i].text).replace(/ /g, ''));
      if ((i & 255) === 255) yield;
    }
    this.pinyinNorm = new Float64Array(sentences.length);
    for (let i = 0; i < sentences.length; i++) {
      this.pinyinNorm[i] = this.pinyinNormOf(sentences[i]);
      if ((i & 1023) === 1023) yield;
    }
    this.acc = new Float64Array(sentences.length);
  }

  /**
   * All question vectors in two contiguous blocks (each question a view into them): scoring
   * candidates then walks memory in order instead of chasing 20,000 small buffers.
   */
  private packFlat(): void {
    const sentences = this.sentences;
    const total = sentences.reduce((n, s) => n + s.feats.length, 0);
    // Spare room so that questions added to a running index usually fit without a copy.
    const capacity = Math.ceil(total * 1.1) + 4096;
    const feats = new Int32Array(capacity);
    const weights = new Float32Array(capacity);
    const offset = new Int32Array(sentences.length + 1);
    let at = 0;
    sentences.forEach((s, i) => {
      feats.set(s.feats, at);
      weights.set(s.weights, at);
      s.feats = feats.subarray(at, at + s.feats.length);
      s.weights = weights.subarray(at, at + s.weights.length);
      at += s.feats.length;
      offset[i + 1] = at;
    });
    this.flat = { feats, weights, offset, entry: Int32Array.from(sentences, (s) => s.entry) };
  }

  /**
   * Each question's features again, most common first, with their df: rescoring the
   * features retrieval skipped stops at the first one rarer than all of them, a short prefix
   * instead of the whole question. Every df change (a hot update, appendFlat) drops it until
   * the next full build, so its dfs are always the current ones.
   */
  private *packCommonFirst(): Steps<void> {
    const { offset } = this.flat;
    const n = this.sentences.length;
    const dfAt = new Int32Array(this.featureKeys.length);
    for (let f = 0; f < dfAt.length; f++) dfAt[f] = this.df(f);
    const total = offset[n];
    const feats = new Int32Array(total);
    const weights = new Float32Array(total);
    const dfs = new Int32Array(total);
    const order: number[] = [];
    for (let d = 0; d < n; d++) {
      const v = this.sentences[d];
      order.length = v.feats.length;
      for (let i = 0; i < order.length; i++) order[i] = i;
      order.sort((a, b) => dfAt[v.feats[b]] - dfAt[v.feats[a]] || a - b);
      for (let i = 0, at = offset[d]; i < order.length; i++, at++) {
        feats[at] = v.feats[order[i]];
        weights[at] = v.weights[order[i]];
        dfs[at] = dfAt[feats[at]];
      }
      if ((d & 1023) === 1023) yield;
    }
    this.commonFirst = { feats, weights, dfs };
  }

  /** Append new questions into the flat block's spare room (or repack when it is full). */
  private appendFlat(first: number): void {
    this.commonFirst = undefined; // until the next full build (consolidation) packs it again
    const added = this.sentences.slice(first);
    const need = added.reduce((n, s) => n + s.feats.length, 0);
    let at = this.flat.offset[first];
    if (at + need > this.flat.feats.length) return this.packFlat();
    const offset = new Int32Array(this.sentences.length + 1);
    offset.set(this.flat.offset);
    const entry = new Int32Array(this.sentences.length);
    entry.set(this.flat.entry);
    added.forEach((s, k) => {
      this.flat.feats.set(s.feats, at);
      this.flat.weights.set(s.weights, at);
      s.feats = this.flat.feats.subarray(at, at + s.feats.length);
      s.weights = this.flat.weights.subarray(at, at + s.weights.length);
      at += s.feats.length;
      offset[first + k + 1] = at;
      entry[first + k] = s.entry;
    });
    this.flat = { ...this.flat, offset, entry };
  }

  private nbCounts(ids: readonly number[]): { feats: Int32Array; counts: Int32Array; total: number } {
    const counts = new Map<number, number>();
    for (const i of ids) for (const f of this.sentences[i].feats) if (this.nbFeature[f]) counts.set(f, (counts.get(f) ?? 0) + 1);
    const feats = Int32Array.from(counts.keys()).sort();
    const c = Int32Array.from(feats, (f) => counts.get(f)!);
    return { feats, counts: c, total: c.reduce((a, b) => a + b, 0) };
  }

  private pinyinNormOf(s: SparseVector): number {
    let sq = 0;
    for (let i = 0; i < s.feats.length; i++) {
      const fam = this.featureKeys[s.feats[i]][0];
      if (fam === 'p' || fam === 'q') sq += s.weights[i] * s.weights[i];
    }
    return Math.sqrt(sq) || 1;
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
    const e = this.kb.faqs.findIndex((f) => f.id === faqId);
    if (e < 0) throw new KefuError('unknown-faq', `kefu: no FAQ "${faqId}" in this index`);
    const faq = this.kb.faqs[e];
    const have = new Set([faq.question, ...faq.similar].map((q) => normalize(q).replace(/ /g, '')));
    const fresh = questions.filter((q) => {
      const k = normalize(q).replace(/ /g, '');
      if (!k || have.has(k)) return false;
      have.add(k);
      return true;
    });
    if (fresh.length === 0) return 0;
    faq.similar = [...faq.similar, ...fresh];
    this.appendSentences(e, fresh);
    this.noteHotUpdate({ faqId, questions: fresh });
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
    if (this.kb.faqs.some((f) => f.id === faq.id)) throw new KefuError('duplicate-id', `kefu: FAQ "${faq.id}" is already in this index`);
    const stored: KefuFaq = { ...faq, similar: [...(faq.similar ?? [])] };
    const category = stored.category === undefined ? undefined : this.kb.categories.find((c) => c.id === stored.category);
    if (category) {
      stored.handoff ??= category.handoff;
      stored.priority ??= category.priority;
    }
    this.kb.faqs.push(stored);
    const e = this.kb.faqs.length - 1;
    this.entries.push({ sentences: [] });
    this.nb.push(this.nbCounts([]));
    this.compileRulesOf(stored, e, new SynonymTable(this.kb.synonyms));
    this.appendSentences(e, [stored.question, ...stored.similar]);
    this.noteHotUpdate({ faq: stored });
  }

  // ---------------------------------------------------------------- consolidation

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
    while (this.hot.log.length > 0 || this.hot.running) await this.enqueueRebuild(undefined, true);
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
    return this.enqueueRebuild(kb, false);
  }

  /** Rebuilds run one after another; with `onlyIfPending`, one finding nothing to do does nothing. */
  private enqueueRebuild(kb: KnowledgeBase | undefined, onlyIfPending: boolean): Promise<void> {
    const hot = this.hot;
    const run = (hot.running ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => (onlyIfPending && hot.log.length === 0 ? undefined : this.rebuildNow(kb)));
    hot.running = run;
    const done = () => {
      if (hot.running === run) hot.running = undefined;
    };
    run.then(done, done);
    return run;
  }

  private async rebuildNow(kb: KnowledgeBase | undefined): Promise<void> {
    const hot = this.hot;
    if (hot.timer !== undefined) clearTimeout(hot.timer);
    hot.timer = undefined;
    const seen = hot.log.length;
    const source = kb ? { ...kb, faqs: kb.faqs.map((f) => ({ ...f, similar: [...f.similar] })) } : this.kbForRebuild();
    const next = await runSliced(KefuMatcher.buildSteps(source, this.buildOptions));
    const later = hot.log.slice(seen);
    this.adopt(next);
    hot.log = [];
    for (const u of later) {
      try {
        if ('faq' in u) {
          if (!this.faq(u.faq.id)) this.addFaq(u.faq);
        } else this.addQuestions(u.faqId, u.questions);
      } catch {
        // The KB given no longer has that FAQ: the given KB wins.
      }
    }
  }

  /**
   * The KB as loading the updated files gives it: FAQs added since the last build move to
   * where their file puts them (see kb/order.ts); every FAQ is copied, so hot updates made
   * during the rebuild do not reach into it.
   */
  private kbForRebuild(): KnowledgeBase {
    const faqs = this.kb.faqs.map((f) => ({ ...f, similar: [...f.similar] }));
    for (const u of this.hot.log) {
      if (!('faq' in u)) continue;
      const [faq] = faqs.splice(faqs.findIndex((f) => f.id === u.faq.id), 1);
      faqs.splice(loadPosition(faqs, faq), 0, faq);
    }
    return { ...this.kb, faqs };
  }

  /** Take over a freshly built matcher's whole state in one synchronous step. */
  private adopt(next: KefuMatcher): void {
    const hot = this.hot;
    Object.assign(this, next);
    this.hot = hot;
  }

  private noteHotUpdate(update: HotUpdate): void {
    const hot = this.hot;
    hot.log.push(update);
    if (this.consolidateMs === false) return;
    const now = Date.now();
    if (hot.timer === undefined) hot.firstAt = now;
    else clearTimeout(hot.timer);
    const wait = Math.max(0, Math.min(this.consolidateMs, hot.firstAt + 4 * this.consolidateMs - now));
    hot.timer = setTimeout(() => {
      hot.timer = undefined;
      this.enqueueRebuild(undefined, true).catch(() => undefined); // the hot state stays in force; consolidated() reports the error
    }, wait);
    (hot.timer as { unref?: () => void }).unref?.();
  }

  private appendSentences(e: number, texts: readonly string[]): void {
    const n = this.sentences.length + texts.length;
    const added: IndexedSentence[] = texts.map((text) => {
      const raw = new Map<number, number>();
      for (const [key, tf] of this.extractor.analyze(text).features) {
        let id = this.featureIds.get(key);
        if (id === undefined) {
          id = this.featureKeys.length;
          this.featureIds.set(key, id);
          this.featureKeys.push(key);
          this.nbFeature.push(NB_FAMILIES.has(key[0]));
          const idf = new Float64Array(this.featureKeys.length);
          idf.set(this.idf);
          idf[id] = idfOf(1, n, familyOf(key));
          this.idf = idf;
        }
        raw.set(id, this.rawWeight(id, tf));
      }
      return { ...toUnitVector(raw), entry: e, text };
    });
    const first = this.sentences.length;
    this.sentences.push(...added);
    this.appendFlat(first);
    added.forEach((s, k) => {
      const d = first + k;
      this.entries[e].sentences.push(d);
      for (let i = 0; i < s.feats.length; i++) {
        let list = this.extra.get(s.feats[i]);
        if (!list) this.extra.set(s.feats[i], (list = { docs: [], weights: [] }));
        list.docs.push(d);
        list.weights.push(s.weights[i]);
      }
    });
    this.nbVocab = Math.max(1, this.nbFeature.filter(Boolean).length);
    this.nb[e] = this.nbCounts(this.entries[e].sentences);
    this.compacts.push(...added.map((s) => normalize(s.text).replace(/ /g, '')));
    const norms = new Float64Array(this.sentences.length);
    norms.set(this.pinyinNorm);
    added.forEach((s, k) => (norms[first + k] = this.pinyinNormOf(s)));
    this.pinyinNorm = norms;
    this.acc = new Float64Array(this.sentences.length);
  }

  private compileRules(synonyms: SynonymTable): void {
    this.kb.faqs.forEach((faq, e) => this.compileRulesOf(faq, e, synonyms));
  }

  /** One FAQ's patterns, required terms and keywords, expanded to their synonyms. */
  private compileRulesOf(faq: KefuFaq, e: number, synonyms: SynonymTable): void {
    const expand = (term: string) => {
      const t = standardChinese(normalize(term)).replace(/ /g, '');
      return [...new Set([t, ...(synonyms.groupOf(t) ?? [])])];
    };
    if (!this.ablate.has('pattern')) {
      for (const p of faq.patterns ?? []) this.patterns.push({ entry: e, pattern: compilePattern(p, (t) => synonyms.groupOf(t)) });
    }
    this.required[e] = faq.required?.map((r) => r.split('|').flatMap(expand));
    this.keywords[e] = faq.keywords?.flatMap(expand);
  }

  /**
   * Questions held out for calibration: every other similar question of each FAQ (its
   * standard question always stays in), at most ~1,000.
   */
  heldOutSample(): number[] {
    const all = this.entries.flatMap((e) => e.sentences.filter((_, k) => k % 2 === 1));
    const stride = Math.max(1, Math.ceil(all.length / 1000));
    return all.filter((_, i) => i % stride === 0);
  }

  /** FAQs whose questions look most like question i (hard negatives for the classifier). */
  private confusableEntries(i: number, k = 10): number[] {
    const v = this.sentences[i];
    const acc = this.acc;
    const touched: number[] = [];
    const order = Array.from(v.feats.keys()).sort((a, b) => this.df(v.feats[a]) - this.df(v.feats[b]));
    const { start, docs, weights } = this.postings;
    let spent = 0;
    for (const j of order) {
      const f = v.feats[j];
      const n = this.df(f);
      if (spent > 0 && spent + n > POSTINGS_BUDGET) break;
      spent += n;
      const w = v.weights[j];
      for (let k = start[f], end = start[f + 1]; k < end; k++) {
        const d = docs[k];
        if (acc[d] === 0) touched.push(d);
        acc[d] += w * weights[k];
      }
    }
    const top = topByScore(touched, acc, 4 * k);
    for (const d of touched) acc[d] = 0;
    const own = v.entry;
    const out: number[] = [];
    for (const d of top) {
      const e = this.sentences[d].entry;
      if (e !== own && !out.includes(e)) out.push(e);
      if (out.length === k) break;
    }
    return out;
  }

  private trainClassifierSteps(confusers: number[][], leaveOut: Set<number>): Steps<SoftmaxClassifier> {
    const ids = this.sentences.map((_, i) => i).filter((i) => !leaveOut.has(i));
    return SoftmaxClassifier.trainSteps({
      vectors: ids.map((i) => this.sentences[i]),
      labels: ids.map((i) => this.sentences[i].entry),
      confusers: ids.map((i) => confusers[i]),
      entries: this.entries.length,
    });
  }

  /** Leave-one-out over the KB's own similar questions; see calibrate.ts. */
  private *fitSteps(heldOut: number[]): Steps<CalibrationModel> {
    if (heldOut.length < 30) return DEFAULT_MODEL;
    const sample = yield* this.calibrationSteps(heldOut);
    if (sample.positive < 20) return DEFAULT_MODEL;
    yield;
    return yield* fitCalibrationSteps({ ...sample, inScope: sample.xs.map((_, i) => i < sample.inScope) });
  }

  /**
   * The calibration sample (top candidate's signals, whether it was right, weight):
   * held-out similar questions (weight 1), noisy copies of KB questions (half as common in
   * total), and questions whose FAQ was left out, weighted as `outOfScopeShare` of all.
   * @internal also used by scripts/fit-default-calibration.mjs to fit DEFAULT_MODEL.
   */
  calibrationSample(heldOut = this.heldOutSample()): CalibrationSample {
    return runSync(this.calibrationSteps(heldOut));
  }

  private *calibrationSteps(heldOut: number[]): Steps<CalibrationSample> {
    const xs: Signals[] = [];
    const ys: number[] = [];
    let positive = 0;
    let negative = 0;
    const push = (c: Scored | undefined, right: boolean) => {
      if (!c) return;
      xs.push(c.signals!);
      ys.push(right ? 1 : 0);
      if (right) positive++;
      else negative++;
    };
    for (const s of heldOut) {
      const [c] = this.score(this.sentences[s].text, { sentence: s }).scored;
      push(c, c?.entry === this.sentences[s].entry);
      yield;
    }
    const heldOutCount = xs.length;
    // Customers also type the KB's own questions with typos, dropped words and filler.
    const noisyStride = Math.max(1, Math.floor(this.sentences.length / 400));
    const homophones = this.homophoneTable();
    for (let s = 0; s < this.sentences.length; s += noisyStride) {
      const [c] = this.score(perturb(this.sentences[s].text, s, homophones)).scored;
      push(c, c?.entry === this.sentences[s].entry);
      yield;
    }
    const inScope = xs.length;
    const noisyWeight = inScope > heldOutCount ? (NOISY_SHARE * Math.max(heldOutCount, 1)) / (inScope - heldOutCount) : 0;
    // Questions the KB does not cover: hold out the whole FAQ, every candidate is wrong.
    const negStride = Math.max(1, Math.floor(this.sentences.length / 600));
    for (let s = 0; s < this.sentences.length; s += negStride) {
      push(this.score(this.sentences[s].text, { entry: this.sentences[s].entry }).scored[0], false);
      yield;
    }
    const inScopeMass = heldOutCount + noisyWeight * (inScope - heldOutCount);
    const outOfScope = xs.length - inScope;
    const share = this.outOfScopeShare;
    const w = outOfScope > 0 ? (share / (1 - share)) * (inScopeMass / outOfScope) : 1;
    const weights = xs.map((_, i) => (i < heldOutCount ? 1 : i < inScope ? noisyWeight : w));
    return { xs, ys, weights, inScope, positive, negative };
  }

  /**
   * Thresholds not given by the KB or the bot come from the fit: the answer threshold that
   * handles most held-out questions right (answered correctly, or not answered when the KB
   * does not cover them); clarify from 0.7 of it: a "did you mean" offering one candidate
   * right less than ~15% of the time was mostly chit-chat (股价, 电影, 失眠) near a keyword.
   */
  private applyFittedThresholds(): void {
    const t = this.thresholds as KefuThresholds;
    if (this.explicitThresholds.answer === undefined && this.model.answerThreshold !== undefined) t.answer = this.model.answerThreshold;
    if (this.explicitThresholds.clarify === undefined) t.clarify = Math.min(DEFAULT_THRESHOLDS.clarify, Math.round(t.answer * 70) / 100);
  }

  // ---------------------------------------------------------------- querying

  /** Is feature f only known through the held-out question(s)? Then, for an honest fit, it is unknown. */
  private onlyInExcluded(f: number, exclude: Exclude): boolean {
    const { start, docs } = this.postings;
    if (f + 1 >= start.length || this.extra.has(f)) return false; // only built features are held out
    const n = this.df(f);
    if (exclude.sentence !== undefined) return n === 1 && docs[start[f]] === exclude.sentence;
    if (exclude.entry === undefined || n > this.entries[exclude.entry].sentences.length) return false;
    for (let k = start[f]; k < start[f + 1]; k++) if (this.sentences[docs[k]].entry !== exclude.entry) return false;
    return true;
  }

  private queryVector(text: string, exclude: Exclude = {}, analysis = this.extractor.analyze(text)): QueryVector {
    const excluding = exclude.sentence !== undefined || exclude.entry !== undefined;
    const weights = new Map<number, number>();
    const familyW = this.familyWeights();
    const idf = this.idf;
    let norm = 0;
    let knownMass = 0;
    let unknownMass = 0;
    for (const [key, tf] of analysis.features) {
      const id = this.featureIds.get(key);
      if (id === undefined || (excluding && this.onlyInExcluded(id, exclude))) {
        // Unknown letter trigrams repeat what their unknown word already says; in pinyin-only
        // input, unknown words are the pinyin itself, which its pinyin features speak for.
        if (key[0] === 'g' || analysis.pinyinOnly) continue;
        const w = FAMILY_WEIGHTS[familyOf(key)] * tfWeight(tf) * this.maxIdf;
        norm += w * w;
        unknownMass += w;
      } else {
        const w = familyW[id] * tfWeight(tf) * idf[id];
        weights.set(id, w);
        norm += w * w;
        knownMass += w;
      }
    }
    norm = Math.sqrt(norm) || 1;
    for (const [id, w] of weights) weights.set(id, w / norm);
    return { analysis, weights, known: this.byDf([...weights.keys()]), coverage: knownMass + unknownMass > 0 ? knownMass / (knownMass + unknownMass) : 0 };
  }

  /** Feature ids rarest first (ties in the given order); each df is read once, the sort is numeric. */
  private byDf(ids: number[]): number[] {
    const n = ids.length;
    if (n >= 4096) return ids.sort((a, b) => this.df(a) - this.df(b));
    if (selectScratch.length < n) selectScratch = new Float64Array(n * 2);
    const keys = selectScratch.subarray(0, n);
    for (let i = 0; i < n; i++) keys[i] = this.df(ids[i]) * 4096 + i;
    keys.sort();
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = ids[keys[i] % 4096];
    return out;
  }

  /** FAMILY_WEIGHTS by feature id, kept in step with featureKeys (which hot updates extend). */
  private familyWeights(): Float64Array {
    const keys = this.featureKeys;
    let t = this.familyW;
    if (t.keys !== keys || t.upTo < keys.length) {
      if (t.keys !== keys) t = this.familyW = { keys, upTo: 0, weights: new Float64Array(keys.length + 256) };
      if (t.weights.length < keys.length) {
        const grown = new Float64Array(keys.length * 2);
        grown.set(t.weights.subarray(0, t.upTo));
        t.weights = grown;
      }
      for (let id = t.upTo; id < keys.length; id++) t.weights[id] = FAMILY_WEIGHTS[familyOf(keys[id])];
      t.upTo = keys.length;
    }
    return t.weights;
  }

  /**
   * A character typed for another of the same sound (发获 for 发货, 分其 for 分期, 花被 for
   * 花呗): where two neighbouring characters never occur together in the KB but sound like a
   * KB word that does and that shares one of them, read the KB's word (the most frequent one
   * of that sound). Toneless pinyin, default readings; a few µs a question.
   */
  private correctHomophones(text: string, exclude?: Exclude): string {
    const bySound = this.homophones();
    if (bySound.size === 0) return text;
    const chars = [...text];
    let changed = false;
    for (let i = 0; i + 1 < chars.length; i++) {
      const a = chars[i];
      const b = chars[i + 1];
      if (!isCjk(a) || !isCjk(b) || this.featureIds.has(`b:${a}${b}`) || this.featureIds.has(`w:${a}${b}`)) continue;
      const pa = charPinyin(a);
      const pb = pa && charPinyin(b);
      if (!pb) continue;
      const id = bySound.get(`${pa} ${pb}`);
      if (id === undefined || (exclude && this.onlyInExcluded(id, exclude))) continue;
      const key = this.featureKeys[id];
      if (key[2] !== a && key[3] !== b) continue;
      chars[i] = key[2];
      chars[i + 1] = key[3];
      changed = true;
      i++; // a corrected pair is not the start of another correction
    }
    return changed ? chars.join('') : text;
  }

  /**
   * Pinyin typed among Chinese (我要 tuihuo, 怎么 tuikuan): a Latin word that reads as
   * toneless pinyin, where every two syllables sound like a two-character word of the KB, is
   * read as those words (its pinyin features alone are a small part of what the KB's own
   * words carry). English words the KB knows stay as they are; so does all-pinyin input,
   * which is scored by its pinyin.
   */
  private readPinyinWords(analysis: TextAnalysis): string {
    const text = analysis.normalized;
    if (!this.asciiPinyin || analysis.pinyinOnly || !/[a-z]/.test(text) || !/[\u3400-\u9fff]/.test(text)) return text;
    const bySound = this.homophones();
    return text.replace(/[a-z]{4,}/g, (word) => {
      if (this.featureIds.has(`w:${word}`)) return word;
      const syllables = pinyinSyllables(word);
      if (!syllables || syllables.length < 2 || syllables.length % 2 === 1) return word;
      let out = '';
      for (let i = 0; i < syllables.length; i += 2) {
        const id = bySound.get(`${syllables[i]} ${syllables[i + 1]}`);
        if (id === undefined) return word;
        out += this.featureKeys[id].slice(2);
      }
      return out;
    });
  }

  private homophones(): Map<string, number> {
    let t = this.pairsBySound;
    if (!t || t.keys !== this.featureKeys) t = this.pairsBySound = { keys: this.featureKeys, upTo: 0, bySound: new Map() };
    // Per sound, the KB's most frequent two-character word. Only words: with every neighbouring
    // pair of a 10,000-question KB as a target, 44% of zh-afqmc-scale's questions got a
    // "correction" to score a second time (14% with words only), and accuracy did not gain.
    const rank = (id: number) => this.df(id);
    for (let id = t.upTo; id < this.featureKeys.length; id++) {
      const key = this.featureKeys[id];
      if (key.length !== 4 || key[0] !== 'w' || !isCjk(key[2]) || !isCjk(key[3])) continue;
      const pa = charPinyin(key[2]);
      const pb = pa && charPinyin(key[3]);
      if (!pb) continue;
      const sound = `${pa} ${pb}`;
      const cur = t.bySound.get(sound);
      if (cur === undefined || rank(id) > rank(cur)) t.bySound.set(sound, id);
    }
    t.upTo = this.featureKeys.length;
    return t.bySound;
  }

  private score(text: string, exclude: Exclude = {}): { query: QueryVector; scored: Scored[] } {
    const analysis = this.extractor.analyze(text);
    const plain = this.scoreVector(this.queryVector(text, exclude, analysis), exclude);
    if (this.ablate.has('homophones')) return plain;
    const excluding = exclude.sentence !== undefined || exclude.entry !== undefined;
    const fixed = this.correctHomophones(this.readPinyinWords(analysis), excluding ? exclude : undefined);
    if (fixed === analysis.normalized) return plain;
    // A reading with typos corrected is kept only if the KB agrees with it better.
    const corrected = this.scoreVector(this.queryVector(fixed, exclude), exclude);
    return (corrected.scored[0]?.score ?? 0) > (plain.scored[0]?.score ?? 0) ? corrected : plain;
  }

  private scoreVector(q: QueryVector, exclude: Exclude): { query: QueryVector; scored: Scored[] } {
    this.qtable.load(q.weights);
    try {
      return this.scoreQuery(q, exclude);
    } finally {
      this.qtable.clear();
    }
  }

  private scoreQuery(q: QueryVector, exclude: Exclude): { query: QueryVector; scored: Scored[] } {
    if (q.weights.size === 0 && !this.patterns.length) return { query: q, scored: [] };

    // 1. Candidate questions from the inverted index: rarest features first, until a budget
    //    of postings is spent; very common features (花呗 in 70% of a payment KB) then only
    //    count through the exact rescoring of the candidates they found.
    const acc = this.acc;
    if (this.touchedBuf.length < acc.length) this.touchedBuf = new Int32Array(acc.length);
    const touchedBuf = this.touchedBuf;
    let nTouched = 0;
    const { start, docs, weights } = this.postings;
    let spent = 0;
    let processed = 0;
    for (const f of q.known) {
      const n = this.df(f);
      if (spent > 0 && (n > this.dfCap || spent + n > POSTINGS_BUDGET)) break;
      spent += n;
      processed++;
      const w = q.weights.get(f)!;
      const end = f + 1 < start.length ? start[f + 1] : 0;
      for (let k = f + 1 < start.length ? start[f] : 0; k < end; k++) {
        const d = docs[k];
        if (acc[d] === 0) touchedBuf[nTouched++] = d;
        acc[d] += w * weights[k];
      }
      const more = this.extra.size > 0 ? this.extra.get(f) : undefined;
      if (more) {
        for (let k = 0; k < more.docs.length; k++) {
          const d = more.docs[k];
          if (acc[d] === 0) touchedBuf[nTouched++] = d;
          acc[d] += w * more.weights[k];
        }
      }
    }
    const touched = touchedBuf.subarray(0, nTouched);
    // Order does not matter here: candidates are grouped by FAQ and sorted by score below.
    const top = nTouched > SENTENCE_CANDIDATES ? topByScore(touched, acc, SENTENCE_CANDIDATES, false) : Array.from(touched);

    // 2. Exact cosine for those questions, grouped by FAQ: the accumulated part plus the
    //    common features retrieval skipped, whose weights go into a dense table (one
    //    branch-free read per feature of a candidate). The skipped features are the query's
    //    most common ones, so a candidate's common-first list holds all it shares with them
    //    before its first feature rarer than the rarest of them (skipped[0]).
    if (this.skipW.length < this.featureKeys.length) this.skipW = new Float64Array(this.featureKeys.length + 1024);
    const skipW = this.skipW;
    const skipped = q.known.slice(processed);
    for (const f of skipped) skipW[f] = q.weights.get(f)!;
    const common = this.commonFirst;
    const cutoff = skipped.length > 0 ? this.df(skipped[0]) : 0;
    const bestOf = new Map<number, number>();
    const { feats: F, weights: W, offset, entry: owner } = this.flat;
    for (const d of top) {
      if (d === exclude.sentence) continue;
      const e = owner[d];
      if (e === exclude.entry) continue;
      let dot = acc[d];
      if (skipped.length > 0 && common) {
        const { feats: CF, weights: CW, dfs: CD } = common;
        for (let i = offset[d], end = offset[d + 1]; i < end && CD[i] >= cutoff; i++) dot += skipW[CF[i]] * CW[i];
      } else if (skipped.length > 0) for (let i = offset[d], end = offset[d + 1]; i < end; i++) dot += skipW[F[i]] * W[i];
      const cos = q.analysis.pinyinOnly ? Math.min(1, dot / this.pinyinNorm[d]) : dot;
      if (cos > (bestOf.get(e) ?? -1)) bestOf.set(e, cos);
    }
    for (let i = 0; i < nTouched; i++) acc[touchedBuf[i]] = 0;
    for (const f of skipped) skipW[f] = 0;

    // 3. Patterns can bring in FAQs retrieval missed.
    const patternHit = new Set<number>();
    for (const { entry, pattern } of this.patterns) {
      if (entry !== exclude.entry && matchPattern(pattern, q.analysis.compact)) {
        patternHit.add(entry);
        if (!bestOf.has(entry)) bestOf.set(entry, this.bestSentence(entry, q, exclude));
      }
    }

    let scored: Scored[] = [];
    for (const [entry, best] of bestOf) {
      const req = this.required[entry];
      if (req && !req.every((alts) => alts.some((a) => q.analysis.compact.includes(a)))) continue;
      const pattern = patternHit.has(entry) ? 1 : 0;
      const kw = this.keywords[entry];
      const keyword = kw && kw.some((k) => q.analysis.compact.includes(k)) ? 1 : 0;
      scored.push({ entry, best, classifier: 0, trained: 0, score: best + 0.25 * pattern + 0.05 * keyword, pattern, keyword, fuzzy: 0 });
    }
    scored.sort((a, b) => b.score - a.score || a.entry - b.entry);
    scored = scored.slice(0, ENTRY_CANDIDATES);
    if (!this.ablate.has('classifier') && scored.length > 0) {
      this.classify(scored, q.known.filter((f) => this.nbFeature[f]), exclude);
      if (this.softmax) {
        const post = this.softmax.posterior(scored.map((c) => c.entry), q.weights);
        scored.forEach((c, i) => (c.trained = post[i]));
        const [a, b, t] = MIX;
        for (const c of scored) c.score = a * c.score + b * c.classifier + t * c.trained;
      } else for (const c of scored) c.score = (1 - NB_WEIGHT) * c.score + NB_WEIGHT * c.classifier;
      scored.sort((a, b) => b.score - a.score || a.entry - b.entry);
    }

    // 4. Fuzzy: only when the statistical scorer is unsure, over a handful of candidates.
    if (!this.ablate.has('fuzzy') && this.needsFuzzy(q, scored)) {
      this.fuzzy(q.analysis.compact, scored.slice(0, FUZZY_CANDIDATES), exclude);
      scored.sort((a, b) => b.score - a.score || a.entry - b.entry);
    }

    // 5. Calibrated confidence per candidate.
    const length = Math.log1p(q.analysis.compact.length);
    for (let i = 0; i < scored.length; i++) {
      const c = scored[i];
      const other = i === 0 ? (scored[1]?.score ?? 0) : scored[0].score;
      c.signals = [c.score, c.best, c.classifier, c.trained, c.score - other, q.coverage, c.pattern, c.keyword, c.fuzzy, length];
      c.p = predict(this.model, c.signals);
    }
    // Ranked by score; confidences made non-increasing down the list (the model is fitted on the
    // first candidate, whose margin is positive; lower ones only borrow it).
    for (let i = 1; i < scored.length; i++) scored[i].p = Math.min(scored[i].p!, scored[i - 1].p!);
    return { query: q, scored };
  }

  private bestSentence(entry: number, q: QueryVector, exclude: Exclude): number {
    let best = 0;
    for (const s of this.entries[entry].sentences) if (s !== exclude.sentence) best = Math.max(best, this.cosine(s, q));
    return best;
  }

  /** Cosine of question d with the query; for pinyin-only input, over the pinyin features alone. */
  private cosine(d: number, q: QueryVector): number {
    const v = this.sentences[d];
    const qt = this.qtable;
    let dot = 0;
    for (let i = 0; i < v.feats.length; i++) dot += qt.get(v.feats[i]) * v.weights[i];
    return q.analysis.pinyinOnly ? Math.min(1, dot / this.pinyinNorm[d]) : dot;
  }

  /**
   * Naive Bayes log-likelihood of the query's character/pinyin features under each
   * candidate FAQ, turned into a posterior over the candidates. A held-out question's own
   * counts are subtracted from its FAQ, so leave-one-out fitting sees an honest classifier.
   */
  private classify(candidates: Scored[], queryFeats: number[], exclude: Exclude): void {
    const alpha = 0.1;
    const logAlpha = Math.log(alpha);
    const held = exclude.sentence === undefined ? undefined : this.sentences[exclude.sentence];
    let max = -Infinity;
    const ll: number[] = [];
    for (const c of candidates) {
      const nb = this.nb[c.entry];
      let total = nb.total;
      const own = held && held.entry === c.entry;
      if (!own) {
        // Σ over query features of log(count + α) − denom: the features both have, found by
        // walking the shorter side (an FAQ with many questions has hundreds of features).
        let s = queryFeats.length * (logAlpha - Math.log(total + alpha * this.nbVocab));
        if (nb.feats.length <= 4 * queryFeats.length) {
          for (let i = 0; i < nb.feats.length; i++) if (this.qtable.get(nb.feats[i]) !== 0) s += Math.log(nb.counts[i] + alpha) - logAlpha;
        } else {
          for (const f of queryFeats) {
            const i = searchSorted(nb.feats, f);
            if (i >= 0) s += Math.log(nb.counts[i] + alpha) - logAlpha;
          }
        }
        ll.push(s);
        if (s > max) max = s;
        continue;
      }
      if (own) for (const f of held.feats) if (searchSorted(nb.feats, f) >= 0) total--;
      const denom = Math.log(total + alpha * this.nbVocab);
      let s = 0;
      for (const f of queryFeats) {
        const i = searchSorted(nb.feats, f);
        let count = i >= 0 ? nb.counts[i] : 0;
        if (own && count > 0 && searchSorted(held.feats, f) >= 0) count--;
        s += Math.log(count + alpha) - denom;
      }
      ll.push(s);
      if (s > max) max = s;
    }
    let z = 0;
    for (const s of ll) z += Math.exp((s - max) / NB_TEMPERATURE);
    candidates.forEach((c, i) => (c.classifier = Math.exp((ll[i] - max) / NB_TEMPERATURE) / z));
  }

  /**
   * fuse.js costs ~10–20 µs a string here, so it runs only where it can help: the best score
   * is unsure, and either some of the question is unknown to the index (the mark of a typo)
   * or the first two candidates are close.
   */
  private needsFuzzy(q: QueryVector, scored: Scored[]): boolean {
    if (q.analysis.compact.length > FUZZY_MAX_CHARS || scored.length === 0) return false;
    const top = scored[0].score;
    if (top < FUZZY_BAND[0] || top >= FUZZY_BAND[1]) return false;
    return q.coverage < FUZZY_COVERAGE || (scored[1] !== undefined && scored[1].score >= CLOSE_RATIO * top);
  }

  private fuzzy(compact: string, candidates: Scored[], exclude: Exclude): void {
    const docs: { entry: number; text: string }[] = [];
    for (const c of candidates) {
      for (const s of this.entries[c.entry].sentences.slice(0, FUZZY_QUESTIONS)) {
        if (s !== exclude.sentence) docs.push({ entry: c.entry, text: this.compacts[s] });
      }
    }
    const fuse = new Fuse(docs, { keys: ['text'], includeScore: true, ignoreLocation: true, threshold: 0.7, shouldSort: false });
    const best = new Map<number, number>();
    for (const r of fuse.search(compact.slice(0, 32))) {
      const sim = 1 - (r.score ?? 1);
      if (sim > (best.get(r.item.entry) ?? 0)) best.set(r.item.entry, sim);
    }
    for (const c of candidates) {
      c.fuzzy = best.get(c.entry) ?? 0;
      c.score += 0.1 * c.fuzzy;
    }
  }

  private decide(text: string, ranked: { query: QueryVector; scored: Scored[] }): KefuMatch {
    const all = ranked.scored.map((s) => ({ id: this.kb.faqs[s.entry].id, confidence: round(s.p ?? 0), question: this.kb.faqs[s.entry].question }));
    const first = ranked.scored[0];
    if (!first) return { type: 'fallback', text, id: null, confidence: 0, candidates: [] };
    const faq = this.kb.faqs[first.entry];
    const p1 = first.p ?? 0;
    const p2 = ranked.scored[1]?.p ?? 0;
    const answerAt = faq.threshold ?? this.thresholds.answer;
    const { clarify } = this.thresholds;
    const candidates = all.slice(0, this.maxCandidates);
    const confidence = round(p1);
    // Two FAQs scoring about the same (a bare "运费": shipping fee or return postage?) → ask,
    // unless the calibrated confidences separate them (付完款几天发货: the first has a keyword).
    const second = ranked.scored[1];
    // A bare keyword found in several FAQs' questions is ambiguous however the classifiers vote.
    const bare = ranked.query.analysis.tokens.length <= 2 && ranked.query.analysis.compact.length <= 4;
    const close =
      second !== undefined &&
      ((second.score >= CLOSE_RATIO * first.score && p2 >= clarify / 2 && p2 >= CLOSE_P_RATIO * p1) || (bare && second.best >= CLOSE_RATIO * first.best));
    if (p1 >= answerAt && !close) return { type: 'answer', text, id: faq.id, confidence, candidates };
    if (p1 >= clarify) return { type: 'clarify', text, id: faq.id, confidence, candidates };
    return { type: 'fallback', text, id: faq.id, confidence, candidates };
  }
}

export interface CalibrationSample {
  xs: Signals[];
  ys: number[];
  weights: number[];
  /** Samples before this index are in scope; the rest stand for uncovered questions. */
  inScope: number;
  positive: number;
  negative: number;
}

export interface SerializedIndex {
  format: typeof INDEX_FORMAT;
  version: number;
  segmenter: string;
  kb: KnowledgeBase;
  thresholds: KefuThresholds;
  /** The thresholds given (by the KB or the options) rather than fitted: a rebuild fits the others again. */
  explicitThresholds?: Partial<KefuThresholds>;
  ablate: KefuAblation[];
  features: string[];
  df: number[];
  /** IDF as used (it stays as built when questions are added to a running index). */
  idf?: number[];
  /** [entry index, text, feature ids, weights] */
  sentences: [number, string, number[], number[]][];
  model: CalibrationModel;
  classifier?: SoftmaxClassifierData;
}

const FILLERS = ['请问', '你好，', '我想问一下', '亲，', '麻烦问下'];

/**
 * A deterministic noisy copy of a question, as customers type them: a homophone typo
 * (a character swapped for another the KB uses with the same pinyin) or ~20% of the
 * characters dropped; sometimes filler in front.
 */
export function perturb(text: string, seed: number, homophones?: ReadonlyMap<string, readonly string[]>): string {
  const chars = [...text];
  let r = (seed * 2654435761 + 1) % 2147483648;
  const next = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
  const swappable = homophones ? chars.map((c, i) => (homophones.get(charPinyin(c) ?? '')?.length ?? 0) > 1 ? i : -1).filter((i) => i >= 0) : [];
  if (swappable.length > 0 && next() < 0.5) {
    const i = swappable[Math.floor(next() * swappable.length)];
    const options = homophones!.get(charPinyin(chars[i])!)!.filter((c) => c !== chars[i]);
    chars[i] = options[Math.floor(next() * options.length)];
  } else {
    const drops = Math.max(1, Math.round(chars.length * 0.2));
    for (let k = 0; k < drops && chars.length > 2; k++) chars.splice(Math.floor(next() * chars.length), 1);
  }
  const filler = next() < 0.3 ? FILLERS[Math.floor(next() * FILLERS.length)] : '';
  return filler + chars.join('');
}

/**
 * The k ids of highest score (ties: the smaller id), best first when `sorted`. A selection
 * on a copy of the scores finds the k-th value, then one pass collects: about 2n steps
 * where a heap makes n·log k comparisons through a closure.
 */
function topByScore(ids: ArrayLike<number>, score: Float64Array, k: number, sorted = true): number[] {
  let out: number[];
  const n = ids.length;
  if (n <= k) out = Array.from(ids);
  else {
    if (selectScratch.length < n) selectScratch = new Float64Array(n * 2);
    const vals = selectScratch;
    for (let i = 0; i < n; i++) vals[i] = score[ids[i]];
    const kth = selectDescending(vals, n, k - 1);
    out = [];
    let ties: number[] | undefined;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const v = score[id];
      if (v > kth) out.push(id);
      else if (v === kth) (ties ??= []).push(id);
    }
    if (ties) {
      ties.sort((a, b) => a - b);
      for (let i = 0; out.length < k; i++) out.push(ties[i]);
    }
  }
  return sorted ? out.sort((a, b) => score[b] - score[a] || a - b) : out;
}

/** Scratch of topByScore and byDf (matching is synchronous): allocating it per question cost more than the work. */
let selectScratch = new Float64Array(1024);

/** The value that would sit at index i if a[0..n) were sorted in descending order (reorders it). */
function selectDescending(a: Float64Array, n: number, i: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let l = lo;
    let r = hi;
    while (l <= r) {
      while (a[l] > pivot) l++;
      while (a[r] < pivot) r--;
      if (l <= r) {
        const t = a[l];
        a[l++] = a[r];
        a[r--] = t;
      }
    }
    if (i <= r) hi = r;
    else if (i >= l) lo = l;
    else return a[i];
  }
  return a[i];
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

/** A KB whose questions are mostly Chinese: customers may type pinyin to it. */
function isMostlyChinese(kb: KnowledgeBase): boolean {
  let cjk = 0;
  let all = 0;
  for (const f of kb.faqs) {
    for (const q of [f.question, ...f.similar]) {
      all++;
      if (/[\u3400-\u9fff]/.test(q)) cjk++;
    }
  }
  return all === 0 || cjk / all >= 0.5;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
