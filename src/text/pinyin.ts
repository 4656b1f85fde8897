/**
 * Toneless pinyin for CJK characters, from a per-character table generated at dev time with
 * pinyin-pro (scripts/gen-char-tables.mjs → src/text/tables/pinyin.ts), parsed lazily on first use.
 *
 * Heteronyms: charPinyin() gives the default (most common) reading of the isolated character —
 * pinyin-pro's, except 了 → le and 嗯 → en, and traditional characters aligned with their simplified
 * form (還 → hai like 还). In customer service several heteronyms matter in *both* readings
 * (还 hai 还有 / huan 还款, 行 xing 不行 / hang 银行, 长 chang 多长 / zhang 店长, 重 zhong 重量 /
 * chong 重新, 便 bian 方便 / pian 便宜 …). We keep the default reading per character (consistent for
 * both sides of a match) and:
 *   - toPinyin() applies a small list of e-commerce word overrides (还款 → huan kuan, 银行 → yin hang,
 *     重新 → chong xin, 便宜 → pian yi, 了解 → liao jie …) so typed pinyin such as "huankuan" or
 *     homophone typos (环款) line up with the right reading;
 *   - charPinyinAll() exposes every reading so callers can index all readings of heteronyms.
 *
 * No Node built-ins: safe for browsers.
 */
import { PINYIN_DEFAULT, PINYIN_EXTRA, PINYIN_SYLLABLES } from './tables/pinyin.js';

// ---------------------------------------------------------------------------------------------
// Table (lazy)
// ---------------------------------------------------------------------------------------------

/** Default syllable per index (index + 1 stored in `bmpIndex`). */
let syllables: string[] = [];
/** BMP code unit → syllable index + 1 (0 = no reading). */
let bmpIndex: Uint16Array | undefined;
/** Supplementary-plane code point → syllable. */
let astral: Map<number, string> | undefined;
/** char → additional readings (lazy, only for charPinyinAll). */
let extra: Map<string, string[]> | undefined;

function loadTable(): Uint16Array {
  const idx = new Uint16Array(0x10000);
  const ast = new Map<number, string>();
  const syl: string[] = [];
  const s = PINYIN_DEFAULT;
  let i = 0;
  while (i < s.length) {
    let j = i;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c < 0x61 || c > 0x7a) break;
      j++;
    }
    const name = s.slice(i, j);
    syl.push(name);
    const id = syl.length;
    i = j;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x7c /* | */) {
        i++;
        break;
      }
      if (c >= 0xd800 && c <= 0xdbff) {
        ast.set(s.codePointAt(i)!, name);
        i += 2;
      } else {
        idx[c] = id;
        i++;
      }
    }
  }
  syllables = syl;
  astral = ast;
  bmpIndex = idx;
  return idx;
}

/** Parse the lookup table now (otherwise done on first use). Returns the time taken in ms. */
export function preloadPinyin(): number {
  const t0 = now();
  if (!bmpIndex) loadTable();
  return now() - t0;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

function lookup(code: number): string | undefined {
  const idx = bmpIndex ?? loadTable();
  if (code <= 0xffff) {
    const id = idx[code]!;
    return id === 0 ? undefined : syllables[id - 1];
  }
  return astral!.get(code);
}

/**
 * Toneless lower-case pinyin of the default (most common) reading of one CJK character
 * (ü written as v), or undefined for anything else. Only the first code point of `ch` is used.
 */
export function charPinyin(ch: string): string | undefined {
  const code = ch.codePointAt(0);
  return code === undefined ? undefined : lookup(code);
}

/**
 * Every toneless reading of one CJK character, default first (e.g. 还 → ['hai', 'huan'],
 * 行 → ['xing', 'hang', 'heng']). Empty array for non-CJK input.
 */
export function charPinyinAll(ch: string): string[] {
  const code = ch.codePointAt(0);
  if (code === undefined) return [];
  const def = lookup(code);
  if (def === undefined) return [];
  const more = (extra ?? loadExtra()).get(String.fromCodePoint(code));
  return more ? [def, ...more] : [def];
}

function loadExtra(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const entry of PINYIN_EXTRA.split('|')) {
    const cpLen = entry.charCodeAt(0) >= 0xd800 && entry.charCodeAt(0) <= 0xdbff ? 2 : 1;
    m.set(entry.slice(0, cpLen), entry.slice(cpLen).split(','));
  }
  extra = m;
  return m;
}

// ---------------------------------------------------------------------------------------------
// Word-level overrides for heteronyms (toPinyin only)
// ---------------------------------------------------------------------------------------------

/**
 * Two-character words whose heteronym reading differs from the per-character default, chosen for
 * customer-service / e-commerce text. Each entry: "<word> <syllable> <syllable>".
 */
