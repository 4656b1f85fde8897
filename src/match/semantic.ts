/**
 * The semantic side of the index: one unit vector per FAQ, the mean of its questions'
 * sentence embeddings (measured on zh-bq-dev: mean top-1 0.379, best single question 0.335,
 * both averaged 0.373; en-clinc-dev 0.681 / 0.664 / 0.710 — the mean is kept, being also the
 * cheapest: one vector per FAQ). Stored as int8 with a scale per vector (top-1 within 0.001
 * of float32 on every eval set, a quarter of the memory). Browser-safe: vectors come in,
 * no model is loaded here.
 *
 * Large KBs: scanning every FAQ vector costs ~2 ns a dimension (10k FAQs × 512: ~11 ms CPU),
 * so above SCAN_BUDGET the scan runs over the first principal components and only a
 * shortlist is scored exactly.
 */
import { base64ToBytes, base64ToFloats, bytesToBase64, floatsToBase64 } from './base64.js';
import { checkedFit, dot, fingerprint, fitPca, type PcaFit, type PcaStore } from './pca.js';

const SCAN_BUDGET = 600_000;
const SHORTLIST = 64;
const MIN_PCA_DIMS = 32;

export interface SemanticIndexData {
  model: string;
  dim: number;
  /** Per FAQ: int8 components (base64), their scale, the norm of the unnormalized sum, sentence count. */
  vectors: string;
  scales: number[];
  sumNorms: number[];
  counts: number[];
  /** Large KBs: the principal components fitted on these vectors (restored, not refitted). */
  pca?: { fingerprint: string; dims: number; basis: string; proj: string };
}

export class SemanticIndex {
  readonly model: string;
  readonly dim: number;
  private q8: Int8Array;
  private scales: number[];
  private sumNorms: number[];
  private counts: number[];
  /** Principal directions (rows) and each FAQ's projection on them, for large KBs. */
  private pca?: { dims: number; basis: Float32Array; proj: Float32Array; upTo: number; fingerprint: string };
  /** The last `nearest` asked and its answer (cleared by a hot update). */
  private last?: { q: Float32Array; k: number; skip: number; result: number[] };
  private exact = new Float64Array(0);

  private constructor(model: string, dim: number, q8: Int8Array, scales: number[], sumNorms: number[], counts: number[]) {
    this.model = model;
    this.dim = dim;
    this.q8 = q8;
    this.scales = scales;
    this.sumNorms = sumNorms;
    this.counts = counts;
  }

  /**
   * From each FAQ's sentence vectors (unit length), in FAQ order. `store`: where principal
   * components fitted before are kept (the vector cache), and this build's are put.
   */
  static build(model: string, dim: number, perEntry: readonly (readonly Float32Array[])[], store?: PcaStore): SemanticIndex {
    const index = new SemanticIndex(model, dim, new Int8Array(perEntry.length * dim), [], [], []);
    perEntry.forEach((vs, e) => index.setEntry(e, sumOf(vs, dim), vs.length));
    index.preparePca(undefined, store);
    return index;
  }

  static fromJSON(data: SemanticIndexData): SemanticIndex {
    const bytes = base64ToBytes(data.vectors, "the index's semantic vectors");
    const q8 = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (q8.length !== data.scales.length * data.dim) throw new Error(`kefu: the index's semantic vectors are corrupt (${q8.length} components for ${data.scales.length} FAQs of ${data.dim})`);
    const index = new SemanticIndex(data.model, data.dim, q8, [...data.scales], [...data.sumNorms], [...data.counts]);
    index.preparePca(keptFit(data.pca));
    return index;
  }

  toJSON(): SemanticIndexData {
    const bytes = new Uint8Array(this.q8.buffer, this.q8.byteOffset, this.size * this.dim);
    const p = this.pca?.upTo === this.size ? this.pca : undefined;
    const pca = p && { fingerprint: p.fingerprint, dims: p.dims, basis: floatsToBase64(p.basis), proj: floatsToBase64(p.proj) };
    return { model: this.model, dim: this.dim, vectors: bytesToBase64(bytes), scales: this.scales, sumNorms: this.sumNorms, counts: this.counts, ...(pca && { pca }) };
  }

