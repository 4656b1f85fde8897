#!/usr/bin/env node
// Regenerates the per-character lookup tables used by src/text/:
//
//   src/text/tables/t2s.ts     traditional → simplified, one code point → one code point,
//                              derived from opencc-js's own dictionaries/converters
//   src/text/tables/pinyin.ts  toneless pinyin per CJK character, derived from pinyin-pro
//
// Usage (from the repo root):  node scripts/gen-char-tables.mjs
//
// Both libraries are only needed at dev time; the generated files are plain string constants
// that src/text/*.ts parse lazily on first use (no runtime dependency, browser-safe).

import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'src/text/tables');
mkdirSync(outDir, { recursive: true });

const pkgVersion = (name) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
const openccVersion = pkgVersion('opencc-js');
const pinyinVersion = pkgVersion('pinyin-pro');

const cp = (c) => c.codePointAt(0);
const isSingleCodePoint = (s) => s.length > 0 && [...s].length === 1;

// ---------------------------------------------------------------------------
// 1. Traditional → simplified
// ---------------------------------------------------------------------------
//
// Candidate characters: every key of the character-level dictionaries opencc-js uses when
// converting towards 'cn' (TSCharacters, plus the Taiwan/Hong Kong variant reversals
// TWVariantsRev / HKVariantsRev so that 裡/著/臺/溫… are covered).  For each candidate the
// value is what opencc-js's *own* converter produces for the isolated character, preferring
// the plain 't' → 'cn' result, then 'tw' → 'cn', then 'hk' → 'cn'.
//
// CJK Compatibility Ideographs (U+F900…) are deliberately not included: normalize() applies
// NFKC first, which already folds them onto the unified ideographs.

const dictKeys = async (name) =>
  (await import(`opencc-js/dict/${name}`)).default.split('|').map((entry) => entry.split(' ')[0]);

const t2cn = OpenCC.Converter({ from: 't', to: 'cn' });
const tw2cn = OpenCC.Converter({ from: 'tw', to: 'cn' });
const hk2cn = OpenCC.Converter({ from: 'hk', to: 'cn' });

// Characters that are standard in simplified text and must never be rewritten, even though a
// regional variant table would touch them in isolation.
//   么 — TWVariantsRev maps 么 → 幺 (Taiwan writes 什麼; 么 alone means 幺), but 么 is the
//        standard simplified character of 什么/怎么, by far the most common use in our input.
const KEEP = new Set(['么']);

const candidates = new Set([
  ...(await dictKeys('TSCharacters')),
  ...(await dictKeys('TWVariantsRev')),
  ...(await dictKeys('HKVariantsRev')),
]);

const t2s = new Map();
for (const c of candidates) {
  if (!isSingleCodePoint(c) || KEEP.has(c)) continue;
  let v = t2cn(c);
  if (v === c) v = tw2cn(c);
  if (v === c) v = hk2cn(c);
  if (v === c) continue;
  if (!isSingleCodePoint(v)) {
    console.warn(`t2s: skipping ${c} → ${v} (not a single code point)`);
    continue;
  }
  t2s.set(c, v);
}
// Make the table idempotent: follow chains to a fixed point (normalize() must be idempotent).
for (const [k, v] of t2s) {
  let x = v;
  for (let guard = 0; t2s.has(x) && guard < 8; guard++) x = t2s.get(x);
  if (x === k) t2s.delete(k);
  else t2s.set(k, x);
}
for (const [k, v] of t2s) {
  if (t2s.has(v)) throw new Error(`t2s not idempotent at ${k} → ${v}`);
  if (v.normalize('NFKC') !== v || v.toLowerCase() !== v) throw new Error(`t2s value not NFKC/lower-stable: ${v}`);
  if (k.normalize('NFKC') !== k) throw new Error(`t2s key not NFKC-stable: ${k}`);
}

