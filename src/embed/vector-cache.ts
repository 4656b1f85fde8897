/**
 * An explicit vector cache, for `kefu build --vector-cache FILE` and dev loops: the vectors
 * of texts already embedded are reused by text hash, so a rebuild embeds only new texts.
 * Nothing is written unless asked (`save()`). The file is a JSON header line, then the
 * vectors as raw float32, tied to the model that made them (another model: cache ignored).
 * The header also keeps the principal components of the last large KBs built through the
 * cache (src/match/pca.ts), so a warm build restores them instead of fitting them again.
 */
import * as crypto from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../node/write-atomic.js';
import { withBuildStore, wrapEmbedder, type Embedder } from './embedder.js';
import type { PcaFit, PcaStore } from '../match/pca.js';

const FORMAT = 'kefu-vector-cache';
/** Principal-component fits kept (the most recently used first): one per KB built through the cache. */
const KEPT_FITS = 3;

/** A fit as the file has it (base64), or decoded once asked for (then shared with the index). */
interface KeptFit {
  fingerprint: string;
  dims: number;
  basis: string | Float32Array;
  proj: string | Float32Array;
}

/** `crypto.hash` (Node ≥ 20.12): a third of createHash's CPU a text (~4 µs against ~10 at 10k texts). */
const oneShot = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** Hash of a text as vectors are keyed: 16 hex digits of sha256. */
export function textKey(text: string): string {
  return (oneShot ? oneShot('sha256', text) : crypto.createHash('sha256').update(text).digest('hex')).slice(0, 16);
}

export class VectorCache implements PcaStore {
  private readonly vectors = new Map<string, Float32Array>();
  private fits: KeptFit[] = [];
  private dirty = false;
  /** Texts looked up and found / embedded since this cache was opened. */
  hits = 0;
  misses = 0;

  constructor(readonly model: string, readonly dim: number, readonly file?: string) {}

  /** Open `file` for `model` (a missing file, or one from another model, starts empty). */
  static open(file: string, model: string, dim: number): VectorCache {
    const cache = new VectorCache(model, dim, file);
    if (!existsSync(file)) return cache;
    const buf = readFileSync(file);
    const nl = buf.indexOf(10);
    let header: { format?: string; model?: string; dim?: number; keys?: string[]; pca?: KeptFit[] };
    try {
      header = JSON.parse(buf.subarray(0, nl).toString('utf8'));
    } catch {
      throw new Error(`kefu: ${file} is not a vector cache (its first line is not JSON); delete it or pass another file`);
    }
    if (header.format !== FORMAT || !Array.isArray(header.keys)) throw new Error(`kefu: ${file} is not a vector cache (format ${JSON.stringify(header.format)})`);
    if (header.model !== model || header.dim !== dim) return cache;
    const body = buf.subarray(nl + 1);
    if (body.byteLength !== header.keys.length * dim * 4) throw new Error(`kefu: vector cache ${file} is truncated (${body.byteLength} bytes of vectors, expected ${header.keys.length * dim * 4}); delete it`);
    // a view on the file's bytes when they are aligned for float32 and the header is small
    // (no copy of the vectors; a large header, kept fits, is not kept alive by the view)
    const all = body.byteOffset % 4 === 0 && nl < body.byteLength / 8 ? new Float32Array(body.buffer, body.byteOffset, body.byteLength >> 2) : new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    header.keys.forEach((k, i) => cache.vectors.set(k, all.subarray(i * dim, (i + 1) * dim)));
    if (Array.isArray(header.pca)) cache.fits = header.pca.filter((f) => typeof f?.fingerprint === 'string' && typeof f.basis === 'string' && typeof f.proj === 'string' && Number.isInteger(f.dims));
    return cache;
  }

  get size(): number {
    return this.vectors.size;
  }

  get(text: string): Float32Array | undefined {
    return this.vectors.get(textKey(text));
  }

  set(text: string, v: Float32Array): void {
    this.vectors.set(textKey(text), v);
    this.dirty = true;
  }

  /** A fit kept for these fingerprinted vectors (checked against them by the caller). */
  getPca(fingerprint: string): PcaFit | undefined {
    const i = this.fits.findIndex((f) => f.fingerprint === fingerprint);
    if (i < 0) return undefined;
    const f = this.fits[i]!;
    let fit: PcaFit;
    try {
      fit = { fingerprint, dims: f.dims, basis: floats(f.basis), proj: floats(f.proj) };
    } catch {
      return undefined; // a damaged fit: the build fits again (and keeps the new one)
    }
    this.fits.splice(i, 1);
    this.fits.unshift(fit);
    return fit;
  }

  setPca(fit: PcaFit): void {
    this.fits = [fit, ...this.fits.filter((f) => f.fingerprint !== fit.fingerprint)].slice(0, KEPT_FITS);
    this.dirty = true;
  }

  /** Write the cache to its file (atomically), if anything changed. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const keys = [...this.vectors.keys()];
    const json = JSON.stringify({ format: FORMAT, model: this.model, dim: this.dim, keys, pca: this.fits.map(encodedFit) });
    // padded so that the vectors start 4-byte aligned: read back as a view, without a copy
    const header = Buffer.from(json + ' '.repeat((4 - ((Buffer.byteLength(json) + 1) % 4)) % 4) + '\n');
    const body = new Float32Array(keys.length * this.dim);
    keys.forEach((k, i) => body.set(this.vectors.get(k)!, i * this.dim));
    // KEFU_VECTOR_CACHE or --vector-cache may name a folder not made yet (a fresh CI workspace)
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, Buffer.concat([header, Buffer.from(body.buffer)]));
    this.dirty = false;
  }
}

/** A kept fit's array, decoded from the file's base64 (by Node's Buffer: native, unlike atob). */
function floats(a: string | Float32Array): Float32Array {
  if (typeof a !== 'string') return a;
  const bytes = Buffer.from(a, 'base64');
  if (bytes.byteLength % 4 !== 0) throw new Error('not float32');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function encodedFit(f: KeptFit): KeptFit {
  const text = (a: string | Float32Array) => (typeof a === 'string' ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64'));
  return { fingerprint: f.fingerprint, dims: f.dims, basis: text(f.basis), proj: text(f.proj) };
}

/** An embedder that answers from `cache` and embeds only the texts it misses. */
export function withVectorCache(embedder: Embedder, cache: VectorCache): Embedder {
  const wrapper = wrapEmbedder({
    name: embedder.name,
    dim: embedder.dim,
    async embed(texts: string[]): Promise<Float32Array[]> {
      const out = texts.map((t) => cache.get(t));
      const missing = [...new Set(texts.filter((_, i) => !out[i]))];
      cache.hits += texts.length - texts.filter((_, i) => !out[i]).length;
      cache.misses += missing.length;
      if (missing.length) {
        const vs = await embedder.embed(missing);
        missing.forEach((t, i) => cache.set(t, vs[i]!));
      }
      return texts.map((t, i) => out[i] ?? cache.get(t)!);
    },
  }, embedder);
  return withBuildStore(wrapper, cache);
}