const WORD_OVERRIDES = [
  // 还 hai → huan
  '还款 huan kuan', '还钱 huan qian', '还贷 huan dai', '还清 huan qing',
  '退还 tui huan', '归还 gui huan', '返还 fan huan', '偿还 chang huan', '送还 song huan',
  '交还 jiao huan', '奉还 feng huan', '还书 huan shu', '还车 huan che', '还原 huan yuan',
  // 行 xing → hang
  '银行 yin hang', '行业 hang ye', '行情 hang qing', '行长 hang zhang', '商行 shang hang',
  '车行 che hang', '琴行 qin hang', '排行 pai hang', '内行 nei hang', '外行 wai hang',
  // 长 chang → zhang
  '店长 dian zhang', '家长 jia zhang', '成长 cheng zhang', '增长 zeng zhang', '生长 sheng zhang',
  '长大 zhang da', '班长 ban zhang', '组长 zu zhang', '队长 dui zhang', '校长 xiao zhang',
  '院长 yuan zhang', '部长 bu zhang', '市长 shi zhang', '船长 chuan zhang', '会长 hui zhang',
  // 重 zhong → chong
  '重新 chong xin', '重复 chong fu', '重置 chong zhi', '重启 chong qi', '重发 chong fa',
  '重装 chong zhuang', '重试 chong shi', '重做 chong zuo', '重来 chong lai', '重开 chong kai',
  '重填 chong tian', '重建 chong jian', '重拍 chong pai', '重下 chong xia', '重买 chong mai',
  '重寄 chong ji', '重设 chong she', '重登 chong deng', '重输 chong shu', '重选 chong xuan',
  '重申 chong shen', '重叠 chong die', '重名 chong ming', '重播 chong bo', '重写 chong xie',
  // 便 bian → pian
  '便宜 pian yi',
  // 了 le → liao
  '了解 liao jie', '明了 ming liao', '了结 liao jie', '了却 liao que', '不了 bu liao',
  '为了 wei le', // 为了解决 = wei le jie jue, not wei liao jie
  // 的 de → di
  '的确 di que', '目的 mu di', '的士 di shi',
  // 会 hui → kuai
  '会计 kuai ji',
  // 差 cha → chai
  '出差 chu chai', '差事 chai shi', '差旅 chai lv', '差遣 chai qian',
  // 调 tiao → diao
  '调货 diao huo', '调换 diao huan', '调包 diao bao', '调查 diao cha', '调拨 diao bo',
  '调度 diao du', '调取 diao qu', '调动 diao dong', '调仓 diao cang', '调出 diao chu',
  '调研 diao yan', '调阅 diao yue', '单调 dan diao', '声调 sheng diao', '音调 yin diao',
  // 着 zhe → zhao / zhuo
  '着急 zhao ji', '着火 zhao huo', '着凉 zhao liang', '睡着 shui zhao', '着陆 zhuo lu',
  '着手 zhuo shou', '着装 zhuo zhuang', '着想 zhuo xiang', '着重 zhuo zhong',
  // 乐 le → yue
  '音乐 yin yue', '乐器 yue qi', '乐队 yue dui', '乐曲 yue qu',
  // 觉 jue → jiao
  '睡觉 shui jiao', '午觉 wu jiao',
  // 都 dou → du
  '首都 shou du', '都市 du shi', '成都 cheng du', '都城 du cheng',
  // 传 chuan → zhuan
  '传记 zhuan ji', '自传 zi zhuan',
  // 藏 cang → zang
  '西藏 xi zang', '宝藏 bao zang', '藏族 zang zu',
  // 率 lv → shuai
  '率先 shuai xian', '率领 shuai ling', '草率 cao shuai', '坦率 tan shuai', '直率 zhi shuai',
  // 种 zhong (tone only); 降 jiang → xiang
  '投降 tou xiang',
  // 给 gei → ji
  '供给 gong ji', '给予 ji yu', '补给 bu ji', '配给 pei ji',
  // 期 qi (ji only in 期年 – skipped); 朝 chao → zhao
  '今朝 jin zhao',
  // 角 jiao → jue
  '角色 jue se', '主角 zhu jue', '配角 pei jue',
  // 处 chu (tone only); 号 hao; 数 shu → shuo (skipped); 校 xiao → jiao
  '校对 jiao dui', '校验 jiao yan', '校准 jiao zhun', '校正 jiao zheng',
  // 折 zhe → she
  '折本 she ben', '亏折 kui she',
  // 参 can → shen
  '人参 ren shen', '海参 hai shen',
  // 空 kong (tone only); 露 lu → lou
  '露脸 lou lian', '露面 lou mian', '露馅 lou xian',
  // 薄 bao / bo: leave default
  // 得 de → dei: not word-bounded, skipped
  // 省 sheng → xing
  '反省 fan xing',
  // 扎 zha (tone only); 模 mo → mu
  '模样 mu yang', '模具 mu ju', '模板 mu ban',
  // 卡 ka → qia
  '关卡 guan qia', '卡壳 qia ke',
  // 称 cheng → chen
  '对称 dui chen', '称心 chen xin', '相称 xiang chen',
  // 大 da → dai
  '大夫 dai fu',
  // 地 di → de: adverbial 地 is not word-bounded, skipped
];

