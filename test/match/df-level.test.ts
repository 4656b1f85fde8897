import { describe, expect, it } from 'vitest';
import { dfLevel } from '../../src/match/index/flat';

describe('dfLevel (common-first lists keep a df in one byte)', () => {
  it('never falls as df rises, so retrieval never stops reading a list too early', () => {
    let prev = -1;
    const bad: number[] = [];
    for (let df = 0; df <= 300_000; df++) {
      const l = dfLevel(df);
      if (l < prev || l > 255) bad.push(df);
      prev = l;
    }
    expect(bad).toEqual([]);
  });

  it('is exact below 64 and within one step of 1/16 of a doubling above', () => {
    for (let df = 0; df < 64; df++) expect(dfLevel(df)).toBe(df);
    expect(dfLevel(64)).toBe(64);
    expect(dfLevel(67)).toBe(64);
    expect(dfLevel(68)).toBe(65);
    expect(dfLevel(128)).toBe(80);
    expect(dfLevel(77_688)).toBeLessThan(255);
    expect(dfLevel(1 << 20)).toBe(255);
  });
});
