/**
 * fuse.js over the first candidates' questions: catches typos the features miss. It costs
 * ~10–20 µs a string here, so it runs only where it can help: the best score is unsure, and
 * either some of the question is unknown to the index (the mark of a typo) or the first two
 * candidates are close.
 */
import Fuse from 'fuse.js';
import { TUNING } from '../options.js';
import type { Candidate } from '../types.js';
import type { Scorer } from './scorer.js';

export function needsFuzzy(compactLength: number, coverage: number, scored: readonly Candidate[]): boolean {
  if (compactLength > TUNING.fuzzyMaxChars || scored.length === 0) return false;
  const top = scored[0].score;
  if (top < TUNING.fuzzyBand[0] || top >= TUNING.fuzzyBand[1]) return false;
  return coverage < TUNING.fuzzyCoverage || (scored[1] !== undefined && scored[1].score >= TUNING.closeRatio * top);
}

/** Best fuse.js similarity (0..1) of the query to each entry's documents. */
export function fuzzySimilarity(compact: string, docs: readonly { entry: number; text: string }[]): Map<number, number> {
  const fuse = new Fuse(docs, { keys: ['text'], includeScore: true, ignoreLocation: true, threshold: TUNING.fuseThreshold, shouldSort: false });
  const best = new Map<number, number>();
  for (const r of fuse.search(compact.slice(0, TUNING.fuseMaxChars))) {
    const sim = 1 - (r.score ?? 1);
    if (sim > (best.get(r.item.entry) ?? 0)) best.set(r.item.entry, sim);
  }
  return best;
}

export const fuzzyScorer: Scorer<'fuzzy'> = {
  name: 'fuzzy',
  stage: 'refine',
  applies: ({ query }, scored) => needsFuzzy(query.analysis.compact.length, query.coverage, scored),
  score({ engine, query, exclude }, scored) {
    const { index } = engine;
    const candidates = scored.slice(0, TUNING.fuzzyCandidates);
    const docs: { entry: number; text: string }[] = [];
    for (const c of candidates) {
      for (const s of index.entries[c.entry].sentences.slice(0, TUNING.fuzzyQuestions)) {
        if (s !== exclude.sentence) docs.push({ entry: c.entry, text: index.compacts[s] });
      }
    }
    const best = fuzzySimilarity(query.analysis.compact, docs);
    for (const c of candidates) {
      c.fuzzy = best.get(c.entry) ?? 0;
      c.score += TUNING.fuzzyBonus * c.fuzzy;
    }
  },
};
