/**
 * The matcher's options and every number of the per-question path: one frozen defaults
 * object for what a user may set, one TUNING table for what only measurement should change
 * (each with the reason it has its value). Browser-safe.
 */
import { closest, rejectUnknownKeys } from '../did-you-mean.js';
import type { Embedder } from '../embed/embedder.js';
import { KefuError } from '../errors.js';
import type { KefuSegmenter } from '../text/segmenter.js';

/** Parts of the text pipeline that can be switched off (the scorers' own names come from the scorer list). */
export const FEATURE_ABLATIONS = ['words', 'ngram', 'pinyin', 'synonyms', 'homophones'] as const;

export interface KefuThresholds {
  /** Answer directly at or above this confidence. Default 0.5. */
  answer: number;
  /** Below `answer` but at or above this: ask "did you mean…". Below: fall back. Default 0.2. */
  clarify: number;
}

export const DEFAULT_THRESHOLDS: Readonly<KefuThresholds> = Object.freeze({ answer: 0.5, clarify: 0.2 });

export interface KefuMatcherOptions<Ablation extends string = string> {
  /** Word segmenter. Node's `createMatcher` defaults to nodejieba; the core default is Intl.Segmenter. */
  segmenter?: KefuSegmenter;
  /** Decision thresholds (the KB's `thresholds` apply first, these override them). */
  thresholds?: Partial<KefuThresholds>;
  /** How many candidates a result lists. Default 3. */
  maxCandidates?: number;
  /** Switch parts off (benchmark ablation): a scorer's name or one of FEATURE_ABLATIONS. */
  ablate?: readonly Ablation[];
  /**
   * The share of customer questions you expect the KB not to cover (0..1; default 0.2, 0.1
   * with semantic matching, whose answer floor declines far-off questions first).
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
  /**
   * Sentence embedder for the semantic scorer. Node's `createMatcher` passes the bundled
   * bge-small-zh-v1.5 model unless `semantic: false`; the core and browser default is none
   * (lexical matching). An embedder makes the build asynchronous (`KefuMatcher.buildAsync`).
   */
  embedder?: Embedder;
}

/** Defaults of the options a user may set. */
export const DEFAULTS = Object.freeze({
  maxCandidates: 3,
  /** Share of questions outside the KB that confidences are calibrated for (see `outOfScopeShare`). */
  outOfScopeShare: 0.2,
  /**
   * …and with the semantic signal, whose answer floor declines far-off questions before the
   * confidence is read: the KB's left-out-FAQ questions in the sample then stand only for the
   * near-domain questions that pass it. zh-bq-dev decision accuracy 0.563 → 0.599 at 0.2 → 0.1,
   * the sample cases 198/208 at both; lexically 0.1 changed nothing there.
   */
  semanticOutOfScopeShare: 0.1,
  consolidateMs: 2000 as number | false,
});

/** Every matcher option, once: the compiler fails here when KefuMatcherOptions gains one. */
const MATCHER_KEYS = { segmenter: true, thresholds: true, maxCandidates: true, ablate: true, outOfScopeShare: true, consolidateMs: true, embedder: true } as const satisfies Record<keyof KefuMatcherOptions, true>;

/** The option keys a matcher reads (createMatcher, createBot's split); anything else is a mistake worth an error. */
export const MATCHER_OPTION_KEYS = Object.freeze(Object.keys(MATCHER_KEYS)) as readonly (keyof KefuMatcherOptions)[];

/**
 * Every weight, bonus and limit of the per-question path and of the build. Measured on
 * zh-bq-dev, en-clinc-dev, zh-afqmc-scale and the sample KB's cases (bench/RESULTS.md).
 */