  get size(): number {
    return this.scales.length;
  }

  /** Cosine of a unit query vector with FAQ `e`'s mean vector. */
  score(q: Float32Array, e: number): number {
    const o = e * this.dim;
    const a = this.q8;
    const dim = this.dim;
    // four sums at once, as dot() in pca.ts (KBs under SCAN_BUDGET are scanned exactly with this)
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let d = 0;
    for (; d + 3 < dim; d += 4) {
      s0 += q[d]! * a[o + d]!;
      s1 += q[d + 1]! * a[o + d + 1]!;
      s2 += q[d + 2]! * a[o + d + 2]!;
      s3 += q[d + 3]! * a[o + d + 3]!;
    }
    for (; d < dim; d++) s0 += q[d]! * a[o + d]!;
    return (s0 + s1 + s2 + s3) * this.scales[e]!;
  }

  /**
   * The same, with one of the FAQ's own questions (vector `held`) left out of its mean, or the
   * FAQ's whole vector left out (`held` undefined): the calibration's leave-one-out.
   */
  scoreWithout(q: Float32Array, e: number, held: Float32Array | undefined): number {
    if (!held || this.counts[e]! <= 1) return held ? 0 : this.score(q, e);
    // sum = mean·|sum|; without `held`: (sum − held) / |sum − held|
    const o = e * this.dim;
    const k = this.scales[e]! * this.sumNorms[e]!;
    let dot = 0;
    let norm = 0;
    for (let d = 0; d < this.dim; d++) {
      const v = this.q8[o + d]! * k - held[d]!;
      dot += q[d]! * v;
      norm += v * v;
    }
    return norm > 0 ? dot / Math.sqrt(norm) : 0;
  }

  /** The `k` FAQs nearest to the query (exactly, or by a principal-component shortlist on large KBs). */
  nearest(q: Float32Array, k: number, skip = -1): number[] {
    // The re-read of a question (homophones, pinyin) ranks it again with the same vector.
    const last = this.last;
    if (last && last.q === q && last.k === k && last.skip === skip) return last.result.slice();
    const n = this.size;
    const pca = this.pca;
    let pool: Int32Array | number[];
    if (pca && pca.upTo === n) {
      const { dims, basis, proj } = pca;
      const qp = new Float32Array(dims);
      for (let j = 0; j < dims; j++) qp[j] = dot(basis, j * this.dim, q, this.dim);
      const approx = new Float32Array(n);
      for (let e = 0; e < n; e++) approx[e] = dot(proj, e * dims, qp, dims);
      pool = topK(approx, Math.max(SHORTLIST, k), skip);
    } else pool = Array.from({ length: n }, (_, e) => e);
    // Exact cosines of the pool, by FAQ (only the pool's places are read).
    const exact = this.exact.length >= n ? this.exact : (this.exact = new Float64Array(n));
    for (const e of pool) exact[e] = this.score(q, e);
    const result = Array.from(topK(exact, k, skip, pool));
    this.last = { q, k, skip, result };
    return result.slice();
  }

  /** Hot update: questions added to FAQ `e` (a new FAQ when `e` is the next index). */
  addSentences(e: number, vectors: readonly Float32Array[]): void {
    if (!vectors.length) return;
    this.last = undefined;
    const sum = e < this.size ? this.sumOfEntry(e) : new Float32Array(this.dim);
    for (const v of vectors) for (let d = 0; d < this.dim; d++) sum[d]! += v[d]!;
    if (e >= this.size) {
      const grown = new Int8Array((e + 1) * this.dim);
      grown.set(this.q8);
      this.q8 = grown;
    }
    this.setEntry(e, sum, (this.counts[e] ?? 0) + vectors.length);
    // The principal-component shortlist no longer covers every FAQ: exact scans until the next build.
    if (this.pca && this.pca.upTo !== this.size) this.pca = undefined;
  }

  private sumOfEntry(e: number): Float32Array {
    const out = new Float32Array(this.dim);
    const k = this.scales[e]! * this.sumNorms[e]!;
    for (let d = 0; d < this.dim; d++) out[d] = this.q8[e * this.dim + d]! * k;
    return out;
  }

