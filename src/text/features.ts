/**
 * Turning text into matching features. One pipeline runs at index time and at query time:
 *
 *   normalize → segment (KB vocabulary kept whole) → synonyms to canonical → stop words out
 *   → words (English stemmed) · CJK characters · character bigrams · pinyin · pinyin bigrams
 *
 * Feature keys are `family:term`, e.g. `w:退货`, `b:退货`, `b:set alarm` and `b:set _ alarm` (English
 * word bigrams and skip-bigrams), `p:tui`, `q:tui huo`, `g:<re` (letter trigrams of English words). Pinyin
 * features make homophone typos (微利贷/微粒贷) and toneless pinyin input ("tuihuo") meet
 * the characters they stand for.
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { isCjk, normalize } from './normalize.js';
import { charPinyin, pinyinSyllables } from './pinyin.js';
import type { KefuSegmenter } from './segmenter.js';
import { SynonymTable } from './synonyms.js';

export const FEATURE_FAMILIES = ['w', 'c', 'b', 'p', 'q', 'g'] as const;
export type FeatureFamily = (typeof FEATURE_FAMILIES)[number];

/** Particles, pronouns and politeness that carry no topic. Kept small on purpose: IDF does the rest. */
export const DEFAULT_STOPWORDS = [
  '的', '了', '吗', '呢', '吧', '啊', '呀', '哦', '嘛', '么', '哈', '啦', '呐', '嗯', '哎', '诶',
  '请问', '你好', '您好', '亲', '谢谢', '麻烦', '一下', '我', '我的', '你', '您', '你们', '我们', '这个', '那个', '是', '就', '还', '都', '也', '给',
  // English: articles only. Question and function words help tell intents apart (en-clinc-dev
  // top-1 0.709 with this list, 0.693 with a classic stop list).
  'a', 'an', 'the', 'please',
];

export interface FeatureOptions {
  segmenter: KefuSegmenter;
  synonyms?: SynonymTable;
  stopwords?: readonly string[];
  /** Families to leave out (ablation). */
  disabled?: readonly FeatureFamily[];
  /** Leave synonym mapping out (ablation). */
  noSynonyms?: boolean;
  /**
   * Read Latin words that spell pinyin ("tuihuo") as Chinese too. Right for Chinese KBs;
   * for English ones it only adds noise ("change" → chan ge). Default true.
   */
  asciiPinyin?: boolean;
}

export interface TextAnalysis {
  normalized: string;
  /** Normalized text without spaces, what patterns and required terms look at. */
  compact: string;
  /** Words after synonyms and stop words, for debug output. */
  tokens: string[];
  /** Feature key → term frequency. */
  features: Map<string, number>;
  /** The text has no Chinese characters but reads as pinyin: only pinyin features can match. */
  pinyinOnly: boolean;
}

/**
 * Colloquial and dialect spellings of function words, read as the standard ones the KB is
 * written in: 啥时候 meets 什么时候, 咋办 meets 怎么办, 哪儿 meets 哪里. Only words with one
 * everyday reading (一块 stays: 一块钱).
 */
const COLLOQUIAL: [RegExp, string][] = [
  [/啥/g, '什么'],
  [/咋/g, '怎么'],
  [/神马/g, '什么'],
  [/木有/g, '没有'],
  [/(哪|这|那)儿/g, '$1里'],
  [/一块儿/g, '一起'],
];
const HAS_COLLOQUIAL = /[啥咋马有儿]/;

/** `normalize`d text with colloquial function words in their standard spelling. */
export function standardChinese(normalized: string): string {
  if (!HAS_COLLOQUIAL.test(normalized)) return normalized;
  let s = normalized;
  for (const [re, to] of COLLOQUIAL) s = s.replace(re, to);
  return s;
}

/**
 * Order, phone and tracking numbers name one case, not a topic: as unknown words at the
 * highest IDF they only pushed the question away from every FAQ.
 */
const LONG_NUMBER = /^[0-9]{6,}$/;

/**
 * Segmenters cut user words out of longer letter or digit runs (202406180023 → 20240 / 618 /
 * 0023 once 618 is a KB word): glue back neighbours that split a run of digits or of letters.
 */
function joinAsciiRuns(tokens: string[]): string[] {
  let out: string[] | undefined; // only copied once something is joined: the usual case allocates nothing
  let prev = tokens[0] ?? '';
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    const kind = asciiKind(t.charCodeAt(0));
    if (kind !== 0 && kind === asciiKind(prev.charCodeAt(prev.length - 1))) {
      out ??= tokens.slice(0, i);
      prev = out[out.length - 1] = prev + t;
    } else {
      out?.push(t);
      prev = t;
    }
  }
  return out ?? tokens;
}

/** 1 for a digit, 2 for a lower-case letter (text is normalized), 0 otherwise. */
function asciiKind(c: number): 0 | 1 | 2 {
  return c >= 48 && c <= 57 ? 1 : c >= 97 && c <= 122 ? 2 : 0;
}

