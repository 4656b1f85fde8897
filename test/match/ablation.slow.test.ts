/** Every ablation builds the sample KB (one full build each, hence the slow group) and still answers an exact KB question. */
import { describe, expect, it } from 'vitest';
import { createMatcher } from '../../src/index';
import { ABLATIONS } from '../../src/match/matcher';
import { sampleKb } from '../helpers';

describe('ablation', () => {
  it('every ablation builds and still answers an exact KB question', async () => {
    for (const a of ABLATIONS) {
      const m = await createMatcher(sampleKb, { ablate: [a] });
      expect(m.match('怎么申请退货').id, a).toBe('return-apply');
    }
  });
});
