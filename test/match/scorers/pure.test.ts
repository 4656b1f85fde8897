import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../../src/match/calibrate';
import { QueryTable } from '../../../src/match/index/vectors';
import { calibrate, signalsOf } from '../../../src/match/scorers/calibration';
import { fuzzySimilarity, needsFuzzy } from '../../../src/match/scorers/fuzzy';
import type { FeatureSpace } from '../../../src/match/index/features';
import type { SearchIndex } from '../../../src/match/index/postings';
import { naiveBayesPosterior, nbCounts, NbTable, type NbCounts } from '../../../src/match/scorers/naive-bayes';
import { newCandidate } from '../../../src/match/scorers/rules';
import { ABLATIONS, SCORERS } from '../../../src/match/scorers/list';
import { FEATURE_ABLATIONS } from '../../../src/match/options';

const counts = (pairs: [number, number][]): NbCounts => {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  return { feats: Int32Array.from(sorted, (p) => p[0]), counts: Int32Array.from(sorted, (p) => p[1]), total: sorted.reduce((a, p) => a + p[1], 0) };
};
const tableOf = (feats: number[]) => {
  const t = new QueryTable();
  t.load(feats, feats.map(() => 1));
  return t;
};

describe('naive Bayes scorer', () => {
  const nb = NbTable.of([counts([[1, 3], [2, 2]]), counts([[3, 4], [4, 1]])]);

  it('gives a posterior over the candidates that favours the FAQ sharing the question\'s features', () => {
    const post = naiveBayesPosterior(nb, 10, [0, 1], [1, 2], tableOf([1, 2]), undefined);
    expect(post[0] + post[1]).toBeCloseTo(1, 12);
    expect(post[0]).toBeGreaterThan(0.8);
  });

  it('is tempered: one shared feature does not make it certain', () => {
    const post = naiveBayesPosterior(nb, 10, [0, 1], [1], tableOf([1]), undefined);
    expect(post[0]).toBeGreaterThan(0.5);
    expect(post[0]).toBeLessThan(0.99);
  });

  it('counts a built index in one block as FAQ by FAQ, and takes a hot update\'s counts over it', () => {
    const sentence = (entry: number, feats: number[]) => ({ feats: Int32Array.from(feats), weights: new Float32Array(feats.length), entry, text: '' });
    const index = { sentences: [sentence(0, [0, 2, 5]), sentence(0, [1, 2]), sentence(1, [3, 4, 5]), sentence(2, [5])] } as unknown as SearchIndex;
    const fs = { keys: ['c:a', 'w:b', 'c:c', 'b:d', 'p:e', 'w:f'], nbFeature: [true, true, true, false, true, true] } as unknown as FeatureSpace;
    const byEntry = [[0, 1], [2], [3]];
    const table = NbTable.build(index, fs, byEntry);
    const read = (e: number) => {
      const s = table.slice(e, { feats: new Int32Array(), counts: new Int32Array(), from: 0, to: 0, total: 0 });
      return { feats: [...s.feats.subarray(s.from, s.to)], counts: [...s.counts.subarray(s.from, s.to)], total: s.total };
    };
    byEntry.forEach((ids, e) => {
      const one = nbCounts(index, fs, ids);
      expect(read(e)).toEqual({ feats: [...one.feats], counts: [...one.counts], total: one.total });
    });
    expect(read(0)).toEqual({ feats: [0, 1, 2, 5], counts: [1, 1, 2, 1], total: 5 });
    table.set(1, counts([[4, 2]]));
    expect(read(1)).toEqual({ feats: [4], counts: [2], total: 2 });
    expect(read(7)).toEqual({ feats: [], counts: [], total: 0 });
  });

  it('leaves a held-out question\'s own counts out of its FAQ (honest leave-one-out)', () => {
    const held = { feats: Int32Array.from([1, 2]), weights: Float32Array.from([0.7, 0.7]), entry: 0, text: '' };
    const honest = naiveBayesPosterior(nb, 10, [0, 1], [1, 2], tableOf([1, 2]), held);
    const seen = naiveBayesPosterior(nb, 10, [0, 1], [1, 2], tableOf([1, 2]), undefined);
    expect(honest[0]).toBeLessThan(seen[0]);
  });
});

describe('fuzzy scorer', () => {
  const ranked = (...scores: number[]) => scores.map((s, i) => ({ ...newCandidate(i, s), score: s }));

  it('runs only on short, unsure questions with a typo or a close runner-up', () => {
    expect(needsFuzzy(6, 0.5, ranked(0.3))).toBe(true); // unknown words: a typo?
    expect(needsFuzzy(6, 1, ranked(0.3, 0.28))).toBe(true); // close runner-up
    expect(needsFuzzy(6, 1, ranked(0.3, 0.1))).toBe(false);
    expect(needsFuzzy(6, 0.5, ranked(0.7))).toBe(false); // sure
    expect(needsFuzzy(6, 0.5, ranked(0.05))).toBe(false); // nothing close
    expect(needsFuzzy(40, 0.5, ranked(0.3))).toBe(false); // long
    expect(needsFuzzy(6, 0.5, [])).toBe(false);
  });

  it('scores each FAQ by its closest question', () => {
    const sim = fuzzySimilarity('怎么申请退货', [
      { entry: 0, text: '怎么申请退货' },
      { entry: 1, text: '发票怎么开' },
      { entry: 1, text: '运费多少' },
    ]);
    expect(sim.get(0)).toBeCloseTo(1, 5);
    expect(sim.get(1) ?? 0).toBeLessThan(sim.get(0)!);
  });
});

describe('calibration scorer', () => {
  it('computes the margin against the best other candidate', () => {
    const list = [{ ...newCandidate(0, 0.8), score: 0.8 }, { ...newCandidate(1, 0.5), score: 0.5 }];
    expect(signalsOf(list, 0, 1, 1)[4]).toBeCloseTo(0.3, 12);
    expect(signalsOf(list, 1, 1, 1)[4]).toBeCloseTo(-0.3, 12);
  });

  it('appends newer scorers\' signals after the built-in ones', () => {
    const c = { ...newCandidate(0, 0.8), more: { semantic: 0.7 } };
    expect(signalsOf([c], 0, 1, 1)).toHaveLength(11);
    expect(signalsOf([c], 0, 1, 1)[10]).toBe(0.7);
  });

  it('gives confidences in [0, 1] that never increase down the ranked list', () => {
    const list = [0.9, 0.7, 0.71, 0.2].map((s, i) => ({ ...newCandidate(i, s), score: s, keyword: i === 2 ? 1 : 0 }));
    calibrate(DEFAULT_MODEL, list, 1, 6);
    for (let i = 0; i < list.length; i++) {
      expect(list[i].p).toBeGreaterThanOrEqual(0);
      expect(list[i].p).toBeLessThanOrEqual(1);
      if (i > 0) expect(list[i].p).toBeLessThanOrEqual(list[i - 1].p!);
    }
  });
});

describe('scorer list', () => {
  it('makes every scorer\'s name an ablation, beside the text-pipeline ones', () => {
    for (const s of SCORERS) expect(ABLATIONS).toContain(s.name);
    for (const a of FEATURE_ABLATIONS) expect(ABLATIONS).toContain(a);
    expect(new Set(ABLATIONS).size).toBe(ABLATIONS.length);
  });
});
