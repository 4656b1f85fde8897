/**
 * The principal components of a large KB's FAQ vectors (semantic.ts scans a question over
 * them to shortlist FAQs), and how a fit is kept: with the vector cache (a warm build) and in
 * a saved index, restored only for the very vectors it was fitted on (a fingerprint of them,
 * and a sample of the projections recomputed and compared exactly), so a restored index
 * answers as a refitted one. Browser-safe.
 */

/** A fit: `dims` principal directions (rows of `basis`) and every FAQ's projection on them. */
export interface PcaFit {
  /** Of the vectors fitted on (see `fingerprint`). */
  fingerprint: string;
  dims: number;
  basis: Float32Array;
  proj: Float32Array;
}

/** Where fits are kept between builds (the vector cache): by fingerprint. */
export interface PcaStore {
  getPca(fingerprint: string): PcaFit | undefined;
  setPca(fit: PcaFit): void;
}

/** Bump when the fit below changes: fits kept by an older kefu are then refitted. */
const FIT_VERSION = 1;
/** FAQ vectors sampled for the covariance. */
const SAMPLE = 2000;
const ITERATIONS = 12;
/** Projections recomputed to check a kept fit. */
const CHECKED_ROWS = 64;

/**
 * Fingerprint of int8 vectors and their scales: two 32-bit multiplicative hashes over the
 * bytes, plus the shape and the fit's version (a fast check, not a cryptographic one).
 */
export function fingerprint(q8: Int8Array, scales: readonly number[], dim: number, dims: number): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  const words = q8.byteOffset % 4 === 0 ? new Int32Array(q8.buffer, q8.byteOffset, q8.length >> 2) : Int32Array.from({ length: q8.length >> 2 }, (_, i) => q8[4 * i]! & 0xff | (q8[4 * i + 1]! & 0xff) << 8 | (q8[4 * i + 2]! & 0xff) << 16 | q8[4 * i + 3]! << 24);
  const mix = (w: number) => {
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 + w, 0x85ebca6b) ^ (h2 >>> 13);
  };
  for (let i = 0; i < words.length; i++) mix(words[i]!);
  for (let i = words.length * 4; i < q8.length; i++) mix(q8[i]!);
  const s = new Int32Array(Float64Array.from(scales).buffer);
  for (let i = 0; i < s.length; i++) mix(s[i]!);
  const hex = (h: number) => (h >>> 0).toString(16).padStart(8, '0');
  return `v${FIT_VERSION}-${scales.length}x${dim}-${dims}-${hex(h1)}${hex(h2)}`;
}

/** Principal components by subspace iteration on a sample's covariance. */
export function fitPca(q8: Int8Array, scales: readonly number[], dim: number, dims: number, print: string): PcaFit {
  const n = scales.length;
  // Covariance of a sample of ~2,000 FAQ vectors: the sample matrix by columns, so that each
  // entry is one dot product of two contiguous rows.
  const step = Math.max(1, Math.floor(n / SAMPLE));
  const m = Math.ceil(n / step);
  const cols = new Float64Array(dim * m);
  for (let e = 0, c = 0; e < n; e += step, c++) {
    const k = scales[e]!;
    for (let d = 0; d < dim; d++) cols[d * m + c] = q8[e * dim + d]! * k;
  }
  const cov = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) cov[i * dim + j] = cov[j * dim + i] = dot64(cols, i * m, cols.subarray(j * m), m);
  }
  let basis = new Float64Array(dims * dim);
  let seed = 1;
  for (let i = 0; i < basis.length; i++) basis[i] = ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  orthonormalize(basis, dims, dim);
  for (let it = 0; it < ITERATIONS; it++) {
    const next = new Float64Array(dims * dim);
    for (let r = 0; r < dims; r++) {
      const row = basis.subarray(r * dim, (r + 1) * dim);
      for (let i = 0; i < dim; i++) next[r * dim + i] = dot64(cov, i * dim, row, dim);
    }
    orthonormalize(next, dims, dim);
    basis = next;
  }
  const b32 = Float32Array.from(basis);
  const proj = new Float32Array(n * dims);
  const row = new Float32Array(dim);
  for (let e = 0; e < n; e++) projectRow(q8, scales, dim, b32, dims, e, row, proj, e * dims);
  return { fingerprint: print, dims, basis: b32, proj };
}

/**
 * A kept fit when it is of these vectors: same fingerprint and shape, and a sample of its
 * projections recomputed equal (a damaged or mismatched fit is refitted, never used).
 */
export function checkedFit(fit: PcaFit | undefined, q8: Int8Array, scales: readonly number[], dim: number, print: string): PcaFit | undefined {
  const n = scales.length;
  if (!fit || fit.fingerprint !== print || fit.basis.length !== fit.dims * dim || fit.proj.length !== n * fit.dims) return undefined;
  const row = new Float32Array(dim);
  const out = new Float32Array(fit.dims);
  const step = Math.max(1, Math.floor(n / CHECKED_ROWS));
  for (let e = 0; e < n; e += step) {
    projectRow(q8, scales, dim, fit.basis, fit.dims, e, row, out, 0);
    for (let r = 0; r < fit.dims; r++) if (out[r] !== fit.proj[e * fit.dims + r]) return undefined;
  }
  return fit;
}

/** FAQ `e`'s projection on the basis, into `out` at `at` (`row`: scratch of `dim`). */
function projectRow(q8: Int8Array, scales: readonly number[], dim: number, basis: Float32Array, dims: number, e: number, row: Float32Array, out: Float32Array, at: number): void {
  const k = scales[e]!;
  row.set(q8.subarray(e * dim, (e + 1) * dim));
  for (let r = 0; r < dims; r++) out[at + r] = dot(basis, r * dim, row, dim) * k;
}

/** Modified Gram-Schmidt over the rows. */
function orthonormalize(m: Float64Array, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < r; p++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += m[r * dim + d]! * m[p * dim + d]!;
      for (let d = 0; d < dim; d++) m[r * dim + d]! -= dot * m[p * dim + d]!;
    }
    let n2 = 0;
    for (let d = 0; d < dim; d++) n2 += m[r * dim + d]! ** 2;
    const n = Math.sqrt(n2) || 1;
    for (let d = 0; d < dim; d++) m[r * dim + d]! /= n;
  }
}

/**
 * Dot product of `a[o..o+len)` and `b[0..len)`, four sums at once (the scans' inner loop).
 * Two copies, one per array type, so that each stays monomorphic (the float32 scan of a
 * question runs ~1.5× slower through one shared by both types).
 */
export function dot(a: Float32Array, o: number, b: Float32Array, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < len; j += 4) {
    s0 += a[o + j]! * b[j]!;
    s1 += a[o + j + 1]! * b[j + 1]!;
    s2 += a[o + j + 2]! * b[j + 2]!;
    s3 += a[o + j + 3]! * b[j + 3]!;
  }
  for (; j < len; j++) s0 += a[o + j]! * b[j]!;
  return s0 + s1 + s2 + s3;
}

function dot64(a: Float64Array, o: number, b: Float64Array, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < len; j += 4) {
    s0 += a[o + j]! * b[j]!;
    s1 += a[o + j + 1]! * b[j + 1]!;
    s2 += a[o + j + 2]! * b[j + 2]!;
    s3 += a[o + j + 3]! * b[j + 3]!;
  }
  for (; j < len; j++) s0 += a[o + j]! * b[j]!;
  return s0 + s1 + s2 + s3;
}
