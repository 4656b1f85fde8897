/**
 * Text normalization for matching: NFKC, lower-case, traditional → simplified, and every run of
 * non-word characters (whitespace, punctuation, symbols, emoji…) collapsed to one space.
 *
 * Runs on every user question and every knowledge-base sentence, so it is a single pass over the
 * string with per-character tables (no regex per character, no phrase segmentation).
 *
 * Traditional → simplified is a per-character table generated from opencc-js's own dictionaries
 * (scripts/gen-char-tables.mjs), plus opencc's phrase exceptions turned into context rules that are
 * only consulted for the ~200 "contested" characters (回覆 → 回复 although 覆 alone stays 覆, 瞭解 →
 * 了解, 項鍊 → 项链, 計畫 → 计划, 藉口 → 借口, 著名/顯著 keep 著, 乾隆 keeps 乾 …). Known differences
 * from the full opencc-js 'tw'/'hk' → 'cn' converter:
 *   - its segmentation (longest phrase wins across overlapping phrases) is not reproduced; a
 *     contested character takes the longest phrase around it that matches,
 *   - 著 → 着 outside the listed phrases (Taiwan writes 著 for both zhe and zhu),
 *   - 么 is never rewritten (Taiwan variant tables map 么 → 幺; in simplified text it is 什么), and
 *     the 坏 → 坯 phrases (毛坏, 打坏) are skipped because 打坏了 "broke it" is everyday simplified,
 *   - vocabulary conversion (軟體 → 软件) is out of scope, as in opencc's non-'p' presets.
 *
 * No Node built-ins: safe for browsers.
 */
import { T2S_PAIRS, T2S_PHRASES } from './tables/t2s.js';

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

const C_UNKNOWN = 0;
/** Letter or number: kept. */
const C_WORD = 1;
/** Combining mark (Mn/Mc): kept only when attached to a kept character. */
const C_MARK = 2;
/** Whitespace, punctuation, symbol, control, emoji…: becomes a separator. */
const C_SEP = 3;
/** Invisible format characters (zero-width space/joiners, BOM, soft hyphen, variation selectors,
 * enclosing marks, tags): removed without leaving a separator. */
const C_REMOVE = 4;
/** ASCII '.', kept between two ASCII digits (15.5, 1.2.3), otherwise a separator. */
const C_DOT = 5;

const RE_WORD = /^[\p{L}\p{N}]$/u;
const RE_MARK = /^[\p{Mn}\p{Mc}]$/u;
const RE_REMOVE = /^[\p{Cf}\p{Me}\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u;

function classifySlow(ch: string): number {
  if (RE_REMOVE.test(ch)) return C_REMOVE; // before marks: variation selectors are Mn
  if (RE_WORD.test(ch)) return C_WORD;
  if (RE_MARK.test(ch)) return C_MARK;
  return C_SEP;
}

/** BMP class cache, filled lazily per code unit (0 = not yet classified). */
const BMP_CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 0x80; c++) {
  BMP_CLASS[c] =
    (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) ? C_WORD : C_SEP;
}
BMP_CLASS[0x2e] = C_DOT;

function bmpClass(c: number): number {
  let k = BMP_CLASS[c]!;
  if (k === C_UNKNOWN) {
    // Lone surrogates are never letters.
    k = c >= 0xd800 && c <= 0xdfff ? C_SEP : classifySlow(String.fromCharCode(c));
    BMP_CLASS[c] = k;
  }
  return k;
}

function astralClass(cp: number): number {
  if (cp >= 0x20000 && cp <= 0x3ffff) return C_WORD; // CJK Ext B–H, compatibility supplement
  if (cp >= 0x1f000 && cp <= 0x1faff) return C_SEP; // emoji, pictographs, cards, mahjong…
  if (cp >= 0xe0000 && cp <= 0xe0fff) return C_REMOVE; // tags, variation selectors supplement
  return classifySlow(String.fromCodePoint(cp));
}

/**
 * True if `ch` (its first code point) is a CJK ideograph: Unified Ideographs, Extension A,
 * Extensions B–H (supplementary planes), Compatibility Ideographs, or 〇.
 */
export function isCjk(ch: string): boolean {
  const c = ch.codePointAt(0);
  if (c === undefined) return false;
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x20000 && c <= 0x323af) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    c === 0x3007
  );
}

// ---------------------------------------------------------------------------------------------
// Traditional → simplified table (lazy)
// ---------------------------------------------------------------------------------------------