// Phrase-level exceptions. opencc-js also converts by phrase (回覆 → 回复 although 覆 alone stays
// 覆, 瞭解 → 了解, 項鍊 → 项链, 計畫 → 计划, 著名 keeps 著, 乾隆 keeps 乾 …). We keep those phrases
// whose conversion differs from the per-character table at some position ("contested" char) and
// turn each contested position into a context rule; normalize() only consults them when it meets
// a contested character, so the common path stays a table lookup. Rules are dropped when they
// would make normalize() non-idempotent or would touch ordinary simplified text:
//   - no rules for 坏 (打坏/毛坏 → 坯 would corrupt simplified 打坏了 "broke it") or 么 (么麼 → 幺),
//     which are everyday simplified characters; other contested characters that are also valid in
//     simplified text (覆 in 回覆 → 回复, 瞭 in 瞭解 → 了解, 藉 in 藉口 → 借口, 沈 in 沈默 → 沉默) are
//     kept: the phrases are traditional-only spellings,
//   - a replacement other than the char itself must not be a key or contested itself,
//   - a rule that keeps the char (著名, 乾隆) needs the rest of the phrase to convert per char,
//     so that it matches again on already-converted text.
const NO_CONTEXT_RULES = new Set(['坏', '么']);
const tsChar = (c) => t2s.get(c) ?? c;
const phraseCandidates = new Set([
  ...(await dictKeys('TSPhrases')),
  ...(await dictKeys('TWVariantsRevPhrases')),
  ...(await dictKeys('HKVariantsRevPhrases')),
]);
const rawRules = []; // [phrase, target, position]
for (const p of phraseCandidates) {
  const target = tw2cn(p);
  const pc = [...p];
  const tc = [...target];
  if (pc.length !== tc.length) continue;
  for (let j = 0; j < pc.length; j++) if (tc[j] !== tsChar(pc[j])) rawRules.push([p, target, j]);
}
const contested = new Set(rawRules.map(([p, , j]) => [...p][j]));
const phraseRules = new Map(); // phrase -> target (only phrases with at least one accepted rule)
const droppedRules = [];
for (const [p, target, j] of rawRules) {
  const pc = [...p];
  const tc = [...target];
  const c = pc[j];
  const r = tc[j];
  let ok = !NO_CONTEXT_RULES.has(c);
  if (ok && r !== c) ok = !t2s.has(r) && !contested.has(r);
  if (ok && r === c) ok = pc.every((x, k) => k === j || tc[k] === tsChar(x));
  if (ok) phraseRules.set(p, target);
  else droppedRules.push(`${p}→${target}`);
}
// A phrase may have several contested positions; keep only those phrases whose every contested
// position was accepted (simplest consistent behaviour).
for (const d of droppedRules) phraseRules.delete(d.split('→')[0]);
const phraseString = [...phraseRules]
  .sort((a, b) => (a[0] < b[0] ? -1 : 1))
  .map(([p, t]) => `${p} ${t}`)
  .join('|');

const t2sSorted = [...t2s].sort((a, b) => cp(a[0]) - cp(b[0]));
const t2sString = t2sSorted.map(([k, v]) => k + v).join('');

writeFileSync(
  join(outDir, 't2s.ts'),
  `// GENERATED FILE — do not edit by hand.
// Generated by scripts/gen-char-tables.mjs from opencc-js ${openccVersion}
// (TSCharacters + TWVariantsRev + HKVariantsRev, each character converted in isolation with
// opencc-js's own 't'/'tw'/'hk' → 'cn' converters).
//
// Encoding: concatenated pairs <traditional code point><simplified code point>
// (${t2sSorted.length} pairs, sorted by traditional code point). Parsed lazily by src/text/normalize.ts.
export const T2S_PAIRS =
  '${t2sString}';

// Phrase exceptions: '|'-separated "<traditional phrase> <opencc-js conversion>" (${phraseRules.size}
// phrases). For each position where the conversion differs from the per-character table, the
// character there is converted by context (see src/text/normalize.ts).
export const T2S_PHRASES =
  '${phraseString}';
`,
);

