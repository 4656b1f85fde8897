import { describe, expect, it } from 'vitest';
import { clarifyOffers, decide, isBare, type DecisionCandidate } from '../../src/match/decide';

const t = { answer: 0.5, clarify: 0.2 };
const c = (p: number, score = p, best = score, threshold?: number): DecisionCandidate => ({ p, score, best, threshold });

describe('decide: the one answer / clarify / fallback rule', () => {
  it('answers at or above the answer threshold, clarifies in the band below, falls back under it', () => {
    expect(decide({ candidates: [c(0.5)], bare: false }, t)).toBe('answer');
    expect(decide({ candidates: [c(0.49)], bare: false }, t)).toBe('clarify');
    expect(decide({ candidates: [c(0.2)], bare: false }, t)).toBe('clarify');
    expect(decide({ candidates: [c(0.19)], bare: false }, t)).toBe('fallback');
  });

  it('falls back with no candidate', () => {
    expect(decide({ candidates: [], bare: false }, t)).toBe('fallback');
  });

  it('uses the first FAQ\'s own threshold over the global one', () => {
    expect(decide({ candidates: [c(0.6, 0.6, 0.6, 0.8)], bare: false }, t)).toBe('clarify');
    expect(decide({ candidates: [c(0.3, 0.3, 0.3, 0.25)], bare: false }, t)).toBe('answer');
  });

  it('clarifies when a runner-up scores and is about as confident as the first', () => {
    expect(decide({ candidates: [c(0.9, 1), c(0.8, 0.9)], bare: false }, t)).toBe('clarify');
  });

  it('reads the close-second ratios fitted on the KB when given', () => {
    // Confidence 0.85 of the first's: close at the default 0.8, not at a fitted 0.9.
    expect(decide({ candidates: [c(0.9, 1), c(0.765, 0.9)], bare: false }, t)).toBe('clarify');
    expect(decide({ candidates: [c(0.9, 1), c(0.765, 0.9)], bare: false, closePRatio: 0.9 }, t)).toBe('answer');
    // Scores 0.9 of the first's: close at the default 0.85, not at a fitted 0.95.
    expect(decide({ candidates: [c(0.9, 1), c(0.85, 0.9)], bare: false, closeRatio: 0.95 }, t)).toBe('answer');
  });

  it('answers when the confidences separate two close scores', () => {
    // Scores within 0.85 of each other, but the runner-up's confidence is under 0.8 of the first's.
    expect(decide({ candidates: [c(0.9, 1), c(0.6, 0.9)], bare: false }, t)).toBe('answer');
  });

  it('ignores a close runner-up too unsure to offer (under half the clarify threshold)', () => {
    expect(decide({ candidates: [c(0.09, 1), c(0.09, 1)], bare: false }, { answer: 0.05, clarify: 0.2 })).toBe('answer');
  });

  it('clarifies a bare keyword whose best questions are alike however the confidences differ', () => {
    const candidates = [c(0.9, 1, 0.5), c(0.1, 0.3, 0.45)];
    expect(decide({ candidates, bare: false }, t)).toBe('answer');
    expect(decide({ candidates, bare: true }, t)).toBe('clarify');
  });

  it('tells a bare keyword by tokens and characters', () => {
    expect(isBare(1, 2)).toBe(true);
    expect(isBare(2, 4)).toBe(true);
    expect(isBare(3, 4)).toBe(false);
    expect(isBare(1, 5)).toBe(false);
  });

  it('offers the first candidate and those at least half the clarify threshold', () => {
    const list = [{ confidence: 0.05 }, { confidence: 0.1 }, { confidence: 0.09 }];
    expect(clarifyOffers(list, t)).toEqual([{ confidence: 0.05 }, { confidence: 0.1 }]);
  });
});