/** BMP code unit → simplified code unit; 0 = unchanged, ASTRAL_TARGET / CONTEXT = see below. */
let t2sBmp: Uint16Array | undefined;
/** Mappings whose key or value is outside the BMP, keyed by code point. */
let t2sMap: Map<number, string> | undefined;
/** Context rules of contested characters (marked CONTEXT in t2sBmp), longest first. */
let ctxRules: Map<number, ContextRule[]> | undefined;
/** Per-character default of contested characters (undefined = unchanged). */
let ctxDefault: Map<number, string | undefined> | undefined;
const ASTRAL_TARGET = 0xffff;
const CONTEXT = 0xfffe;

interface ContextRule {
  /** Per-character-simplified code points before the contested char, nearest first. */
  left: number[];
  /** Per-character-simplified code points after the contested char. */
  right: number[];
  /** Replacement (may be the contested char itself, e.g. 著 in 著名). */
  rep: string;
}

function loadT2s(): Uint16Array {
  const bmp = new Uint16Array(0x10000);
  const map = new Map<number, string>();
  const s = T2S_PAIRS;
  for (let i = 0; i < s.length; ) {
    const k = s.codePointAt(i)!;
    i += k > 0xffff ? 2 : 1;
    const v = s.codePointAt(i)!;
    const vs = String.fromCodePoint(v);
    i += vs.length;
    if (k <= 0xffff && v <= 0xffff) bmp[k] = v;
    else {
      map.set(k, vs);
      if (k <= 0xffff) bmp[k] = ASTRAL_TARGET;
    }
  }
  t2sMap = map;

  // Phrase exceptions → context rules on the contested characters.
  const simpCp = (cp: number): number => {
    const m = cp <= 0xffff ? bmp[cp]! : 0;
    if (m === 0) return cp <= 0xffff ? cp : (map.get(cp)?.codePointAt(0) ?? cp);
    return m === ASTRAL_TARGET ? map.get(cp)!.codePointAt(0)! : m;
  };
  const rules = new Map<number, ContextRule[]>();
  for (const entry of T2S_PHRASES.split('|')) {
    const sp = entry.indexOf(' ');
    const p = Array.from(entry.slice(0, sp), (ch) => ch.codePointAt(0)!);
    const t = Array.from(entry.slice(sp + 1));
    const simp = p.map(simpCp);
    for (let j = 0; j < p.length; j++) {
      const c = p[j]!;
      if (t[j]!.codePointAt(0) === simp[j] || c > 0xffff) continue;
      let list = rules.get(c);
      if (!list) rules.set(c, (list = []));
      list.push({ left: simp.slice(0, j).reverse(), right: simp.slice(j + 1), rep: t[j]! });
    }
  }
  const defaults = new Map<number, string | undefined>();
  for (const [c, list] of rules) {
    list.sort((x, y) => y.left.length + y.right.length - (x.left.length + x.right.length));
    const m = bmp[c]!;
    defaults.set(c, m === 0 ? undefined : m === ASTRAL_TARGET ? map.get(c) : String.fromCharCode(m));
    bmp[c] = CONTEXT;
  }
  ctxRules = rules;
  ctxDefault = defaults;
  t2sBmp = bmp;
  return bmp;
}

/** Per-character simplified code point of `cp` (for matching rule contexts). */
function simplifiedCp(cp: number): number {
  if (cp <= 0xffff) {
    const m = t2sBmp![cp]!;
    if (m === 0) return cp;
    if (m === CONTEXT) {
      const d = ctxDefault!.get(cp);
      return d === undefined ? cp : d.codePointAt(0)!;
    }
    if (m !== ASTRAL_TARGET) return m;
  }
  const v = t2sMap!.get(cp);
  return v === undefined ? cp : v.codePointAt(0)!;
}

/** Replacement for the contested BMP char `c` at `s[i]`, or undefined to keep it. */
function resolveContext(s: string, i: number, c: number): string | undefined {
  const list = ctxRules!.get(c)!;
  outer: for (const r of list) {
    let j = i;
    for (const want of r.left) {
      if (j === 0) continue outer;
      let cp = s.charCodeAt(--j);
      if (cp >= 0xdc00 && cp <= 0xdfff && j > 0) {
        const hi = s.charCodeAt(j - 1);
        if (hi >= 0xd800 && hi <= 0xdbff) {
          cp = ((hi - 0xd800) << 10) + (cp - 0xdc00) + 0x10000;
          j--;
        }
      }
      if (simplifiedCp(cp) !== want) continue outer;
    }
    j = i + 1;
    for (const want of r.right) {
      if (j >= s.length) continue outer;
      const cp = s.codePointAt(j)!;
      j += cp > 0xffff ? 2 : 1;
      if (simplifiedCp(cp) !== want) continue outer;
    }
    return r.rep.charCodeAt(0) === c && r.rep.length === 1 ? undefined : r.rep;
  }
  return ctxDefault!.get(c);
}

