/**
 * Word segmentation behind one small interface. Core code only sees `KefuSegmenter`;
 * Node adds nodejieba (src/node/jieba-segmenter.ts), browsers use Intl.Segmenter.
 */

export interface KefuSegmenter {
  /** Shown in debug output and benchmark results: 'nodejieba', 'intl', or yours. */
  readonly name: string;
  /** Split normalized text into words. Whitespace-only tokens may be returned; callers drop them. */
  cut(text: string): string[];
  /** Words to keep whole (the KB's vocabulary and synonyms). */
  addWords(words: readonly string[]): void;
  /** Set when this segmenter stands in for the one wanted (nodejieba did not build): why. */
  readonly fallbackReason?: string;
}

/**
 * Intl.Segmenter with the KB's vocabulary layered on top: vocabulary words found in the
 * text (longest first) are kept whole, the text between them goes to Intl.Segmenter.
 * Works in every modern browser and in Node without native code.
 */
export class IntlSegmenter implements KefuSegmenter {
  readonly name = 'intl';
  private readonly segmenter: Intl.Segmenter;
  private readonly words = new Set<string>();
  private maxLen = 0;

  readonly fallbackReason?: string;

  /** `fallbackReason`: why this runs instead of the segmenter wanted (shown in `bot.info()`). */
  constructor(locale = 'zh', fallbackReason?: string) {
    this.fallbackReason = fallbackReason;
    if (typeof Intl === 'undefined' || typeof Intl.Segmenter !== 'function') {
      throw new Error('kefu: Intl.Segmenter is not available in this runtime; pass your own `segmenter`');
    }
    this.segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
  }

  addWords(words: readonly string[]): void {
    for (const w of words) {
      if (w.length < 2) continue;
      this.words.add(w);
      if (w.length > this.maxLen) this.maxLen = w.length;
    }
  }

  cut(text: string): string[] {
    const out: string[] = [];
    let start = 0;
    let i = 0;
    while (i < text.length) {
      const hit = this.longestWordAt(text, i);
      if (hit > 0) {
        if (i > start) this.segmentInto(text.slice(start, i), out);
        out.push(text.slice(i, i + hit));
        i += hit;
        start = i;
      } else i++;
    }
    if (start < text.length) this.segmentInto(text.slice(start), out);
    return out;
  }

  private longestWordAt(text: string, i: number): number {
    if (this.maxLen === 0) return 0;
    for (let len = Math.min(this.maxLen, text.length - i); len >= 2; len--) {
      if (this.words.has(text.slice(i, i + len))) return len;
    }
    return 0;
  }

  private segmentInto(piece: string, out: string[]): void {
    for (const s of this.segmenter.segment(piece)) if (s.isWordLike) out.push(s.segment);
  }
}
