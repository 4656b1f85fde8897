/**
 * The KB author's rules: patterns (templates that bring in and lift an FAQ), required terms
 * (an FAQ is vetoed unless each group has one term in the question) and keywords (a small lift).
 */
import type { KefuFaq, KnowledgeBase } from '../../kb/schema.js';
import { standardChinese } from '../../text/features.js';
import { normalize } from '../../text/normalize.js';
import type { SynonymTable } from '../../text/synonyms.js';
import { bestSentence } from '../index/postings.js';
import { TUNING } from '../options.js';
import { compilePattern, matchPattern } from '../../kb/patterns.js';
import type { Rules } from '../engine.js';
import type { Candidate } from '../types.js';
import type { Scorer } from './scorer.js';

export type { Rules };

/** Every FAQ's rules; without patterns when they are ablated (required terms and keywords stay). */
export function compileRules(kb: KnowledgeBase, synonyms: SynonymTable, withPatterns: boolean): Rules {
  const rules: Rules = { patterns: [], required: [], keywords: [] };
  kb.faqs.forEach((faq, e) => compileRulesOf(rules, faq, e, synonyms, withPatterns));
  return rules;
}

/** One FAQ's patterns, required terms and keywords, expanded to their synonyms. */
export function compileRulesOf(rules: Rules, faq: KefuFaq, e: number, synonyms: SynonymTable, withPatterns: boolean): void {
  const expand = (term: string) => {
    const t = standardChinese(normalize(term)).replace(/ /g, '');
    return [...new Set([t, ...(synonyms.groupOf(t) ?? [])])];
  };
  if (withPatterns) {
    for (const p of faq.patterns ?? []) rules.patterns.push({ entry: e, pattern: compilePattern(p, (t) => synonyms.groupOf(t)) });
  }
  rules.required[e] = faq.required?.map((r) => r.split('|').flatMap(expand));
  rules.keywords[e] = faq.keywords?.flatMap(expand);
}

/**
 * Every field a scorer writes is there from the start, so that all candidates keep one shape
 * (hidden class) from retrieval to calibration: a field added later, or a fraction landing
 * in a field V8 had seen hold only integers, changes the shape, and every function that
 * reads candidates then drops its optimized code and runs slow until it is recompiled
 * (the ranking comparator, thrown out so during warm-up, ran unoptimized until near the end
 * of the first pass that followed: 15× its optimized cost).
 */
export function newCandidate(entry: number, best: number): Candidate {
  return { entry, best, classifier: 0, trained: 0, score: best, pattern: 0, keyword: 0, fuzzy: 0, more: undefined, signals: undefined, p: 0 };
}
// V8 stores a field as the kind of its first value: fractions here first make every numeric
// field a float field before any question runs (integers then fit in them unchanged).
const shapeSeed = newCandidate(0, 0.5);
shapeSeed.classifier = shapeSeed.trained = shapeSeed.pattern = shapeSeed.keyword = shapeSeed.fuzzy = shapeSeed.p = 0.5;

export const rulesScorer: Scorer<'pattern'> = {
  name: 'pattern',
  stage: 'retrieve',
  always: true,
  score({ engine, query, table, exclude }, candidates) {
    const { rules } = engine;
    const compact = query.analysis.compact;
    // Patterns can bring in FAQs retrieval missed.
    const patternHit = new Set<number>();
    let have: Set<number> | undefined; // only once a pattern matches (most questions match none)
    for (const { entry, pattern } of rules.patterns) {
      if (entry !== exclude.entry && matchPattern(pattern, compact)) {
        patternHit.add(entry);
        have ??= new Set(candidates.map((c) => c.entry));
        if (!have.has(entry)) {
          have.add(entry);
          candidates.push(newCandidate(entry, bestSentence(engine.index, entry, table, query.analysis.pinyinOnly, exclude)));
        }
      }
    }
    const out: Candidate[] = [];
    for (const c of candidates) {
      const req = rules.required[c.entry];
      if (req && !req.every((alts) => alts.some((a) => compact.includes(a)))) continue;
      c.pattern = patternHit.size > 0 && patternHit.has(c.entry) ? 1 : 0;
      const kw = rules.keywords[c.entry];
      c.keyword = kw && kw.some((k) => compact.includes(k)) ? 1 : 0;
      c.score = c.best + TUNING.patternBonus * c.pattern + TUNING.keywordBonus * c.keyword;
      out.push(c);
    }
    return out;
  },
};