/** Simplified replacement for the BMP char `c` at `s[i]`, or undefined if unchanged. */
function mapBmp(bmp: Uint16Array, s: string, i: number, c: number): string | undefined {
  const m = bmp[c]!;
  if (m === 0) return undefined;
  if (m === CONTEXT) return resolveContext(s, i, c);
  return m === ASTRAL_TARGET ? t2sMap!.get(c) : String.fromCharCode(m);
}

/**
 * Character-level traditional → simplified conversion of `text` (no other normalization).
 * Expects NFKC input for CJK compatibility ideographs (normalize() takes care of that).
 */
export function toSimplified(text: string): string {
  const bmp = t2sBmp ?? loadT2s();
  const map = t2sMap!;
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x3400) continue;
    let rep: string | undefined;
    let len = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        len = 2;
        rep = map.get(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
      }
    } else {
      rep = mapBmp(bmp, text, i, c);
    }
    if (rep !== undefined) {
      out += text.slice(start, i) + rep;
      start = i + len;
    }
    if (len === 2) i++;
  }
  return start === 0 ? text : out + text.slice(start);
}

// ---------------------------------------------------------------------------------------------
// normalize
// ---------------------------------------------------------------------------------------------

/**
 * Normalize text for matching:
 *  - NFKC (full-width → half-width, compatibility forms, ① → 1, … → ...),
 *  - lower-case,
 *  - traditional → simplified Chinese (per character, plus opencc's phrase exceptions for the
 *    few contested characters such as 覆/瞭/著/乾),
 *  - zero-width / format characters and variation selectors removed,
 *  - every run of whitespace, punctuation (ASCII and CJK), symbols and emoji → one space,
 *  - trimmed.
 * Letters, digits (any script) and attached combining marks are kept; '.' is kept between two
 * ASCII digits (15.5, 1.2.3). Idempotent: normalize(normalize(x)) === normalize(x).
 */
export function normalize(text: string): string {
  return normalizePass(text, false);
}

function normalizePass(text: string, again: boolean): string {
  if (text.length === 0) return text;
  const nfkc = text.normalize('NFKC');
  let s = nfkc.toLowerCase();
  // Lower-casing can decompose precomposed letters (e.g. Greek Ϊ́ → ΐ); re-compose if anything changed.
  if (s !== nfkc) s = s.normalize('NFKC');
  const bmp = t2sBmp ?? loadT2s();
  const map = t2sMap!;
  const n = s.length;

  let out = '';
  /** Start of the current run of unchanged kept characters in `s`, or -1. */
  let run = -1;
  /** A separator is pending before the next kept character. */
  let sep = false;
  /** The last thing looked at (ignoring removed chars) was a kept character. */
  let inWord = false;
  let removed = false;

  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let k: number;
    let len = 1;
    let rep: string | undefined;

    if (c < 0x80) {
      k = BMP_CLASS[c]!;
      if (k === C_DOT) {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        k = inWord && next >= 0x30 && next <= 0x39 && i > 0 && isAsciiDigit(s.charCodeAt(i - 1)) ? C_WORD : C_SEP;
      }
    } else if (c >= 0x3400 && c <= 0x9fff && (c >= 0x4e00 || c <= 0x4dbf)) {
      k = C_WORD;
      if (bmp[c] !== 0) rep = mapBmp(bmp, s, i, c);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && isLowSurrogate(s.charCodeAt(i + 1))) {
      const cp = ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      len = 2;
      k = astralClass(cp);
      if (k === C_WORD) rep = map.get(cp);
    } else {
      k = bmpClass(c);
      if (k === C_WORD && bmp[c] !== 0) rep = mapBmp(bmp, s, i, c);
    }

    if (k === C_MARK) {
      if (!inWord) {
        // A mark with nothing to attach to (after a separator or at the start) is dropped.
        if (len === 2) i++;
        continue;
      }
      k = C_WORD;
    }

    if (k === C_WORD) {
      if (rep !== undefined) {
        if (run >= 0) {
          out += s.slice(run, i);
          run = -1;
        }
        if (sep) {
          if (out.length > 0) out += ' ';
          sep = false;
        }
        out += rep;
      } else if (run < 0) {
        if (sep) {
          if (out.length > 0) out += ' ';
          sep = false;
        }
        run = i;
      }
      inWord = true;
    } else {
      if (run >= 0) {
        out += s.slice(run, i);
        run = -1;
      }
      if (k === C_SEP) {
        sep = true;
        inWord = false;
      } else {
        removed = true;
      }
    }
    if (len === 2) i++;
  }
  if (run >= 0) out = run === 0 && out.length === 0 ? s : out + s.slice(run);

  // Removing a format character can bring a base character and a combining mark (or two Hangul
  // jamo) together so that NFKC would now compose them; one more pass makes the result stable.
  return removed && !again ? normalizePass(out, true) : out;
}

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