/** word (2 chars) → its two syllables. */
let overrides: Map<string, [string, string]> | undefined;
/** BMP flags: 1 = first char of some override word. */
let overrideFirst: Uint8Array | undefined;

function loadOverrides(): Map<string, [string, string]> {
  const m = new Map<string, [string, string]>();
  const first = new Uint8Array(0x10000);
  for (const line of WORD_OVERRIDES) {
    const [w, a, b] = line.split(' ') as [string, string, string];
    m.set(w, [a, b]);
    first[w.charCodeAt(0)] = 1;
  }
  overrideFirst = first;
  overrides = m;
  return m;
}

/**
 * Per-character pinyin of the CJK characters in `text` (other characters are skipped), using
 * the default reading of each character except inside a few common words whose heteronym reading
 * differs (还款 → huan kuan, 银行 → yin hang, 重新 → chong xin, 便宜 → pian yi …).
 * Expects normalized (simplified) text; traditional characters also work.
 */
export function toPinyin(text: string): string[] {
  const idx = bmpIndex ?? loadTable();
  const ovr = overrides ?? loadOverrides();
  const first = overrideFirst!;
  const out: string[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x3007) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) {
        const p = astral!.get(cp);
        if (p !== undefined) out.push(p);
        i++;
      }
      continue;
    }
    const id = idx[c]!;
    if (id === 0) continue;
    if (first[c] === 1 && i + 1 < n) {
      const pair = ovr.get(text.slice(i, i + 2));
      if (pair !== undefined) {
        out.push(pair[0], pair[1]);
        i++;
        continue;
      }
    }
    out.push(syllables[id - 1]!);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Splitting typed pinyin into syllables
// ---------------------------------------------------------------------------------------------

/** Interjection-only "syllables" that would make almost any consonant string valid pinyin. */
const NOT_SYLLABLES = new Set(['m', 'n', 'ng', 'hm', 'hng', 'r']);
/** Accepted extra spellings: lue/nue (for lüe/nüe), plus a few rare syllables missing from the table. */
const EXTRA_SYLLABLES = ['lue', 'nue', 'nun', 'cei', 'sei', 'fiao', 'lo', 'yo', 'eng'];

let validSyllables: Set<string> | undefined;

function loadSyllables(): Set<string> {
  const set = new Set<string>();
  for (const s of PINYIN_SYLLABLES.split(' ')) if (!NOT_SYLLABLES.has(s)) set.add(s);
  for (const s of EXTRA_SYLLABLES) set.add(s);
  validSyllables = set;
  return set;
}

const MAX_SYLLABLE = 6; // zhuang, chuang, shuang

/**
 * Split toneless pinyin into syllables: 'tuihuo' → ['tui', 'huo'], 'zenmetuihuo' →
 * ['zen', 'me', 'tui', 'huo'], "xi'an" → ['xi', 'an'], 'nv' / 'nü' → ['nv'].
 * Greedy longest-first with backtracking; apostrophes, spaces and hyphens are forced syllable
 * boundaries (space-separated input is split word by word). Case-insensitive.
 * Returns null when the input is not entirely valid pinyin ('iphone', 'refund'), or is empty.
 */
export function pinyinSyllables(text: string): string[] | null {
  const valid = validSyllables ?? loadSyllables();
  const words = text
    .toLowerCase()
    .replace(/ü|u:/g, 'v')
    .split(/[\s'’\-]+/);
  const out: string[] = [];
  for (const w of words) {
    if (w.length === 0) continue;
    if (!/^[a-z]+$/.test(w)) return null;
    if (!split(w, valid, out)) return null;
  }
  return out.length > 0 ? out : null;
}

/**
 * Greedy longest-first with backtracking, on an explicit stack instead of recursion (whose
 * depth grew with the input: 'tuihuo '.repeat(7143) or 6,000 letters overflowed it);
 * positions known to lead nowhere are remembered, so the work stays linear.
 */
function split(w: string, valid: Set<string>, out: string[]): boolean {
  const failed = new Uint8Array(w.length + 1);
  const taken: number[] = [];
  let pos = 0;
  let maxLen = Math.min(MAX_SYLLABLE, w.length);
  while (pos < w.length) {
    let len = maxLen;
    while (len >= 1 && (failed[pos + len] === 1 || !valid.has(w.slice(pos, pos + len)))) len--;
    if (len >= 1) {
      taken.push(len);
      out.push(w.slice(pos, pos + len));
      pos += len;
      maxLen = Math.min(MAX_SYLLABLE, w.length - pos);
      continue;
    }
    failed[pos] = 1;
    const back = taken.pop();
    if (back === undefined) return false;
    out.pop();
    pos -= back;
    maxLen = back - 1;
  }
  return true;
}
