import { describe, expect, it } from 'vitest';
import { closest, rejectUnknownKeys } from '../../src/did-you-mean';
import { KefuError } from '../../src/errors';

describe('did you mean', () => {
  it('finds the closest known name within two edits, whatever the case', () => {
    expect(closest('treshold', ['threshold', 'tags'])).toBe('threshold');
    expect(closest('QUESTION', ['question'])).toBe('question');
    expect(closest('banana', ['question', 'answer'])).toBeUndefined();
  });

  it('rejects unknown keys, naming where and the closest known key', () => {
    const known = ['thresholds', 'maxCandidates', 'segmenter'];
    expect(() => rejectUnknownKeys({ thresholds: {}, segmenter: 'intl' }, known, 'createMatcher')).not.toThrow();
    expect(() => rejectUnknownKeys({ treshold: undefined }, known, 'createMatcher')).not.toThrow();
    let err: unknown;
    try {
      rejectUnknownKeys({ tresholds: { answer: 0.5 }, foo: 1 }, known, 'createBot');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KefuError);
    expect((err as KefuError).code).toBe('unknown-option');
    expect((err as KefuError).message).toBe('kefu: createBot: unknown options "tresholds" (did you mean "thresholds"?), "foo"; known: thresholds, maxCandidates, segmenter');
  });
});
