import { describe, expect, it } from 'vitest';
import { fitCalibration, predict, type LabelledSample } from '../../src/match/calibrate';

/** A question's signals with `s` as its scores (the other signals neutral). */
const signals = (s: number) => [s, s, s, s, 0, 1, 0, 0, 0, 2];

/**
 * Right answers above 0.5, uncovered questions below 0.2, and between them a band where both
 * are equally frequent: accuracy is flat there up to noise, as it is on real KBs.
 */
function sample(seed: number): LabelledSample {
  let r = seed;
  const rand = () => (r = (r * 1103515245 + 12345) % 2147483648) / 2147483648;
  const xs: number[][] = [];
  const ys: number[] = [];
  const inScope: boolean[] = [];
  const add = (s: number, y: number, covered: boolean) => {
    xs.push(signals(s));
    ys.push(y);
    inScope.push(covered);
  };
  for (let i = 0; i < 150; i++) add(0.5 + 0.5 * rand(), 1, true);
  for (let i = 0; i < 100; i++) add(0.2 + 0.3 * rand(), 1, true);
  for (let i = 0; i < 100; i++) add(0.2 + 0.3 * rand(), 0, false);
  for (let i = 0; i < 150; i++) add(0.2 * rand(), 0, false);
  return { xs, ys, inScope, weights: xs.map(() => 1) };
}

describe('calibration', () => {
  it('picks its answer threshold more steadily than the best point of a noisy, flat accuracy curve', () => {
    const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
    const fitted = seeds.map((seed) => fitCalibration(sample(seed)));
    const chosen = fitted.map((m) => m.answerThreshold!);
    const argmax = seeds.map((seed, k) => bestPoint(sample(seed), fitted[k]));
    const spread = (t: number[]) => Math.max(...t) - Math.min(...t);
    console.log(`[calibration] answer thresholds over 8 noisy samples: chosen ${chosen.join(' ')}; best point ${argmax.join(' ')}`);
    expect(spread(chosen)).toBeLessThan(spread(argmax));
    // Among thresholds the sample cannot tell apart, the one that answers most: usually the low end of the flat band.
    const median = (t: number[]) => [...t].sort((a, b) => a - b)[t.length >> 1];
    expect(median(chosen)).toBeLessThanOrEqual(0.3);
    expect(median(chosen)).toBeLessThan(median(argmax));
  });

  it('fits a confidence that rises with the scores and a threshold inside [0.2, 0.8]', () => {
    const model = fitCalibration(sample(1));
    expect(model.source).toBe('fitted');
    expect(model.answerThreshold).toBeGreaterThanOrEqual(0.2);
    expect(model.answerThreshold).toBeLessThanOrEqual(0.8);
    expect(model.weights.slice(0, 4).every((w) => w >= 0)).toBe(true);
  });

  it('with a gate of its own (the semantic answer floor) fits a lower threshold, and the close-second rule', () => {
    // The uncovered questions the gate blocks can never be answered: a low threshold then costs nothing.
    const base = sample(1);
    const gated: LabelledSample = {
      ...base,
      blocked: base.inScope.map((covered) => !covered),
      // every runner-up is as confident as the first: a rule that clarifies them loses every answer
      second: base.xs.map((x) => x),
      scoreRatio: base.xs.map(() => 1),
    };
    const plain = fitCalibration(base);
    const model = fitCalibration(gated);
    expect(model.answerThreshold).toBeLessThan(plain.answerThreshold!);
    expect(model.answerThreshold).toBeGreaterThanOrEqual(0.1);
    expect(model.closePRatio).toBeDefined();
    expect(plain.closePRatio).toBeUndefined();
  });
});

/** The plain argmax of sample accuracy over thresholds 0.20…0.80 (what the fit used to take). */
function bestPoint(s: LabelledSample, model: ReturnType<typeof fitCalibration>): number {
  const p = s.xs.map((x) => predict(model, x));
  let best = 0.2;
  let bestAccuracy = -1;
  for (let k = 20; k <= 80; k++) {
    const t = k / 100;
    let right = 0;
    p.forEach((pi, i) => (right += s.inScope[i] ? (pi >= t && s.ys[i] ? 1 : 0) : pi < t ? 1 : 0));
    if (right > bestAccuracy) [best, bestAccuracy] = [t, right];
  }
  return best;
}