export const TUNING = Object.freeze({
  /** Questions kept from retrieval for exact rescoring: enough for the right one to be among them on 10k KBs. */
  sentenceCandidates: 48,
  /** Postings read per question before retrieval stops adding features (keeps p99 flat on large KBs). */
  postingsBudget: 4000,
  /** Features in more than this share of the questions only count through rescoring (花呗 in 70% of a payment KB). */
  dfCapShare: 0.04,
  /** …but never cap below this many postings: on small KBs every feature is cheap. */
  dfCapMin: 64,
  /** FAQs ranked by the classifiers and calibrated: the right one is nearly always in the first ten. */
  entryCandidates: 10,
  /** A matched pattern is an author's explicit statement: it lifts an FAQ by a quarter of a cosine. */
  patternBonus: 0.25,
  /** A keyword only hints (it may appear in other FAQs' questions too): a small lift. */
  keywordBonus: 0.05,
  /** Naive Bayes additive smoothing: counts are small (a few questions per FAQ), 1 would flatten them. */
  nbAlpha: 0.1,
  /**
   * Words, characters and pinyin each count the same evidence again, so naive Bayes is sure
   * of itself three times over (怎么申请退货 scored 0.91 for 退款申请被拒绝 against 0.09 for
   * the FAQ it paraphrases); its log-likelihoods are divided by this before the softmax.
   */
  nbTemperature: 3,
  /** Share of naive Bayes in the ranking score when there is no trained classifier. */
  nbWeight: 0.35,
  /**
   * Candidate ranking mix: cosine-based score, naive Bayes, trained classifier. Measured on
   * zh-bq-dev, en-clinc-dev and the sample cases; choosing it per KB by leave-one-out was
   * tried and generalized worse (clinc top-1 0.712 vs 0.730, bq 0.336 vs 0.348).
   */
  mix: Object.freeze([0.4, 0.2, 0.4] as const),
  /** Fuzzy matching runs only when the best score is in this band: below, nothing is close; above, it is sure. */
  fuzzyBand: Object.freeze([0.12, 0.6] as const),
  /**
   * At most fuzzyCandidates × fuzzyQuestions strings a question (each 10–25 µs through fuse.js's
   * own objects, a few µs through scorers/bitap.ts).
   * The first two candidates are the ones it has to tell apart: 4 × 5 strings scored the same on
   * the eval sets as 2 × 3 (within ±0.003) at up to three times the cost.
   */
  fuzzyCandidates: 2,
  fuzzyQuestions: 3,
  /** Typos matter in short questions; long ones carry enough words for the statistical scorers. */
  fuzzyMaxChars: 24,
  /** Below this share of known feature weight, a question probably holds a typo. */
  fuzzyCoverage: 0.999,
  /** fuse.js threshold: loose, since only the top two candidates are compared and its score is only a signal. */
  fuseThreshold: 0.7,
  /** fuse.js (Bitap) works on at most 32 characters; longer queries are cut rather than refused. */
  fuseMaxChars: 32,
  /** Weight of the fuzzy similarity added to the ranking score: enough to break near-ties, not to overturn. */
  fuzzyBonus: 0.1,
  /** A runner-up scoring at least this share of the best makes the question ambiguous. */
  closeRatio: 0.85,
  /**
   * …and the calibrated confidences are about as close: a runner-up at less than this share of
   * the first one's confidence is no tie (the confidence already weighs the margin between them,
   * a keyword or pattern only the first has, the classifiers' votes). Decision accuracy at 0.5 /
   * 0.8 / 0.9: zh-bq-dev 0.525 / 0.532 / 0.533, en-clinc-dev 0.701 / 0.707 / 0.717, the sample
   * KB's cases 193/208 at all three; but at 0.9 en-clinc-dev declines only 46% of its
   * out-of-scope questions (54% at 0.8 and 0.5): a tie between two FAQs often marks a question
   * neither covers.
   */
  closePRatio: 0.8,
  /** A close runner-up counts only when its confidence is at least this share of the clarify threshold. */
  closeMinClarifyShare: 0.5,
  /** A "did you mean" offers, besides the first, the candidates at least this share of the clarify threshold. */
  offerMinClarifyShare: 0.5,
  /** A bare keyword (this many tokens at most)… */
  bareMaxTokens: 2,
  /** …of at most this many characters, found in several FAQs, is ambiguous however the classifiers vote. */
  bareMaxChars: 4,
  /**
   * The fitted clarify threshold is this share of the answer threshold: a "did you mean"
   * offering one candidate right less than ~15% of the time was mostly chit-chat (股价, 电影,
   * 失眠) near a keyword.
   */
  clarifyShareOfAnswer: 0.7,
  /** Noisy copies of KB questions (typos, dropped words) relative to new paraphrases in the calibration sample. */
  noisyShare: 0.5,
  /** Calibration sample sizes: held-out questions, noisy copies, left-out FAQs (cost of a build on large KBs). */
  heldOutMax: 1000,
  noisyMax: 400,
  leftOutMax: 600,
  /** Fewer held-out questions or right answers than this: the default calibration model. */
  minHeldOut: 30,
  minPositives: 20,
  /** FAQs taken as hard negatives for each question when training the softmax classifier. */
  confusers: 10,
});

export type KefuTuning = typeof TUNING;

/**
 * Check an options object: unknown keys (a typo such as `maxCandiates`), unknown ablations
 * and out-of-range values are a KefuError naming the key, with the closest known name.
 */
export function checkMatcherOptions(options: object, ablations: readonly string[]): void {
  rejectUnknownKeys(options, MATCHER_OPTION_KEYS, 'matcher');
  const o = options as KefuMatcherOptions;
  for (const a of o.ablate ?? []) {
    if (!ablations.includes(a)) {
      const near = closest(a, ablations);
      throw new KefuError('bad-option', `kefu: unknown ablation "${a}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${ablations.join(', ')}`);
    }
  }
  if (o.outOfScopeShare !== undefined && !(o.outOfScopeShare > 0 && o.outOfScopeShare < 1)) throw new KefuError('bad-option', `kefu: outOfScopeShare must be between 0 and 1 (exclusive), not ${o.outOfScopeShare}`);
  if (o.consolidateMs !== undefined && o.consolidateMs !== false && !(o.consolidateMs >= 0)) throw new KefuError('bad-option', `kefu: consolidateMs must be a number of milliseconds (0 or more) or false, not ${String(o.consolidateMs)}`);
}
