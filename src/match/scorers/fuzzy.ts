/**
 * fuse.js's similarity (Bitap, computed by bitap.ts) of the question to the first candidates'
 * questions: catches typos the features miss. It runs only where it can help: the best score
 * is unsure, and either some of the question is unknown to the index (the mark of a typo) or
 * the first two candidates are close.
 */
import { TUNING } from '../options.js';
import type { Candidate } from '../types.js';
import type { Scorer } from './scorer.js';
import { bitapPattern, bitapScore } from './bitap.js';

export function needsFuzzy(compactLength: number, coverage: number, scored: readonly Candidate[]): boolean {
  if (compactLength > TUNING.fuzzyMaxChars || scored.length === 0) return false;
  const top = scored[0].score;
  if (top < TUNING.fuzzyBand[0] || top >= TUNING.fuzzyBand[1]) return false;
  return coverage < TUNING.fuzzyCoverage || (scored[1] !== undefined && scored[1].score >= TUNING.closeRatio * top);
}

/** Best fuse.js similarity (0..1) of the query to each entry's documents (fuse.js's score, computed by bitap.ts). */
export function fuzzySimilarity(compact: string, docs: readonly { entry: number; text: string }[]): Map<number, number> {
  const best = new Map<number, number>();
  const query = compact.slice(0, TUNING.fuseMaxChars);
  if (query.trim().length === 0) return best; // fuse.js gives a blank query no score
  const pattern = bitapPattern(query);
  for (const d of docs) {
    const score = bitapScore(pattern, d.text, TUNING.fuseThreshold);
    if (score === undefined) continue;
    const sim = 1 - score;
    if (sim > (best.get(d.entry) ?? 0)) best.set(d.entry, sim);
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