const ASCII_WORD = /^[a-z0-9][a-z0-9'._-]*$/;
const LETTERS = /^[a-z']+$/;

/** Builds features for one KB; holds the segmenter, synonyms and stop words. */
export class FeatureExtractor {
  readonly segmenter: KefuSegmenter;
  readonly synonyms: SynonymTable;
  private readonly stop: Set<string>;
  private readonly on: Record<FeatureFamily, boolean>;
  private readonly noSynonyms: boolean;
  private readonly asciiPinyin: boolean;
  private readonly stemCache = new Map<string, string>();

  constructor(options: FeatureOptions) {
    this.segmenter = options.segmenter;
    this.synonyms = options.synonyms ?? new SynonymTable();
    this.stop = new Set([...DEFAULT_STOPWORDS, ...(options.stopwords ?? []).map((s) => normalize(s))]);
    const disabled = new Set(options.disabled ?? []);
    this.on = { w: !disabled.has('w'), c: !disabled.has('c'), b: !disabled.has('b'), p: !disabled.has('p'), q: !disabled.has('q'), g: !disabled.has('g') };
    this.noSynonyms = options.noSynonyms ?? false;
    this.asciiPinyin = options.asciiPinyin ?? true;
  }

  /** `normalizedText`: normalize(text), when the caller has it already (the bot's triggers read it too). */
  analyze(text: string, normalizedText?: string): TextAnalysis {
    const normalized = standardChinese(normalizedText ?? normalize(text));
    const features = new Map<string, number>();
    const add = (key: string) => features.set(key, (features.get(key) ?? 0) + 1);
    const tokens: string[] = [];
    // CJK runs after synonym mapping: characters, bigrams and pinyin are taken from these,
    // so 退掉 and 退货 (declared synonyms) share all their features.
    const runs: string[] = [];
    let run = '';
    const pinyinRuns: string[][] = [];
    // A message typed entirely in toneless pinyin ("zenme tui huo"): read it as one run.
    const wholePinyin = this.asciiPinyin && /^[a-z' ]+$/.test(normalized) ? pinyinSyllables(normalized.replace(/ /g, '')) : null;
    if (wholePinyin && wholePinyin.length >= 2) pinyinRuns.push(wholePinyin);

    let prevWord = '';
    let prevPrev = '';
    for (const piece of normalized.split(' ')) {
      if (!piece) continue;
      for (const raw of joinAsciiRuns(this.segmenter.cut(piece))) {
        const tok = raw.trim();
        if (!tok || LONG_NUMBER.test(tok)) continue;
        const canon = this.noSynonyms ? tok : this.synonyms.canonicalize(tok);
        const cjk = isCjk(canon[0]);
        if (!cjk) {
          if (run) runs.push(run);
          run = '';
        }
        if (this.stop.has(canon)) {
          if (cjk) {
            if (run) runs.push(run);
            run = '';
          }
          continue;
        }
        if (cjk) {
          run += canon;
          tokens.push(canon);
          if (this.on.w) add(`w:${canon}`);
        } else if (ASCII_WORD.test(canon)) {
          const syllables = this.asciiPinyin && !wholePinyin && LETTERS.test(canon) && canon.length >= 4 ? pinyinSyllables(canon) : null;
          // A word that reads as toneless pinyin ("tuihuo") may be Chinese typed without an IME:
          // it also speaks through pinyin features, and stays an English word for English KBs.
          if (syllables && syllables.length >= 2) pinyinRuns.push(syllables);
          const word = LETTERS.test(canon) ? this.stem(canon) : canon;
          tokens.push(word);
          if (this.on.w) add(`w:${word}`);
          // Letter trigrams of English words: inflections and typos (refund/refunds/refnud) still meet.
          if (this.on.g && LETTERS.test(canon) && canon.length >= 3) {
            const padded = `<${canon}>`;
            for (let i = 0; i + 3 <= padded.length; i++) add(`g:${padded.slice(i, i + 3)}`);
          }
          if (this.on.b && prevWord) add(`b:${prevWord} ${word}`);
          // Skip-bigrams: "set my alarm" and "set your alarm" share `set _ alarm` (en-clinc-dev top-1 0.753 vs 0.751).
          if (this.on.b && prevPrev) add(`b:${prevPrev} _ ${word}`);
          prevPrev = prevWord;
          prevWord = word;
          continue;
        }
        prevWord = '';
        prevPrev = '';
      }
      if (run) runs.push(run);
      run = '';
    }

    for (const r of runs) {
      const chars = [...r];
      const py: string[] = [];
      for (let i = 0; i < chars.length; i++) {
        if (this.on.c) add(`c:${chars[i]}`);
        if (this.on.b && i > 0) add(`b:${chars[i - 1]}${chars[i]}`);
        py.push(charPinyin(chars[i]) ?? chars[i]);
      }
      pinyinRuns.push(py);
    }
    for (const py of pinyinRuns) {
      for (let i = 0; i < py.length; i++) {
        if (this.on.p) add(`p:${py[i]}`);
        if (this.on.q && i > 0) add(`q:${py[i - 1]} ${py[i]}`);
      }
    }
    const pinyinOnly = runs.length === 0 && pinyinRuns.length > 0;
    return { normalized, compact: normalized.replace(/ /g, ''), tokens, features, pinyinOnly };
  }

  private stem(word: string): string {
    let s = this.stemCache.get(word);
    if (s === undefined) {
      s = word.length > 3 ? PorterStemmer.stem(word) : word;
      if (this.stemCache.size < 50_000) this.stemCache.set(word, s);
    }
    return s;
  }
}

export function familyOf(key: string): FeatureFamily {
  return key[0] as FeatureFamily;
}