// ---------------------------------------------------------------------------
// 2. Pinyin
// ---------------------------------------------------------------------------
//
// Coverage: 〇, CJK Ext A (U+3400–4DBF), the URO (U+4E00–9FFF) and the supplementary
// ideograph planes — every character pinyin-pro knows a reading for.
//
// Default reading = pinyin-pro's reading of the isolated character, with these adjustments:
//   * 了 → le (pinyin-pro gives liao for the isolated char; le is by far the most frequent).
//   * 嗯 → en (pinyin-pro only knows ng; every IME and user types "en").
//   * traditional characters take the default reading of their simplified form when it is one
//     of their own readings (還 → hai like 还, 麼 → me like 么, 著 → zhe like 着, 乾 → gan),
//     so that toPinyin(x) === toPinyin(normalize(x)) for ordinary text.
//   * ü is written v, ê is written e.
// Heteronyms (还 hai/huan, 行 xing/hang, 长 chang/zhang, 重 zhong/chong …) keep the default
// above; all readings go to PINYIN_EXTRA so callers can index every reading.

const DEFAULT_OVERRIDE = new Map([
  ['了', 'le'],
  ['嗯', 'en'],
]);

const clean = (s) => s.toLowerCase().replace(/ü/g, 'v').replace(/ê/g, 'e');
const ranges = [
  [0x3007, 0x3007],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0x20000, 0x323af],
];

const readings = new Map(); // char -> string[] (default first)
for (const [lo, hi] of ranges) {
  for (let code = lo; code <= hi; code++) {
    const c = String.fromCodePoint(code);
    const d = pinyin(c, { toneType: 'none', type: 'array', v: true })[0];
    if (!d || d === c || !/^[a-zü\u00ea]+$/.test(d.normalize('NFC'))) continue;
    const all = pinyin(c, { toneType: 'none', type: 'array', v: true, multiple: true }).map(clean);
    let def = DEFAULT_OVERRIDE.get(c) ?? clean(d);
    const list = [...new Set([def, ...all])].filter((s) => /^[a-z]+$/.test(s));
    readings.set(c, list);
  }
}
// Align traditional characters with their simplified form.
for (const [k, v] of t2s) {
  const tr = readings.get(k);
  const sr = readings.get(v);
  if (!tr || !sr) continue;
  if (tr[0] !== sr[0] && tr.includes(sr[0])) readings.set(k, [sr[0], ...tr.filter((x) => x !== sr[0])]);
}

const bySyllable = new Map();
let extraEntries = [];
for (const [c, list] of [...readings].sort((a, b) => cp(a[0]) - cp(b[0]))) {
  const s = list[0];
  if (!bySyllable.has(s)) bySyllable.set(s, []);
  bySyllable.get(s).push(c);
  if (list.length > 1) extraEntries.push(c + list.slice(1).join(','));
}
const syllables = [...bySyllable.keys()].sort();
const defaultString = syllables.map((s) => s + bySyllable.get(s).join('')).join('|');
const extraString = extraEntries.join('|');
const allSyllables = new Set();
for (const list of readings.values()) for (const s of list) allSyllables.add(s);

const pinyinFile = `// GENERATED FILE — do not edit by hand.
// Generated by scripts/gen-char-tables.mjs from pinyin-pro ${pinyinVersion}
// (${readings.size} characters: 〇, CJK Ext A, U+4E00–9FFF, supplementary ideographs).
//
// PINYIN_DEFAULT: '|'-separated groups "<syllable><chars…>" — every char's default (most
//   common) toneless reading, ü written as v.
// PINYIN_EXTRA: '|'-separated entries "<char><reading>,<reading>…" — the additional readings
//   of heteronyms (${extraEntries.length} chars), in pinyin-pro's order.
// PINYIN_SYLLABLES: every syllable occurring in either table, space-separated.
export const PINYIN_DEFAULT =
  '${defaultString}';

export const PINYIN_EXTRA =
  '${extraString}';

export const PINYIN_SYLLABLES = '${[...allSyllables].sort().join(' ')}';
`;
writeFileSync(join(outDir, 'pinyin.ts'), pinyinFile);

const size = (s) => Buffer.byteLength(s, 'utf8');
console.log(
  `t2s.ts: ${t2sSorted.length} pairs, ${size(t2sString)} bytes of data; ${phraseRules.size} phrase exceptions ` +
    `(${size(phraseString)} bytes), ${droppedRules.length} dropped: ${droppedRules.join(' ')}\n` +
    `pinyin.ts: ${readings.size} chars, ${syllables.length} default syllables, ${allSyllables.size} syllables total, ` +
    `${extraEntries.length} heteronyms, ${size(pinyinFile)} bytes`,
);
