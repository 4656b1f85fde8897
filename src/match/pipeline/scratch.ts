/**
 * Per-question scratch buffers, one set per engine (matching is synchronous): allocating them
 * per question cost more than the work. Each is zero (or empty) between questions.
 */
import { QueryTable } from '../index/vectors.js';
import type { SearchIndex } from '../index/postings.js';

export interface Scratch {
  /** Accumulated dot product by question id. */
  acc: Float64Array;
  /** The questions a query's postings touched. */
  touched: Int32Array;
  /** Query weights of the features retrieval skipped. */
  skip: QueryTable;
  /** Bitmap of the df levels (index/flat.ts dfLevel) of the features retrieval skipped. */
  levels: Uint32Array;
  /** For selections and numeric sorts. */
  select: Float64Array;
  /** The current question's weights by feature id. */
  table: QueryTable;
}

const byIndex = new WeakMap<SearchIndex, Scratch>();

/** The index's scratch, grown to its current size (hot updates add questions and features). */
export function scratchFor(index: SearchIndex): Scratch {
  let s = byIndex.get(index);
  if (!s) byIndex.set(index, (s = { acc: new Float64Array(), touched: new Int32Array(), skip: new QueryTable(8), levels: new Uint32Array(8), select: new Float64Array(1024), table: new QueryTable() }));
  const n = index.sentences.length;
  if (s.acc.length < n) s.acc = new Float64Array(n);
  if (s.touched.length < n) s.touched = new Int32Array(n);
  return s;
}