  private setEntry(e: number, sum: Float32Array, count: number): void {
    const dim = this.dim;
    const q8 = this.q8;
    const o = e * dim;
    let n2 = 0;
    let maxAbs = 0;
    for (let d = 0; d < dim; d++) {
      const x = sum[d]!;
      n2 += x * x;
      const a = x < 0 ? -x : x;
      if (a > maxAbs) maxAbs = a;
    }
    const norm = Math.sqrt(n2) || 1;
    // largest |component| / norm: dividing by a positive number keeps the order, so this is
    // exactly the largest of the quotients (one division instead of one a component)
    const scale = maxAbs / norm / 127 || 1;
    for (let d = 0; d < dim; d++) q8[o + d] = Math.round(sum[d]! / norm / scale);
    this.scales[e] = scale;
    this.sumNorms[e] = n2 > 0 ? norm : 0;
    this.counts[e] = count;
  }

  /** Principal components of large KBs: kept from an earlier fit of the same vectors, else fitted (and kept). */
  private preparePca(kept?: PcaFit, store?: PcaStore): void {
    const n = this.size;
    if (n * this.dim <= SCAN_BUDGET) return;
    const dims = Math.max(MIN_PCA_DIMS, Math.min(this.dim, Math.floor(SCAN_BUDGET / n)));
    const print = fingerprint(this.q8.subarray(0, n * this.dim), this.scales, this.dim, dims);
    let fit = checkedFit(kept, this.q8, this.scales, this.dim, print) ?? checkedFit(store?.getPca(print), this.q8, this.scales, this.dim, print);
    if (!fit) {
      fit = fitPca(this.q8, this.scales, this.dim, dims, print);
      store?.setPca(fit);
    }
    this.pca = { dims, basis: fit.basis, proj: fit.proj, upTo: n, fingerprint: print };
  }
}

/** The principal components saved with an index, decoded (a damaged field: none, they are refitted). */
function keptFit(p: SemanticIndexData['pca']): PcaFit | undefined {
  try {
    return p && { fingerprint: p.fingerprint, dims: p.dims, basis: base64ToFloats(p.basis), proj: base64ToFloats(p.proj) };
  } catch {
    return undefined;
  }
}

/** The sum of an FAQ's vectors (its only vector itself: setEntry does not write to it). */
function sumOf(vs: readonly Float32Array[], dim: number): Float32Array {
  if (vs.length === 1 && vs[0]!.length === dim) return vs[0]!;
  const out = new Float32Array(dim);
  for (const v of vs) for (let d = 0; d < dim; d++) out[d]! += v[d]!;
  return out;
}

/**
 * The `k` highest scores' indices (of those `among`, default all), best first (ties: the lower
 * index), `skip` left out: a min-heap of the best so far, so each score costs one comparison.
 */
function topK(scores: Float32Array | Float64Array, k: number, skip: number, among?: ArrayLike<number>): Int32Array {
  const heap = new Int32Array(k);
  let size = 0;
  // a ranks below b
  const below = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) return;
      const c = l + 1 < size && below(heap[l + 1]!, heap[l]!) ? l + 1 : l;
      if (!below(heap[c]!, heap[i]!)) return;
      [heap[c], heap[i]] = [heap[i]!, heap[c]!];
      i = c;
    }
  };
  const n = among ? among.length : scores.length;
  for (let i = 0; i < n; i++) {
    const e = among ? among[i]! : i;
    if (e === skip) continue;
    if (size < k) {
      let i = size++;
      heap[i] = e;
      while (i > 0 && below(heap[i]!, heap[(i - 1) >> 1]!)) {
        const p = (i - 1) >> 1;
        [heap[p], heap[i]] = [heap[i]!, heap[p]!];
        i = p;
      }
    } else if (below(heap[0]!, e)) {
      heap[0] = e;
      siftDown(0);
    }
  }
  return heap.subarray(0, size).sort((a, b) => scores[b]! - scores[a]! || a - b);
}
