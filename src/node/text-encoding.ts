/**
 * Which encoding a text file is in, said plainly. KB files must be UTF-8 (a BOM is fine):
 * anything else is refused with the byte offset of the first bad byte and a guess at what
 * the file is (UTF-16 by its BOM or NUL bytes, GBK or Big5 by how many everyday Chinese
 * characters each reading gives). Imports detect UTF-8 / UTF-16 / GBK / Big5 the same way or
 * take an explicit encoding, and refuse text that decodes to replacement characters.
 */
import { KefuError } from '../errors.js';

// Everyday characters in simplified and traditional form: a right decoding of Chinese text is
// full of them, a wrong one (GBK read as Big5, Latin-1 read as GBK) almost never hits them.
const COMMON = new Set(
  '的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应向头文体美相见被利什二等产或新己制身果加月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活更别打女变四总何电数安少报才结反受目太量再感建务做接必场件计管期市直资命山金指许统区保至形社便空决治展'
    + '這個們來為國說時會對發後裡樣現當動進還開實點業將間問題說經與長機無頭見麼種過學們這對從麼還說讓錢買賣貨訂單號碼發貨退換請問謝',
);

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' | 'big5';

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    if (need === 2 && ((b === 0xe0 && bytes[i + 1]! < 0xa0) || (b === 0xed && bytes[i + 1]! >= 0xa0))) return i;
    if (need === 3 && ((b === 0xf0 && bytes[i + 1]! < 0x90) || (b === 0xf4 && bytes[i + 1]! >= 0x90))) return i;
    i += need + 1;
  }
  return -1;
}

function utf16ByNulls(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length, 4096) & ~1;
  if (n < 4) return undefined;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  if (odd > n / 8 && even < odd / 4) return 'utf-16le';
  if (even > n / 8 && odd < even / 4) return 'utf-16be';
  return undefined;
}

async function iconv(): Promise<typeof import('iconv-lite')> {
  // iconv-lite is pure JS: Node's own TextDecoder has no gb18030/big5 on small-icu builds.
  const mod = (await import('iconv-lite')) as typeof import('iconv-lite') & { default?: typeof import('iconv-lite') };
  return mod.default ?? mod;
}

/** Share of the CJK characters in `text` that are everyday ones (0 when there are none). */
function everydayShare(text: string): { share: number; cjk: number } {
  let cjk = 0;
  let hits = 0;
  for (const ch of text) {
    if (!/\p{Script=Han}/u.test(ch)) continue;
    cjk++;
    if (COMMON.has(ch)) hits++;
  }
  return { share: cjk ? hits / cjk : 0, cjk };
}

/** UTF-16 by BOM or NUL bytes, else GBK vs Big5 by everyday characters; undefined when unsure. */
export async function guessEncoding(bytes: Uint8Array): Promise<TextEncodingName | undefined> {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (firstInvalidUtf8(bytes) < 0) return 'utf-8';
  const nulls = utf16ByNulls(bytes);
  if (nulls) return nulls;
  const lib = await iconv();
  const buf = Buffer.from(bytes);
  const scored = (['gb18030', 'big5'] as const).map((e) => {
    const text = lib.decode(buf, e);
    const bad = (text.match(/\uFFFD/g) ?? []).length;
    return { e, bad, ...everydayShare(text) };
  });
  const best = scored.filter((s) => s.bad === 0 && s.cjk > 0 && s.share >= 0.1).sort((a, b) => b.share - a.share)[0];
  return best?.e;
}

const NAMES: Record<TextEncodingName, string> = { 'utf-8': 'UTF-8', 'utf-16le': 'UTF-16 (little-endian)', 'utf-16be': 'UTF-16 (big-endian)', gb18030: 'GBK / GB18030', big5: 'Big5' };

/**
 * A KB file's text, or why it cannot be read as UTF-8 (the message names the byte offset
 * and the likely encoding).
 */
export async function decodeUtf8File(bytes: Uint8Array): Promise<{ text: string } | { error: string }> {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const e = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    return { error: `file is ${NAMES[e]} (byte-order mark at byte 0), not UTF-8; save it as UTF-8` };
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) {
    const nulls = bytes.indexOf(0);
    if (nulls >= 0) {
      const e = utf16ByNulls(bytes);
      return { error: e ? `file looks like ${NAMES[e]} without a byte-order mark (NUL bytes from byte ${nulls}); save it as UTF-8` : `file holds a NUL byte at byte ${nulls}; a KB file is text` };
    }
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
  }
  const guess = await guessEncoding(bytes);
  const hex = `0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')}`;
  const likely = guess && guess !== 'utf-8' ? `; it looks like ${NAMES[guess]}: convert it, e.g. iconv -f ${guess === 'gb18030' ? 'GB18030' : guess.toUpperCase()} -t UTF-8` : '; save it as UTF-8';
  return { error: `file is not valid UTF-8: byte ${hex} at byte offset ${bad}${likely}` };
}

/**
 * Decode an imported text file (CSV): `encoding` when given, else detected. Refuses text that
 * decodes to replacement characters (the wrong encoding) and files whose encoding is unclear.
 * @example
 * const text = await decodeImportText(await readFile('faq.csv'), 'faq.csv'); // GBK, Big5, UTF-16 or UTF-8
 */
export async function decodeImportText(bytes: Uint8Array, file: string, encoding?: string): Promise<{ text: string; encoding: string }> {
  const lib = await iconv();
  let enc = encoding?.toLowerCase();
  if (enc && !lib.encodingExists(enc)) throw new KefuError('bad-encoding', `kefu: unknown encoding "${encoding}"; use utf-8, utf-16le, utf-16be, gbk, gb18030 or big5`);
  if (!enc) {
    enc = await guessEncoding(bytes);
    if (!enc) {
      const bad = firstInvalidUtf8(bytes);
      throw new KefuError('bad-encoding', `kefu: ${file}: cannot tell its encoding (not UTF-8 from byte offset ${bad}, and not clearly GBK, Big5 or UTF-16); pass --encoding <name>`);
    }
  }
  const text = lib.decode(Buffer.from(bytes), enc).replace(/^\uFEFF/, '');
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    const line = text.slice(0, bad).split('\n').length;
    throw new KefuError('bad-encoding', `kefu: ${file}: line ${line} does not decode as ${enc} (replacement character at character ${bad}); pass the right --encoding`);
  }
  return { text, encoding: enc };
}
