/**
 * Limits on what `kefu import` reads, checked before anything is parsed so a hostile file
 * (an xlsx whose 400 KB unzip to one 400 MB cell, a million-row CSV) is refused in
 * milliseconds with a clear error instead of taking gigabytes.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

export interface SpreadsheetLimits {
  /** Largest file read, in bytes. Default 20 MB. */
  maxFileBytes: number;
  /** Largest total uncompressed size of an xlsx's parts, in bytes. Default 64 MB. */
  maxUncompressedBytes: number;
  /** Most rows (header included). Default 50,000. */
  maxRows: number;
  /** Longest cell, in characters. Default 20,000. */
  maxCellChars: number;
}

export const DEFAULT_SPREADSHEET_LIMITS: SpreadsheetLimits = { maxFileBytes: 20 * 2 ** 20, maxUncompressedBytes: 64 * 2 ** 20, maxRows: 50_000, maxCellChars: 20_000 };

/**
 * The uncompressed sizes a zip (xlsx) declares in its central directory, without
 * inflating anything. Zip64 sizes count as infinite (no KB spreadsheet needs them).
 */
export async function zipUncompressedSize(file: string): Promise<{ total: number; largest: { name: string; size: number } } | undefined> {
  const fh = await open(file, 'r');
  try {
    const dir = await centralDirectory(fh);
    if (!dir) return undefined;
    if (dir === 'zip64') return { total: Infinity, largest: { name: '(zip64)', size: Infinity } };
    const { cd, count } = dir;
    let total = 0;
    let largest = { name: '', size: 0 };
    for (let p = 0, i = 0; i < count && p + 46 <= cd.length; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) break;
      const raw = cd.readUInt32LE(p + 24);
      const n = raw === 0xffffffff ? Infinity : raw;
      const nameLen = cd.readUInt16LE(p + 28);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      total += n;
      if (n > largest.size) largest = { name, size: n };
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    return { total, largest };
  } finally {
    await fh.close();
  }
}

/** A zip's central directory (found from the end-of-directory record), without reading the rest. */
async function centralDirectory(fh: FileHandle): Promise<{ cd: Buffer; count: number; size: number } | 'zip64' | undefined> {
  const { size } = await fh.stat();
  const tailLen = Math.min(size, 65_557);
  const tail = Buffer.alloc(tailLen);
  await fh.read(tail, 0, tailLen, size - tailLen);
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) return undefined;
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || cdSize > size) return 'zip64';
  const cd = Buffer.alloc(cdSize);
  await fh.read(cd, 0, cdSize, cdOffset);
  return { cd, count, size };
}

/**
 * What a zip's parts really inflate to, counted by inflating them into nothing and stopping
 * once past `limit` (a zip may declare small sizes and hold a bomb: the directory alone is
 * not to be trusted). Memory stays at one read buffer. Returns the first part found past
 * the limit, or undefined when the whole zip stays within it.
 */
export async function zipInflatesPast(file: string, limit: number): Promise<{ name: string; declared: number } | undefined> {
  const fh = await open(file, 'r');
  try {
    const dir = await centralDirectory(fh);
    if (!dir || dir === 'zip64') return undefined; // zip64 is refused by the declared-size check
    const { cd, size } = dir;
    let total = 0;
    let declared = 0;
    for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50; ) {
      const method = cd.readUInt16LE(p + 10);
      const compressed = cd.readUInt32LE(p + 20);
      declared += cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, cd.readUInt32LE(p + 42));
      const start = cd.readUInt32LE(p + 42) + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
      if (method === 0) total += compressed;
      else if (method === 8) total += await inflatedLength(fh, start, Math.min(compressed, size - start), limit - total);
      if (total > limit) return { name, declared };
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

/** Bytes that `length` deflated bytes at `start` inflate to, counting stopped past `budget`. */
async function inflatedLength(fh: FileHandle, start: number, length: number, budget: number): Promise<number> {
  const inflate = createInflateRaw();
  let out = 0;
  const done = new Promise<void>((resolve) => {
    inflate.on('data', (d: Buffer) => {
      out += d.length;
      if (out > budget) inflate.destroy();
    });
    inflate.on('close', resolve);
    inflate.on('end', resolve);
    inflate.on('error', () => resolve()); // a broken stream is the spreadsheet reader's to report
  });
  const buf = Buffer.alloc(1 << 16);
  for (let at = 0; at < length && out <= budget && !inflate.destroyed; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - at), start + at);
    if (bytesRead === 0) break;
    at += bytesRead;
    if (!inflate.write(Buffer.from(buf.subarray(0, bytesRead)))) await new Promise((r) => inflate.once('drain', r).once('close', r));
  }
  if (!inflate.destroyed) inflate.end();
  await done;
  return out;
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MB` : 'more than 4 GB';
}
