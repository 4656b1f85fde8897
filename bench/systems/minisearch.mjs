// MiniSearch 7 (BM25) baseline. Documents = every question/similar sentence.
// Chinese: nodejieba words (cut(text, true), punctuation-only tokens dropped) plus
// character bigrams (over letters/digits only); English: MiniSearch's default
// tokenizer (words split on spaces/punctuation), lower-cased. Default search options
// (OR, no fuzzy, no prefix). Score of an FAQ = score of its best sentence.
import MiniSearch from 'minisearch';
import { createRequire } from 'node:module';
import { entrySentences } from '../lib/data.mjs';

const require = createRequire(import.meta.url);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export const label = 'MiniSearch';
export const packageName = 'minisearch';

export function chineseTokens(text, cut) {
  const lower = text.toLowerCase();
  const words = cut(lower, true).filter((w) => LETTER_OR_DIGIT.test(w)).map((w) => w.trim());
  const chars = [...lower].filter((c) => LETTER_OR_DIGIT.test(c));
  const bigrams = [];
  for (let i = 0; i + 1 < chars.length; i += 1) bigrams.push(chars[i] + chars[i + 1]);
  return words.concat(bigrams);
}

export async function create({ lang }) {
  let index = null;
  let faqOf = [];
  let cut = null;
  const meta = {};
  const tokenize =
    lang === 'zh'
      ? (text) => chineseTokens(text, cut)
      : (text) => MiniSearch.getDefault('tokenize')(text);
  return {
    name: 'minisearch',
    label,
    meta,
    async prepare() {
      if (lang !== 'zh') return;
      const t0 = performance.now();
      const jieba = require('nodejieba');
      jieba.cut('预热词典', true); // loads the dictionary
      cut = jieba.cut;
      meta.dictLoadMs = performance.now() - t0;
      meta.dictName = 'nodejieba';
    },
    async build(kb) {
      faqOf = [];
      const docs = [];
      for (const e of kb) {
        for (const s of entrySentences(e)) {
          docs.push({ i: docs.length, text: s });
          faqOf.push(e.id);
        }
      }
      index = new MiniSearch({ idField: 'i', fields: ['text'], tokenize });
      index.addAll(docs);
    },
    query(text) {
      const hits = index.search(text);
      const seen = new Set();
      const candidates = [];
      for (const h of hits) {
        const id = faqOf[h.id];
        if (seen.has(id)) continue;
        seen.add(id);
        candidates.push({ id, score: h.score });
      }
      return candidates.length
        ? { id: candidates[0].id, score: candidates[0].score, candidates }
        : { id: null, score: 0, candidates };
    },
  };
}
