/**
 * Limits on what `kefu import` reads, checked before anything is parsed so a hostile file
 * (an xlsx whose 400 KB unzip to one 400 MB cell, a million-row CSV) is refused in
 * milliseconds with a clear error instead of taking gigabytes.
 */
import { open } from 'node:fs/promises';

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
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) return undefined;
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || cdSize > size) return { total: Infinity, largest: { name: '(zip64)', size: Infinity } };
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
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

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MB` : 'more than 4 GB';
}
