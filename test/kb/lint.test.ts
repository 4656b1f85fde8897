import { describe, expect, it } from 'vitest';
import { nearDuplicatePairs } from '../../src/kb/lint';

type Sentence = { entry: number; text: string; feats: number[]; weights: number[] };

/** Random unit vectors over a small vocabulary, so that many are alike. */
function randomSentences(n: number, entries: number, seed: number): Sentence[] {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, (_, i) => {
    const feats = [...new Set(Array.from({ length: 2 + Math.floor(rand() * 5) }, () => Math.floor(rand() * 12)))].sort((a, b) => a - b);
    const raw = feats.map(() => 0.2 + rand());
    const norm = Math.hypot(...raw);
    return { entry: Math.floor(rand() * entries), text: `q${i}`, feats, weights: raw.map((w) => w / norm) };
  });
}

function bruteForce(sentences: Sentence[], t: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < sentences.length; i++) {
    for (let j = i + 1; j < sentences.length; j++) {
      if (sentences[i].entry === sentences[j].entry) continue;
      let dot = 0;
      sentences[i].feats.forEach((f, a) => {
        const b = sentences[j].feats.indexOf(f);
        if (b >= 0) dot += sentences[i].weights[a] * sentences[j].weights[b];
      });
      if (dot >= t) out.push([i, j, dot]);
    }
  }
  return out;
}

describe('near-duplicate lint', () => {
  it('finds exactly the pairs of different FAQs that all-pairs comparison finds', () => {
    for (const [seed, t] of [[1, 0.9], [2, 0.8], [3, 0.95], [4, 0.5]] as const) {
      const sentences = randomSentences(400, 6, seed);
      const expected = bruteForce(sentences, t);
      const found = nearDuplicatePairs(sentences, t);
      expect(found.map(([i, j]) => [i, j])).toEqual(expected.map(([i, j]) => [i, j]));
      found.forEach(([, , sim], k) => expect(sim).toBeCloseTo(expected[k][2], 9));
      expect(expected.length).toBeGreaterThan(0);
    }
  });

  it('never compares the questions of one FAQ with each other', () => {
    const same = Array.from({ length: 2000 }, (_, i) => ({ entry: 0, text: `q${i}`, feats: [1, 2], weights: [Math.SQRT1_2, Math.SQRT1_2] }));
    expect(nearDuplicatePairs(same, 0.9)).toEqual([]);
    expect(nearDuplicatePairs([...same, { entry: 1, text: 'x', feats: [1, 2], weights: [Math.SQRT1_2, Math.SQRT1_2] }], 0.9)).toHaveLength(2000);
  });
});
