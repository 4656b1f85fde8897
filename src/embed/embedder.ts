/**
 * The embedder seam: anything that turns texts into unit-length vectors. kefu ships one
 * (bge-small-zh-v1.5 on onnxruntime-node, src/embed/onnx-embedder.ts); tests or hosts may
 * pass their own (a remote service, another model) through the same interface.
 * This file is browser-safe: no Node built-ins.
 *
 * @example
 * const embedder = await loadEmbedder();          // Node: the bundled model
 * const [a, b] = await embedder.embed(['怎么退货', '我想退货']);
 * cosine(a, b); // ≈ 0.9
 */
import type { PcaStore } from '../match/pca.js';

export interface Embedder {
  /** Model and runtime, e.g. `bge-small-zh-v1.5 int8 on onnxruntime-node 1.30.0`. */
  readonly name: string;
  /** Length of every vector. */
  readonly dim: number;
  /** One L2-normalized vector per text, in order; batched internally. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

const bases = new WeakMap<Embedder, Embedder>();

/**
 * Mark `wrapper` as embedding KB texts through a cache around `base` (the vector cache):
 * questions asked then go to `base` (`queryEmbedder`), so the cache keeps the KB's texts, not
 * every question a running bot is asked, and a warm cache does not answer a question's vector.
 */
export function wrapEmbedder<E extends Embedder>(wrapper: E, base: Embedder): E {
  bases.set(wrapper, queryEmbedder(base));
  return wrapper;
}

/** The embedder for questions asked: the one a vector cache wraps, else `embedder` itself. */
export function queryEmbedder(embedder: Embedder): Embedder {
  return bases.get(embedder) ?? embedder;
}

/**
 * What a vector cache keeps beside the vectors, for the build that embeds through it: the
 * principal components of a large KB's FAQ vectors (src/match/pca.ts), by their fingerprint.
 */
export type BuildStore = PcaStore;

const stores = new WeakMap<Embedder, BuildStore>();

/** Mark `embedder` (a vector cache's wrapper) as keeping build results in `store`. */
export function withBuildStore<E extends Embedder>(embedder: E, store: BuildStore): E {
  stores.set(embedder, store);
  return embedder;
}

/** The store kept with `embedder`'s vectors, if any. */
export function buildStoreOf(embedder: Embedder): BuildStore | undefined {
  return stores.get(embedder);
}

/** Called while many texts are embedded: `done` of `total` texts of one `embed` call (0 first). */
export type EmbedProgress = (done: number, total: number) => void;

/** Texts a step of a long embedding run, between two progress reports. */
const PROGRESS_STEP = 64;

/**
 * `embedder` reporting its progress on long runs (a cold build: ~3 ms a text): texts go to it
 * in steps of 64, in order. Questions asked go straight to `embedder` (see `queryEmbedder`).
 */
export function withProgress(embedder: Embedder, onProgress: EmbedProgress): Embedder {
  return wrapEmbedder({
    name: embedder.name,
    dim: embedder.dim,
    async embed(texts: string[]): Promise<Float32Array[]> {
      if (texts.length <= PROGRESS_STEP) return embedder.embed(texts);
      const out: Float32Array[] = [];
      onProgress(0, texts.length);
      for (let i = 0; i < texts.length; i += PROGRESS_STEP) {
        out.push(...(await embedder.embed(texts.slice(i, i + PROGRESS_STEP))));
        onProgress(out.length, texts.length);
      }
      return out;
    },
  }, embedder);
}

/** Dot product, the cosine of two unit vectors. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Scale a vector to unit length in place (a zero vector stays zero). */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i]! /= n;
  return v;
}

/** Unit mean of unit vectors: an FAQ's centroid over its question and paraphrases. */
export function meanVector(vectors: readonly Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) out[i]! += v[i]!;
  return normalize(out);
}
