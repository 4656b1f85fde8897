import { beforeAll, describe, expect, it } from 'vitest';
import { createMatcher, KefuError, type KefuMatcher } from '../../../src/index';
import { QueryTable } from '../../../src/match/index/vectors';
import { queryVector } from '../../../src/match/pipeline/query';
import { scratchFor } from '../../../src/match/pipeline/scratch';
import { newCandidate, rulesScorer } from '../../../src/match/scorers/rules';
import { softmaxScorer } from '../../../src/match/scorers/softmax';
import type { ScorerInput } from '../../../src/match/scorers/scorer';
import { sampleKb } from '../../helpers';

let small: KefuMatcher;
let sample: KefuMatcher;
beforeAll(async () => {
  small = await createMatcher({
    faqs: [
      { id: 'password', question: '忘记密码怎么办', similar: [], answer: '点击找回密码。', patterns: ['(忘记|忘了) 密码'] },
      { id: 'invoice', question: '怎么开发票', similar: [], answer: '在订单页申请。', keywords: ['发票'] },
      { id: 'invoice-vat', question: '能开专票吗', similar: [], answer: '可以。', required: ['专票|增值税'] },
    ],
  });
  sample = await createMatcher(sampleKb);
});

function inputFor(m: KefuMatcher, text: string): ScorerInput {
  const engine = m.engine;
  const query = queryVector(engine, engine.extractor.analyze(text), {}, scratchFor(engine.index));
  const table = new QueryTable();
  table.load(query.known, query.knownWeights);
  return { engine, query, table, exclude: {} };
}
const entryOf = (m: KefuMatcher, id: string) => m.engine.faqIndex.get(id)!;

describe('rules scorer', () => {
  it('brings in an FAQ whose pattern matches though retrieval did not find it, and lifts it', () => {
    const input = inputFor(small, '我忘了我的密码');
    const out = rulesScorer.score(input, [])!;
    const hit = out.find((c) => c.entry === entryOf(small, 'password'))!;
    expect(hit.pattern).toBe(1);
    expect(hit.score).toBeCloseTo(hit.best + 0.25, 12);
  });

  it('lifts an FAQ whose keyword is in the question a little', () => {
    const input = inputFor(small, '发票');
    const [c] = rulesScorer.score(input, [newCandidate(entryOf(small, 'invoice'), 0.4)])!;
    expect(c.keyword).toBe(1);
    expect(c.score).toBeCloseTo(0.45, 12);
  });

  it('vetoes an FAQ whose required terms are missing', () => {
    const vat = entryOf(small, 'invoice-vat');
    expect(rulesScorer.score(inputFor(small, '能开发票吗'), [newCandidate(vat, 0.6)])).toEqual([]);
    expect(rulesScorer.score(inputFor(small, '能开增值税发票吗'), [newCandidate(vat, 0.6)])).toHaveLength(1);
  });
});

describe('softmax scorer', () => {
  it('applies only where a classifier was trained (a KB with enough similar questions)', () => {
    expect(softmaxScorer.applies!(inputFor(small, '发票'), [])).toBe(false);
    expect(softmaxScorer.applies!(inputFor(sample, '发票'), [])).toBe(true);
  });

  it('gives a posterior over the candidates that favours the right FAQ', () => {
    const input = inputFor(sample, '怎么申请退货');
    const list = ['return-apply', 'invoice-apply'].map((id) => newCandidate(entryOf(sample, id), 0));
    softmaxScorer.score(input, list);
    expect(list[0].trained + list[1].trained).toBeCloseTo(1, 6);
    expect(list[0].trained).toBeGreaterThan(list[1].trained);
  });
});

describe('matcher options', () => {
  it('refuses an unknown key, with the closest known one', async () => {
    await expect(createMatcher({ faqs: [{ id: 'a', question: '你好', similar: [], answer: '好' }] }, { maxCandiates: 3 } as never)).rejects.toThrow(/unknown option "maxCandiates" \(did you mean "maxCandidates"\?\)/);
  });

  it('refuses an unknown ablation, with the closest scorer name', async () => {
    const e = await createMatcher({ faqs: [{ id: 'a', question: '你好', similar: [], answer: '好' }] }, { ablate: ['fuzy' as never] }).catch((x) => x);
    expect(e).toBeInstanceOf(KefuError);
    expect(String(e.message)).toMatch(/unknown ablation "fuzy" \(did you mean "fuzzy"\?\)/);
  });
});
