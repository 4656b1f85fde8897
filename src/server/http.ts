/**
 * Request checks and responses shared by every route: Host (DNS rebinding), Origin (CSRF and
 * cross-site posts), content type, bounded JSON bodies, and errors that carry a status but
 * never a stack trace.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The console: only our own scripts, styles and API; never framed (clickjacking). */
export const CONSOLE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function json(status: number, data: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS, ...headers } });
}

export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) return json(err.status, { error: err.message, ...err.extra });
  const code = (err as { code?: string })?.code;
  if (code === 'unknown-session') return json(404, { error: 'no such conversation (expired?)', code });
  if (code === 'not-with-human' || code === 'unknown-turn') return json(409, { error: (err as Error).message.replace(/^kefu: /, ''), code });
  return json(500, { error: 'internal error' });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Host header → hostname (lower case, no port), or undefined when it is not a plausible host. */
export function hostName(host: string | null): string | undefined {
  if (!host) return undefined;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]{1,253})(?::(\d{1,5}))?$/i.exec(host);
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * Hosts this server answers to. Loopback names always; IP literals (a browser that reached
 * us by IP was not rebound); plus the names configured. Anything else is a DNS-rebinding
 * attempt (a hostile name pointed at us).
 */
export function hostAllowed(host: string | null, allowed: Set<string>): boolean {
  const name = hostName(host);
  if (!name) return false;
  return LOOPBACK.has(name) || allowed.has(name) || /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.startsWith('[');
}

/** `https://shop.example:8443/x` → `https://shop.example:8443`; undefined when not an http(s) origin. */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return u.origin;
  } catch {
    return undefined;
  }
}

export interface JsonBodyOptions {
  maxBodyBytes: number;
  bodyTimeoutMs: number;
}

/** Read a JSON object body: 415 unless application/json, 413 past `maxBytes`, 408 when it trickles in slower than `timeoutMs`. */
export async function readJson(req: Request, { maxBodyBytes: maxBytes, bodyTimeoutMs: timeoutMs }: JsonBodyOptions): Promise<Record<string, unknown>> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'POST bodies must be application/json');
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new HttpError(413, `request body over ${maxBytes} bytes`);
  if (!req.body) throw new HttpError(400, 'empty body; expected a JSON object');
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(408, `request body not received within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new HttpError(413, `request body over ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (err) {
    void reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new HttpError(400, 'body must be a JSON object');
  return data as Record<string, unknown>;
}

/** A field check for `field()`. */
export type Check = (v: unknown) => boolean;

export function field<T>(body: Record<string, unknown>, name: string, ok: Check, what: string): T {
  if (!ok(body[name])) throw new HttpError(400, `"${name}" must be ${what}`);
  return body[name] as T;
}

export const isText = (max: number): Check => (v) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
export const isId: Check = (v) => typeof v === 'string' && /^[\w.:-]{1,100}$/.test(v);
