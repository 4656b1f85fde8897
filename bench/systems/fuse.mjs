// fuse.js 7 baseline: one Fuse index over every question/similar string, default
// options plus includeScore. Score = 1 - fuse score of the FAQ's best string.
import Fuse from 'fuse.js';
import { entrySentences } from '../lib/data.mjs';

export const label = 'fuse.js';
export const packageName = 'fuse.js';

export async function create() {
  let fuse = null;
  return {
    name: 'fuse',
    label,
    meta: {},
    async build(kb) {
      const docs = [];
      for (const e of kb) for (const s of entrySentences(e)) docs.push({ faq: e.id, text: s });
      fuse = new Fuse(docs, { keys: ['text'], includeScore: true });
    },
    query(text) {
      const hits = fuse.search(text);
      const seen = new Set();
      const candidates = [];
      for (const h of hits) {
        if (seen.has(h.item.faq)) continue;
        seen.add(h.item.faq);
        candidates.push({ id: h.item.faq, score: 1 - h.score });
      }
      return candidates.length
        ? { id: candidates[0].id, score: candidates[0].score, candidates }
        : { id: null, score: 0, candidates };
    },
  };
}
