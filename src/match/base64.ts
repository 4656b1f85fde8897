/**
 * Base64 of the index's binary parts (int8 vectors, principal components) in JSON, with a
 * table instead of `btoa`/`atob`: those go through a string of one character a byte, and took
 * ~2 s CPU to encode the 10k-FAQ vectors of a saved index. Standard alphabet and padding, so
 * indexes written either way read alike. Browser-safe.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const VALUES = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) VALUES[CODES[i]!] = i;
const PAD = 61; // '='
const ascii = new TextDecoder('latin1');

export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const w = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CODES[w >> 18]!;
    out[o++] = CODES[(w >> 12) & 63]!;
    out[o++] = CODES[(w >> 6) & 63]!;
    out[o++] = CODES[w & 63]!;
  }
  if (i < n) {
    const w = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    out[o++] = CODES[w >> 18]!;
    out[o++] = CODES[(w >> 12) & 63]!;
    out[o++] = i + 1 < n ? CODES[(w >> 6) & 63]! : PAD;
    out[o++] = PAD;
  }
  return ascii.decode(out);
}

/** `what` names the field in the error for a string that is not base64. */
export function base64ToBytes(b64: string, what = 'binary data'): Uint8Array {
  let len = b64.length;
  if (len % 4 !== 0) throw new Error(`kefu: ${what} is not base64 (length ${len} is not a multiple of 4)`);
  let pad = 0;
  while (pad < 2 && len > 0 && b64.charCodeAt(len - 1) === PAD) (len--, pad++);
  const out = new Uint8Array(((len + pad) / 4) * 3 - pad);
  let o = 0;
  const value = (i: number) => {
    const c = b64.charCodeAt(i);
    const v = c < 128 ? VALUES[c]! : -1;
    if (v < 0) throw new Error(`kefu: ${what} is not base64 (character ${JSON.stringify(b64[i])} at ${i})`);
    return v;
  };
  let i = 0;
  for (; i + 3 < len; i += 4) {
    const w = (value(i) << 18) | (value(i + 1) << 12) | (value(i + 2) << 6) | value(i + 3);
    out[o++] = w >> 16;
    out[o++] = (w >> 8) & 255;
    out[o++] = w & 255;
  }
  if (i < len) {
    const w = (value(i) << 18) | (value(i + 1) << 12) | (i + 2 < len ? value(i + 2) << 6 : 0);
    out[o++] = w >> 16;
    if (i + 2 < len) out[o++] = (w >> 8) & 255;
  }
  return out;
}

/** Float32 array ↔ base64 of its little-endian bytes (how principal components travel in JSON). */
export function floatsToBase64(a: Float32Array): string {
  return bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

export function base64ToFloats(b64: string, what?: string): Float32Array {
  const bytes = base64ToBytes(b64, what);
  if (bytes.byteLength % 4 !== 0) throw new Error(`kefu: ${what ?? 'binary data'} is not float32 (${bytes.byteLength} bytes)`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
}
