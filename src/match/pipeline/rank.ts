/**
 * One question through the whole pipeline: vector, retrieval, the scorers stage by stage
 * (scorers/list.ts), ranking; then the same for a typo-corrected reading, kept if the KB
 * agrees with it better.
 */
import type { TextAnalysis } from '../../text/features.js';
import { enabled, type Engine } from '../engine.js';
import { isExcluding } from '../index/postings.js';
import { TUNING } from '../options.js';
import type { Scorer, ScorerInput, Stage } from '../scorers/scorer.js';
import { SCORERS } from '../scorers/list.js';
import type { Candidate, Exclude, QueryVector, Ranked } from '../types.js';
import { queryVector } from './query.js';
import { correctHomophones, readPinyinWords } from './reread.js';
import { retrieve } from './retrieve.js';
import { scratchFor } from './scratch.js';

/**
 * Whether a ranks after b: lower score, then higher FAQ index (ties broken as they always were).
 * The lists are short (≤ 48 FAQs, ≤ 10 after the cut), and an insertion sort here is one
 * loop where `Array.prototype.sort` calls a comparator a few hundred times a question: a
 * cost that grows ~15× while that comparator is not yet optimized (the first questions
 * after a start, or after a new shape of candidate).
 */
function after(a: Candidate, b: Candidate): boolean {
  return a.score < b.score || (a.score === b.score && a.entry > b.entry);
}

/** The first `keep` candidates by score, best first, in a new list (the input is left as it is). */
function firstByScore(list: readonly Candidate[], keep: number): Candidate[] {
  const out: Candidate[] = [];
  if (keep <= 0) return out;
  for (const c of list) {
    if (out.length === keep && !after(out[keep - 1], c)) continue;
    let i = out.length < keep ? out.length : keep - 1;
    while (i > 0 && after(out[i - 1], c)) {
      out[i] = out[i - 1];
      i--;
    }
    out[i] = c;
  }
  return out;
}

/** Sorted by score in place, best first. */
function sortByScore(list: Candidate[]): void {
  for (let j = 1; j < list.length; j++) {
    const c = list[j];
    let i = j;
    while (i > 0 && after(list[i - 1], c)) {
      list[i] = list[i - 1];
      i--;
    }
    list[i] = c;
  }
}

/** Score a question (its analysis), with the homophone / pinyin re-reading. */
export function rank(engine: Engine, analysis: TextAnalysis, exclude: Exclude = {}, prepared?: ReadonlyMap<string, unknown>): Ranked {
  const plain = rankVector(engine, analysis, exclude, prepared);
  if (!enabled(engine, 'homophones')) return plain;
  const fs = engine.features;
  const fixed = correctHomophones(fs, engine.index, readPinyinWords(fs, engine.index, analysis, engine.settings.asciiPinyin), isExcluding(exclude) ? exclude : undefined);
  if (fixed === analysis.normalized) return plain;
  const corrected = rankVector(engine, engine.extractor.analyze(fixed), exclude, prepared);
  return (corrected.scored[0]?.score ?? 0) > (plain.scored[0]?.score ?? 0) ? corrected : plain;
}

function rankVector(engine: Engine, analysis: TextAnalysis, exclude: Exclude, prepared?: ReadonlyMap<string, unknown>): Ranked {
  const scratch = scratchFor(engine.index);
  const query = queryVector(engine, analysis, exclude, scratch);
  const table = scratch.table;
  table.load(query.known, query.knownWeights);
  try {
    return { query, scored: rankQuery({ engine, query, table, exclude, prepared }, scratch) };
  } finally {
    table.clear();
  }
}

/** The scorers of a stage an engine runs, by its ablation set (fixed for an engine's life): filtered once, not four times a question. */
const activeBy = new WeakMap<ReadonlySet<string>, Map<Stage, Scorer[]>>();

function active(engine: Engine, stage: Stage): Scorer[] {
  let byStage = activeBy.get(engine.settings.ablate);
  if (!byStage) activeBy.set(engine.settings.ablate, (byStage = new Map()));
  let list = byStage.get(stage);
  if (!list) byStage.set(stage, (list = SCORERS.filter((s) => s.stage === stage && (s.always || enabled(engine, s.name)))));
  return list;
}

function rankQuery(input: ScorerInput, scratch: ReturnType<typeof scratchFor>): Candidate[] {
  const { engine, query } = input;
  if (query.known.length === 0 && !engine.rules.patterns.length) return [];
  let scored = retrieve(engine, query, input.exclude, scratch);
  for (const s of active(engine, 'retrieve')) scored = s.score(input, scored) ?? scored;
  scored = firstByScore(scored, TUNING.entryCandidates);

  const rescorers = active(engine, 'rescore').filter((s) => !s.applies || s.applies(input, scored));
  if (rescorers.length > 0 && scored.length > 0) {
    for (const s of rescorers) scored = s.score(input, scored) ?? scored;
    mix(scored, rescorers);
  }
  if (rescorers.length > 0 || input.prepared) {
    remixSemantic(engine, scored);
    sortByScore(scored);
  }

  for (const s of active(engine, 'refine')) {
    if (s.applies && !s.applies(input, scored)) continue;
    scored = s.score(input, scored) ?? scored;
    sortByScore(scored);
  }
  for (const s of active(engine, 'confidence')) scored = s.score(input, scored) ?? scored;
  return scored;
}

/**
 * The ranking score after rescoring: the retrieval score mixed with the classifiers'
 * posteriors (TUNING.mix with the trained classifier, TUNING.nbWeight without), then each
 * newer scorer's signal by its own weight.
 */
function mix(scored: Candidate[], ran: readonly Scorer[]): void {
  const names = new Set(ran.map((s) => s.name));
  if (names.has('classifier')) {
    if (names.has('trained')) {
      const [a, b, t] = TUNING.mix;
      for (const c of scored) c.score = a * c.score + b * c.classifier + t * c.trained;
    } else for (const c of scored) c.score = (1 - TUNING.nbWeight) * c.score + TUNING.nbWeight * c.classifier;
  }
  for (const s of ran) {
    if (s.weight === undefined) continue;
    const w = s.weight;
    for (const c of scored) c.score = (1 - w) * c.score + w * (c.more?.[s.name] ?? 0);
  }
}

/**
 * The semantic cosine again after the classifiers' mix (which diluted the share it had in
 * the retrieval score), by the same weight fitted on the KB (scorers/semantic.ts).
 */
function remixSemantic(engine: Engine, scored: Candidate[]): void {
  const w = engine.semantic?.weight ?? 0;
  if (w === 0) return;
  for (const c of scored) {
    const cos = c.more?.semantic;
    if (cos !== undefined) c.score = (1 - w) * c.score + w * cos;
  }
}

export type { QueryVector };
