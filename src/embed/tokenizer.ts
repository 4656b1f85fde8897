/**
 * The BERT WordPiece tokenizer of bge-small-zh-v1.5, as its tokenizer.json declares it:
 * BertNormalizer (clean text, spaces around CJK characters, NO lower-casing and so no accent
 * stripping), BertPreTokenizer (split on whitespace and punctuation), WordPiece ("##" prefix,
 * words over 100 characters become [UNK]), then [CLS] … [SEP]. Checked id for id against the
 * reference implementation (test/embed/tokenizer.test.ts); transformers.js is not needed.
 */

export interface WordPieceOptions {
  /** Longest sequence including [CLS] and [SEP]; longer texts are cut (bge: 512). */
  maxLength?: number;
}

const CLS = '[CLS]';
const SEP = '[SEP]';
const UNK = '[UNK]';
const MAX_CHARS_PER_WORD = 100;

/** Unicode ranges BERT treats as CJK ideographs (each becomes a word of its own). */
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

const WHITESPACE = /^[\t\n\r\p{Zs}]$/u;
const CONTROL = /^[\p{Cc}\p{Cf}\p{Cn}\p{Co}]$/u;
// Rust's is_ascii_punctuation (which includes $+<=>^`|~) or a Unicode P* category.
const PUNCT = /^[!-/:-@[-`{-~\p{P}]$/u;

export class WordPieceTokenizer {
  readonly vocab: ReadonlyMap<string, number>;
  private readonly maxLength: number;
  private readonly cls: number;
  private readonly sep: number;
  private readonly unk: number;

  constructor(vocab: ReadonlyMap<string, number>, options: WordPieceOptions = {}) {
    this.vocab = vocab;
    this.maxLength = options.maxLength ?? 512;
    const id = (t: string): number => {
      const v = vocab.get(t);
      if (v === undefined) throw new Error(`kefu: the tokenizer vocabulary has no ${t} token`);
      return v;
    };
    this.cls = id(CLS);
    this.sep = id(SEP);
    this.unk = id(UNK);
  }

  /** From vocab.txt: one token a line, its id the line number. */
  static fromVocabText(text: string, options?: WordPieceOptions): WordPieceTokenizer {
    const vocab = new Map<string, number>();
    text.split('\n').forEach((line, i) => {
      const token = line.replace(/\r$/, '');
      if (token && !vocab.has(token)) vocab.set(token, i);
    });
    return new WordPieceTokenizer(vocab, options);
  }

  /** Token ids of one text, [CLS] first and [SEP] last. */
  encode(text: string): number[] {
    const ids = [this.cls];
    const room = this.maxLength - 1;
    for (const word of this.words(text)) {
      for (const id of this.wordPiece(word)) {
        if (ids.length >= room) break;
        ids.push(id);
      }
      if (ids.length >= room) break;
    }
    ids.push(this.sep);
    return ids;
  }

  /** Normalize and pre-tokenize: whitespace-separated words, punctuation and CJK alone. */
  private words(text: string): string[] {
    const out: string[] = [];
    let cur = '';
    const flush = (): void => {
      if (cur) out.push(cur);
      cur = '';
    };
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (cp === 0 || cp === 0xfffd) continue;
      if (WHITESPACE.test(ch)) flush();
      else if (CONTROL.test(ch)) continue;
      else if (isCjk(cp) || PUNCT.test(ch)) {
        flush();
        out.push(ch);
      } else cur += ch;
    }
    flush();
    return out;
  }

  /** Greedy longest-match-first; a word with any unmatched piece is one [UNK]. */
  private wordPiece(word: string): number[] {
    const chars = [...word];
    if (chars.length > MAX_CHARS_PER_WORD) return [this.unk];
    const ids: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? '##' : '') + chars.slice(start, end).join('');
        found = this.vocab.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [this.unk];
      ids.push(found);
      start = end;
    }
    return ids;
  }
}
