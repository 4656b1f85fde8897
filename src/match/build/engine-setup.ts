/** An empty engine for a KB and options: settings resolved, extractor and rules ready, no index yet. */
import { KefuError } from '../../errors.js';
import type { KnowledgeBase } from '../../kb/schema.js';
import { FeatureExtractor, type FeatureFamily } from '../../text/features.js';
import { normalize } from '../../text/normalize.js';
import { IntlSegmenter } from '../../text/segmenter.js';
import { SynonymTable } from '../../text/synonyms.js';
import { DEFAULT_MODEL } from '../calibrate.js';
import type { Engine, Settings } from '../engine.js';
import { emptyFeatureSpace } from '../index/features.js';
import { emptyIndex } from '../index/postings.js';
import { checkMatcherOptions, DEFAULT_THRESHOLDS, DEFAULTS, type KefuMatcherOptions } from '../options.js';
import { ABLATIONS } from '../scorers/list.js';
import { NbTable } from '../scorers/naive-bayes.js';
import { compileRules } from '../scorers/rules.js';

export function newEngine(kb: KnowledgeBase, options: KefuMatcherOptions): Engine {
  checkMatcherOptions(options, ABLATIONS);
  const ablate = new Set<string>(options.ablate ?? []);
  const explicitThresholds = { ...definedOnly(kb.thresholds), ...definedOnly(options.thresholds ?? {}) };
  const thresholds = { ...DEFAULT_THRESHOLDS, ...explicitThresholds };
  if (!(thresholds.clarify <= thresholds.answer)) {
    throw new KefuError('bad-option', `kefu: thresholds.clarify (${thresholds.clarify}) must not exceed thresholds.answer (${thresholds.answer})`);
  }
  const segmenter = options.segmenter ?? new IntlSegmenter();
  const settings: Settings = {
    ablate,
    maxCandidates: options.maxCandidates ?? DEFAULTS.maxCandidates,
    outOfScopeShare: options.outOfScopeShare,
    segmenterName: segmenter.name,
    asciiPinyin: isMostlyChinese(kb),
    explicitThresholds,
    buildOptions: { ...options, segmenter },
  };
  const synonyms = new SynonymTable(ablate.has('synonyms') ? [] : kb.synonyms);
  const disabled: FeatureFamily[] = [];
  if (ablate.has('words')) disabled.push('w');
  if (ablate.has('ngram')) disabled.push('c', 'b', 'g');
  if (ablate.has('pinyin')) disabled.push('p', 'q');
  const extractor = new FeatureExtractor({ segmenter, synonyms, stopwords: kb.stopwords, disabled, asciiPinyin: settings.asciiPinyin });
  // Not keywords: kept whole, 申请退货 would hide 退货 and 申请 from 退货怎么申请 (keywords are
  // matched in the text as it is).
  const userWords = [...kb.vocabulary, ...synonyms.terms()];
  segmenter.addWords(userWords.map((w) => normalize(w).replace(/ /g, '')).filter((w) => w.length >= 2));
  // Patterns and required terms always see the KB's synonyms: the ablation is of features only.
  const rules = compileRules(kb, ablate.has('synonyms') ? new SynonymTable(kb.synonyms) : synonyms, !ablate.has('pattern'));
  return {
    kb,
    settings,
    extractor,
    thresholds,
    features: emptyFeatureSpace(),
    index: emptyIndex(),
    rules,
    nb: NbTable.of([]),
    model: DEFAULT_MODEL,
    faqIndex: new Map(kb.faqs.map((f, i) => [f.id, i])),
  };
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

export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
