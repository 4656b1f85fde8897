/**
 * Static files (the widget, its vendor bundle and index, the agent console): read once,
 * compressed once (brotli and gzip), answered with an ETag so a revisit costs a 304.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { SECURITY_HEADERS } from './http.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface Cached {
  mtimeMs: number;
  etag: string;
  type: string;
  raw: Uint8Array;
  gzip?: Uint8Array;
  br?: Uint8Array;
}

/** Bytes made in memory (not read from a file), served like a static file: ETag, br/gzip once. */
export function memoryFile(raw: Uint8Array, type: string): Cached {
  return { mtimeMs: 0, raw, type, etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"` };
}

/** A file's response: 304 on a matching ETag, else brotli or gzip (made once) when accepted. */
export function respond(req: Request, entry: Cached, headers: Record<string, string> = {}): Response {
  const common: Record<string, string> = { ...SECURITY_HEADERS, 'content-type': entry.type, etag: entry.etag, 'cache-control': 'no-cache', vary: 'accept-encoding', ...headers };
  if (req.headers.get('if-none-match') === entry.etag) return new Response(null, { status: 304, headers: common });
  const accept = req.headers.get('accept-encoding') ?? '';
  let body = entry.raw;
  if (entry.raw.byteLength > 1024 && /\bbr\b/.test(accept)) {
    body = entry.br ??= brotliCompressSync(entry.raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } });
    common['content-encoding'] = 'br';
  } else if (entry.raw.byteLength > 1024 && /\bgzip\b/.test(accept)) {
    body = entry.gzip ??= gzipSync(entry.raw, { level: 9 });
    common['content-encoding'] = 'gzip';
  }
  return new Response(req.method === 'HEAD' ? null : (body as BodyInit), { status: 200, headers: { ...common, 'content-length': String(body.byteLength) } });
}

export class StaticFiles {
  private readonly cache = new Map<string, Cached>();

  constructor(private readonly root: string) {}

  /** The file at `path` (already URL-decoded) under the root, or undefined (not found, or outside the root). */
  async response(req: Request, path: string, headers: Record<string, string> = {}): Promise<Response | undefined> {
    const file = normalize(join(this.root, path));
    if (!file.startsWith(this.root + sep) || path.includes('\0')) return undefined;
    const entry = await this.load(file);
    return entry && respond(req, entry, headers);
  }

  private async load(file: string): Promise<Cached | undefined> {
    let st;
    try {
      st = await stat(file);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit;
    const entry: Cached = { ...memoryFile(new Uint8Array(await readFile(file)), TYPES[extname(file)] ?? 'application/octet-stream'), mtimeMs: st.mtimeMs };
    this.cache.set(file, entry);
    return entry;
  }
}
