/**
 * Per-question scratch buffers, one set per engine (matching is synchronous): allocating them
 * per question cost more than the work. Each is zero (or empty) between questions.
 */
import { QueryTable } from '../index/vectors.js';
import type { SearchIndex } from '../index/postings.js';

export interface Scratch {
  /** Accumulated dot product by question id. */
  acc: Float64Array;
  /** The questions a query's postings touched: the first nTouched. */
  touched: Int32Array;
  nTouched: number;
  /** Full dot products of the candidate questions, in retrieval's order. */
  dots: Float64Array;
  /** Best cosine by FAQ while grouping candidates; -1 (none) between questions. */
  entryBest: Float64Array;
  /** Query weights of the features retrieval skipped. */
  skip: QueryTable;
  /** 1 at each df level (index/flat.ts dfLevel) of the features retrieval skipped, else 0 (a byte each: no shift and mask per read). */
  levels: Uint8Array;
  /** For selections and numeric sorts. */
  select: Float64Array;
  /** The current question's weights by feature id. */
  table: QueryTable;
}

const byIndex = new WeakMap<SearchIndex, Scratch>();

/** The index's scratch, grown to its current size (hot updates add questions and features). */
export function scratchFor(index: SearchIndex): Scratch {
  let s = byIndex.get(index);
  if (!s) byIndex.set(index, (s = { acc: new Float64Array(), touched: new Int32Array(), nTouched: 0, dots: new Float64Array(64), entryBest: new Float64Array(), skip: new QueryTable(8), levels: new Uint8Array(256), select: new Float64Array(1024), table: new QueryTable() }));
  const n = index.sentences.length;
  if (s.acc.length < n) s.acc = new Float64Array(n);
  if (s.touched.length < n) s.touched = new Int32Array(n);
  return s;
}
