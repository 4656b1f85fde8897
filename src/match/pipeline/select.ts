/** Selecting the best few of many scores without sorting them all. */
import type { Scratch } from './scratch.js';

/**
 * The k ids of highest score (ties: the smaller id), best first when `sorted`. A selection
 * on a copy of the scores finds the k-th value, then one pass collects: about 2n steps
 * where a heap makes n·log k comparisons through a closure.
 */
export function topByScore(ids: ArrayLike<number>, score: Float64Array, k: number, scratch: Pick<Scratch, 'select'>, sorted = true): number[] {
  let out: number[];
  const n = ids.length;
  if (n <= k) out = Array.from(ids);
  else {
    // Scores read once (ids point all over a large array), then a copy to select on: the
    // collecting pass reads them in order instead of chasing the ids a second time.
    if (scratch.select.length < 2 * n) scratch.select = new Float64Array(n * 4);
    const vals = scratch.select;
    const work = vals.subarray(n, 2 * n);
    for (let i = 0; i < n; i++) vals[i] = score[ids[i]];
    work.set(vals.subarray(0, n));
    const kth = selectDescending(work, n, k - 1);
    out = [];
    let ties: number[] | undefined;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      const v = vals[i];
      if (v > kth) out.push(id);
      else if (v === kth) (ties ??= []).push(id);
    }
    if (ties) {
      ties.sort((a, b) => a - b);
      for (let i = 0; out.length < k; i++) out.push(ties[i]);
    }
  }
  return sorted ? out.sort((a, b) => score[b] - score[a] || a - b) : out;
}

/** The value that would sit at index i if a[0..n) were sorted in descending order (reorders it). */
export function selectDescending(a: Float64Array, n: number, i: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let l = lo;
    let r = hi;
    while (l <= r) {
      while (a[l] > pivot) l++;
      while (a[r] < pivot) r--;
      if (l <= r) {
        const t = a[l];
        a[l++] = a[r];
        a[r--] = t;
      }
    }
    if (i <= r) hi = r;
    else if (i >= l) lo = l;
    else return a[i];
  }
  return a[i];
}
