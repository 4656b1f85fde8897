/**
 * The search index of one engine: every question's vector, the inverted index over them
 * (built postings plus the delta postings of questions added since the build), and the
 * per-question tables retrieval and the scorers read.
 */
import type { Exclude } from '../types.js';
import type { IndexedEntry, IndexedSentence, Postings, QueryTable } from './vectors.js';

export interface Flat {
  /** Every question's vector in one block (struct of arrays), for the per-question hot loop. */
  feats: Int32Array;
  weights: Float32Array;
  offset: Int32Array;
  entry: Int32Array;
}

export interface SearchIndex {
  sentences: IndexedSentence[];
  entries: IndexedEntry[];
  postings: Postings;
  /** Postings of questions added to the running index since the last build (see append.ts). */
  extra: Map<number, { docs: number[]; weights: number[] }>;
  flat: Flat;
  /** Each question's features most common first, with their df as a level (flat.ts dfLevel); undefined after a hot update. */
  commonFirst?: { feats: Int32Array; weights: Float32Array; dfs: Uint8Array };
  /** Normalized, space-free text of each question, for fuse.js. */
  compacts: string[];
  /** Share of each question's squared norm in pinyin features, to score pinyin-only input by pinyin alone. */
  pinyinNorm: Float64Array;
}

export function emptyIndex(): SearchIndex {
  return {
    sentences: [],
    entries: [],
    postings: { start: new Int32Array(1), docs: new Int32Array(), weights: new Float32Array() },
    extra: new Map(),
    flat: { feats: new Int32Array(), weights: new Float32Array(), offset: new Int32Array(1), entry: new Int32Array() },
    compacts: [],
    pinyinNorm: new Float64Array(),
  };
}

/** Document frequency: how many questions contain feature f. */
export function df(index: SearchIndex, f: number): number {
  const { start } = index.postings;
  const csr = f + 1 < start.length ? start[f + 1] - start[f] : 0;
  return index.extra.size === 0 ? csr : csr + (index.extra.get(f)?.docs.length ?? 0);
}

/** Is feature f only known through the held-out question(s)? Then, for an honest fit, it is unknown. */
export function onlyInExcluded(index: SearchIndex, f: number, exclude: Exclude): boolean {
  const { start, docs } = index.postings;
  if (f + 1 >= start.length || index.extra.has(f)) return false; // only built features are held out
  const n = df(index, f);
  if (exclude.sentence !== undefined) return n === 1 && docs[start[f]] === exclude.sentence;
  if (exclude.entry === undefined || n > index.entries[exclude.entry].sentences.length) return false;
  return ownerOf(index)[f] === exclude.entry;
}

const owners = new WeakMap<Postings, Int32Array>();

/**
 * The one FAQ all of a feature's built postings belong to (-1 when several), once per
 * postings block: calibration asks it of every feature of ~1,000 left-out questions, and
 * walking the postings each time was quadratic in an FAQ with 100,000 similar questions.
 */
function ownerOf(index: SearchIndex): Int32Array {
  const { start, docs } = index.postings;
  let owner = owners.get(index.postings);
  if (owner) return owner;
  owner = new Int32Array(start.length - 1);
  for (let f = 0; f < owner.length; f++) {
    const e = start[f] < start[f + 1] ? index.sentences[docs[start[f]]].entry : -1;
    let k = start[f] + 1;
    while (k < start[f + 1] && index.sentences[docs[k]].entry === e) k++;
    owner[f] = k < start[f + 1] ? -1 : e;
  }
  owners.set(index.postings, owner);
  return owner;
}

export function isExcluding(exclude: Exclude): boolean {
  return exclude.sentence !== undefined || exclude.entry !== undefined;
}

/** Cosine of question d with the query (loaded in `table`); for pinyin-only input, over the pinyin features alone. */
export function cosine(index: SearchIndex, d: number, table: QueryTable, pinyinOnly: boolean): number {
  const v = index.sentences[d];
  let dot = 0;
  for (let i = 0; i < v.feats.length; i++) dot += table.get(v.feats[i]) * v.weights[i];
  return pinyinOnly ? Math.min(1, dot / index.pinyinNorm[d]) : dot;
}

/** The best cosine among an FAQ's questions (the held-out one left out). */
export function bestSentence(index: SearchIndex, entry: number, table: QueryTable, pinyinOnly: boolean, exclude: Exclude): number {
  let best = 0;
  for (const s of index.entries[entry].sentences) if (s !== exclude.sentence) best = Math.max(best, cosine(index, s, table, pinyinOnly));
  return best;
}
