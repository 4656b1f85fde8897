/**
 * Problems only matching can see: questions of two FAQs so alike that customers will get
 * either (near-duplicates, with their similarity), and FAQs whose own standard question
 * goes to another FAQ (shadowed: they can never win). Warnings, for `kefu validate`.
 *
 * Near-duplicates come from an index over the questions' features, not from comparing all
 * pairs: with unit-length vectors, two questions whose cosine reaches t share a feature in
 * each one's "prefix" (its rarest features, up to where the rest of the vector has norm
 * < t: the rest alone cannot reach t). Only prefixes are indexed and a question is compared
 * only with the other FAQs' questions it meets there, so the work grows with the KB and
 * with the near-duplicates found, not with the number of pairs (one FAQ with 100,000
 * similar questions compares none of them with each other).
 */
import type { KefuProblem } from '../errors.js';
import type { KefuFaq } from './schema.js';

/** What lint reads of a built index: unit-length TF-IDF vectors, features ascending. */
export interface LintIndex {
  kb: { faqs: readonly KefuFaq[] };
  index: {
    sentences: readonly { entry: number; text: string; feats: ArrayLike<number>; weights: ArrayLike<number> }[];
    /** Each FAQ's questions (sentence numbers), its standard question first. */
    entries: readonly { sentences: readonly number[] }[];
  };
}

export interface LintMatch {
  id: string | null;
  type: string;
  confidence: number;
}

export function lintEngine(engine: LintIndex, match: (text: string) => LintMatch, nearDuplicate = 0.9): KefuProblem[] {
  const { index, kb } = engine;
  const problems: KefuProblem[] = [];
  const where = (faq: KefuFaq, field: string) => ({ file: faq.source?.file, line: faq.source?.fields?.[field] ?? faq.source?.line, faqId: faq.id, path: field });
  const field = fieldNames(index.entries, index.sentences.length);
  for (const [i, j, sim] of nearDuplicatePairs(index.sentences, nearDuplicate)) {
    const s = index.sentences[i];
    const b = kb.faqs[index.sentences[j].entry];
    problems.push({
      severity: 'warning',
      code: 'near-duplicate',
      message: `${JSON.stringify(s.text)} and ${JSON.stringify(index.sentences[j].text)} of FAQ "${b.id}" are nearly the same question (similarity ${sim.toFixed(2)}): customers may get either answer`,
      ...where(kb.faqs[s.entry], field[i]),
    });
  }
  kb.faqs.forEach((faq) => {
    const m = match(faq.question);
    if (m.id !== null && m.id !== faq.id && m.type === 'answer') {
      problems.push({ severity: 'warning', code: 'shadowed', message: `its own question is answered by FAQ "${m.id}" (confidence ${m.confidence.toFixed(2)}): this FAQ can hardly ever win; merge them or make the questions distinct`, ...where(faq, 'question') });
    }
  });
  return problems;
}

/**
 * Every pair of questions of different FAQs with cosine ≥ `threshold`, as [i, j, cosine]
 * with i < j, ordered by i then j.
 */
export function nearDuplicatePairs(sentences: LintIndex['index']['sentences'], threshold: number): [number, number, number][] {
  // Rarest features first: they make the shortest prefixes and the shortest postings.
  let features = 0;
  for (const s of sentences) for (let k = 0; k < s.feats.length; k++) features = Math.max(features, s.feats[k] + 1);
  const df = new Int32Array(features);
  for (const s of sentences) for (let k = 0; k < s.feats.length; k++) df[s.feats[k]]++;
  // (df, feature) ascending by insertion: a question has tens of features, and a comparator
  // sort per question was most of lint's time at 100,000 questions.
  const rarestFirst = (s: (typeof sentences)[number]) => {
    const order: number[] = [];
    for (let k = 0; k < s.feats.length; k++) {
      const f = s.feats[k];
      let i = order.length;
      while (i > 0 && (df[s.feats[order[i - 1]]] > df[f] || (df[s.feats[order[i - 1]]] === df[f] && s.feats[order[i - 1]] > f))) {
        order[i] = order[i - 1];
        i--;
      }
      order[i] = k;
    }
    return order;
  };
  // feature → FAQ → questions of that FAQ having the feature in their prefix.
  const postings = new Map<number, Map<number, number[]>>();
  const t2 = threshold * threshold;
  sentences.forEach((s, j) => {
    const order = rarestFirst(s);
    let rest = 0;
    for (let k = 0; k < s.feats.length; k++) rest += s.weights[k] * s.weights[k];
    for (const k of order) {
      if (rest < t2) break; // what is left of the vector cannot reach the threshold on its own
      rest -= s.weights[k] * s.weights[k];
      let byEntry = postings.get(s.feats[k]);
      if (!byEntry) postings.set(s.feats[k], (byEntry = new Map()));
      const list = byEntry.get(s.entry);
      if (list) list.push(j);
      else byEntry.set(s.entry, [j]);
    }
  });
  const pairs: [number, number, number][] = [];
  const seenBy = new Int32Array(sentences.length).fill(-1);
  const weightOf = new Map<number, number>();
  sentences.forEach((s, i) => {
    const candidates: number[] = [];
    for (let k = 0; k < s.feats.length; k++) {
      const byEntry = postings.get(s.feats[k]);
      if (!byEntry) continue;
      for (const [entry, list] of byEntry) {
        if (entry === s.entry) continue; // questions of one FAQ may be as alike as they like
        for (const j of list) {
          if (j <= i || seenBy[j] === i) continue;
          seenBy[j] = i;
          candidates.push(j);
        }
      }
    }
    if (candidates.length === 0) return;
    weightOf.clear();
    for (let k = 0; k < s.feats.length; k++) weightOf.set(s.feats[k], s.weights[k]);
    candidates.sort((a, b) => a - b);
    for (const j of candidates) {
      const o = sentences[j];
      let dot = 0;
      for (let k = 0; k < o.feats.length; k++) dot += (weightOf.get(o.feats[k]) ?? 0) * o.weights[k];
      if (dot >= threshold) pairs.push([i, j, dot]);
    }
  });
  return pairs;
}

/** `question` or `similar[k]` for every sentence number. */
function fieldNames(entries: LintIndex['index']['entries'], n: number): string[] {
  const names = new Array<string>(n);
  for (const e of entries) e.sentences.forEach((s, k) => (names[s] = k === 0 ? 'question' : `similar[${k - 1}]`));
  return names;
}
