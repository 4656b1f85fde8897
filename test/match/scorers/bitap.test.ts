/**
 * The fuzzy scorer's Bitap port (src/match/scorers/bitap.ts) against fuse.js itself, configured
 * as the scorer used it before the port: the same similarity, to the last bit, for the sample
 * KB's questions typed with typos, dropped and added characters, mixed case, long input.
 */
import Fuse from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../../src/index';
import { TUNING } from '../../../src/match/options';
import { fuzzySimilarity } from '../../../src/match/scorers/fuzzy';
import { sampleKb } from '../../helpers';

function viaFuse(compact: string, docs: { entry: number; text: string }[]): Map<number, number> {
  const fuse = new Fuse(docs, { keys: ['text'], includeScore: true, ignoreLocation: true, threshold: TUNING.fuseThreshold, shouldSort: false });
  const best = new Map<number, number>();
  for (const r of fuse.search(compact.slice(0, TUNING.fuseMaxChars))) {
    const sim = 1 - (r.score ?? 1);
    if (sim > (best.get(r.item.entry) ?? 0)) best.set(r.item.entry, sim);
  }
  return best;
}

/** A deterministic variant of a question: characters dropped, swapped for others of the KB, added, or case changed. */
function variant(text: string, seed: number, pool: string): string {
  let r = seed * 7919 + 13;
  const next = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
  const chars = [...text];
  const edits = 1 + Math.floor(next() * 3);
  for (let k = 0; k < edits && chars.length > 0; k++) {
    const i = Math.floor(next() * chars.length);
    const kind = next();
    if (kind < 0.3) chars.splice(i, 1);
    else if (kind < 0.6) chars[i] = pool[Math.floor(next() * pool.length)];
    else if (kind < 0.85) chars.splice(i, 0, pool[Math.floor(next() * pool.length)]);
    else chars[i] = chars[i].toUpperCase();
  }
  return chars.join('');
}

describe('bitap port', () => {
  it('gives fuse.js scores exactly, on typed variants of the sample KB questions', async () => {
    const kb = await loadKnowledgeBase(sampleKb);
    const questions = kb.faqs.flatMap((f, entry) => [f.question, ...f.similar].map((text) => ({ entry, text })));
    const pool = [...new Set(questions.flatMap((q) => [...q.text]))].join('') + 'ABCxyz';
    let compared = 0;
    let scored = 0;
    for (let s = 0; s < questions.length; s++) {
      // the scorer's docs: a few questions of two FAQs, one of them the question's own
      const docs = [questions[s], questions[(s + 1) % questions.length], questions[(s * 31 + 7) % questions.length], questions[(s * 17 + 3) % questions.length]];
      for (const query of [questions[s].text, variant(questions[s].text, s, pool), variant(questions[s].text + questions[(s + 5) % questions.length].text, s + 1, pool)]) {
        const want = viaFuse(query, docs);
        const got = fuzzySimilarity(query, docs);
        expect([...got.entries()].sort(), query).toEqual([...want.entries()].sort());
        compared++;
        scored += want.size;
      }
    }
    expect(compared).toBeGreaterThan(300);
    expect(scored).toBeGreaterThan(compared); // most comparisons have matches to compare
  });

  it('handles what fuse.js skips or cuts: blank query, blank text, whitespace words, long patterns', () => {
    const docs = [
      { entry: 0, text: '   ' },
      { entry: 1, text: 'refund my order please' },
      { entry: 2, text: 'Refund\u00a0policy\tfor orders' },
      { entry: 3, text: '退货退款需要多久才能到账呢请问一下亲这边是怎么处理的呀谢谢你们客服' },
    ];
    for (const q of ['', '  ', 'refund order', 'REFUND', '退款多久到账', '退货退款需要多久才能到账呢请问一下亲这边是怎么处理的呀谢谢你们客服啊', 'x']) {
      expect([...fuzzySimilarity(q, docs).entries()].sort(), q).toEqual([...viaFuse(q, docs).entries()].sort());
    }
  });
});
