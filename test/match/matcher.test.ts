import { describe, expect, it, beforeAll } from 'vitest';
import { createMatcher, KefuMatcher, KefuError, type KefuMatch } from '../../src/index';
import { sampleKb } from '../helpers';

let matcher: KefuMatcher;
beforeAll(async () => {
  matcher = await createMatcher(sampleKb);
});

const answered = (m: KefuMatch, id: string) => {
  expect(m.id, JSON.stringify(m)).toBe(id);
  expect(m.type, JSON.stringify(m)).toBe('answer');
};

describe('match', () => {
  it('answers a KB question', () => {
    answered(matcher.match('怎么申请退货'), 'return-apply');
  });

  it('answers a KB question with its words in another order', () => {
    // 申请退货 is a keyword of return-apply: were it kept whole as a word, 退货怎么申请 would miss it.
    answered(matcher.match('退货怎么申请'), 'return-apply');
  });

  it('answers traditional characters against a simplified KB', () => {
    answered(matcher.match('這件衣服可以退貨嗎'), 'return-apply');
    answered(matcher.match('請問發票怎麼開'), 'invoice-apply');
  });

  it('answers toneless pinyin typed without an IME', () => {
    answered(matcher.match('fapiao zenme kai'), 'invoice-apply');
    expect(matcher.match('tuihuo').id).toBe('return-apply');
  });

  it('reads pinyin typed among Chinese as the KB\'s characters', () => {
    // 我要退货 is the start-return task's intent (the sample KB's tasks are matcher entries too;
    // createBot leaves them out when the host gives no action, and then return-apply answers).
    answered(matcher.match('我要 tuihuo'), 'start-return');
    // English the KB knows stays English.
    expect(matcher.explain('iPhone 15 Pro 保修多久').explanation.tokens).toContain('iphon');
  });

  it('finds the FAQ despite a homophone typo', () => {
    expect(matcher.match('发漂怎么开').id).toBe('invoice-apply');
  });

  it('reads a character typed for another of the same sound as the KB\'s word, and answers', async () => {
    // 分其 for 分期, 发措 for 发错: pairs the KB never has, sounding like pairs it has.
    answered(matcher.match('能分其付款吗'), 'payment-installment');
    answered(matcher.match('你们发措货了'), 'wrong-item');
    const without = await createMatcher(sampleKb, { ablate: ['homophones'] });
    expect(without.match('能分其付款吗').type).not.toBe('answer');
    expect(without.match('你们发措货了').type).not.toBe('answer');
    // A question without typos reads as it is (confidences differ a little: calibration saw the corrections).
    expect(matcher.explain('怎么申请退货').explanation.normalized).toBe('怎么申请退货');
    expect(matcher.match('怎么申请退货')).toMatchObject({ type: 'answer', id: without.match('怎么申请退货').id });
  });

  it('asks "did you mean" on an ambiguous bare keyword, offering 2–3 FAQs', () => {
    const m = matcher.match('运费');
    expect(m.type).toBe('clarify');
    expect(m.candidates.length).toBeGreaterThanOrEqual(2);
    expect(m.candidates.length).toBeLessThanOrEqual(3);
    expect(m.candidates.map((c) => c.id)).toEqual(expect.arrayContaining(['shipping-fee', 'return-shipping-fee']));
  });

  it('falls back on chit-chat and questions outside the KB', () => {
    for (const q of ['今天天气怎么样', '给我讲个笑话', '明天会下雨吗']) expect(matcher.match(q).type, q).not.toBe('answer');
    expect(matcher.match('讲个笑话吧哈哈哈').type).toBe('fallback');
  });

  it('gives an empty question a fallback with no id', () => {
    expect(matcher.match('')).toEqual({ type: 'fallback', text: '', id: null, confidence: 0, candidates: [] });
    expect(matcher.match('？！。').type).toBe('fallback');
  });

  it('returns confidences in [0, 1], best first, non-increasing', () => {
    for (const q of ['怎么退货', '运费', '快递到哪了', 'iPhone 15 Pro 怎么激活', 'hello']) {
      const m = matcher.match(q);
      let prev = 1;
      for (const c of m.candidates) {
        expect(c.confidence).toBeGreaterThanOrEqual(0);
        expect(c.confidence).toBeLessThanOrEqual(prev);
        prev = c.confidence;
      }
      expect(m.confidence).toBe(m.candidates[0]?.confidence ?? 0);
    }
  });
});

describe('thresholds', () => {
  it('honours bot-wide thresholds: answer nothing at 1, everything at 0', async () => {
    const strict = await createMatcher(sampleKb, { thresholds: { answer: 1, clarify: 0.05 } });
    expect(strict.match('怎么申请退货').type).toBe('clarify');
    const lax = await createMatcher(sampleKb, { thresholds: { answer: 0, clarify: 0 } });
    expect(lax.match('今天天气怎么样').type).toBe('answer');
  });

  it('honours a per-FAQ threshold', async () => {
    const kb = { faqs: [{ id: 'a', question: '怎么退货', similar: ['我想退货'], answer: 'x', threshold: 1 }, { id: 'b', question: '发票怎么开', answer: 'y' }] };
    const m = await createMatcher(kb);
    expect(m.match('怎么退货').type).toBe('clarify');
    expect(m.match('发票怎么开').type).toBe('answer');
  });

  it('fits thresholds on the KB unless given, and rejects clarify above answer', async () => {
    expect(matcher.calibration.source).toBe('fitted');
    expect(matcher.thresholds.answer).toBe(matcher.calibration.answerThreshold);
    await expect(createMatcher(sampleKb, { thresholds: { answer: 0.3, clarify: 0.6 } })).rejects.toThrow(KefuError);
  });

  it('a higher expected out-of-scope share makes the fitted answer threshold stricter', async () => {
    const careful = await createMatcher(sampleKb, { outOfScopeShare: 0.6 });
    const eager = await createMatcher(sampleKb, { outOfScopeShare: 0.05 });
    expect(careful.thresholds.answer).toBeGreaterThan(eager.thresholds.answer);
    await expect(createMatcher(sampleKb, { outOfScopeShare: 1 })).rejects.toThrow('kefu: outOfScopeShare must be between 0 and 1');
  });

  it('uses the default calibration for KBs without similar questions', async () => {
    const m = await createMatcher({ faqs: [{ id: 'a', question: '怎么退货', answer: 'x' }, { id: 'b', question: '发票怎么开', answer: 'y' }] });
    expect(m.calibration.source).toBe('default');
    answered(m.match('怎么退货'), 'a');
  });
});

describe('patterns and required terms', () => {
  it('a pattern brings its FAQ in whatever the filler words', async () => {
    const kb = {
      synonyms: [['退货', '退掉']],
      faqs: [
        { id: 'ret', question: '退货流程', answer: 'x', patterns: ['(怎么|如何) @退货'] },
        { id: 'inv', question: '发票', answer: 'y' },
      ],
    };
    const m = await createMatcher(kb);
    expect(m.explain('请问这个东西到底要如何退掉呢').explanation.candidates[0]).toMatchObject({ id: 'ret', signals: { pattern: 1 } });
  });

  it('a required term vetoes an FAQ whose word is missing', async () => {
    const kb = { faqs: [{ id: 'gift', question: '生日礼物怎么领', similar: ['生日有礼吗'], answer: 'x', required: ['生日'] }, { id: 'other', question: '礼品卡怎么用', answer: 'y' }] };
    const m = await createMatcher(kb);
    expect(m.match('礼物怎么领').candidates.map((c) => c.id)).not.toContain('gift');
    expect(m.match('生日礼物怎么领').id).toBe('gift');
  });
});

describe('toJSON / fromJSON', () => {
  it('a saved and reloaded index gives identical answers', () => {
    const saved = JSON.parse(JSON.stringify(matcher.toJSON()));
    const loaded = KefuMatcher.fromJSON(saved, { segmenter: undefined });
    const questions = ['怎么退货', '這件衣服可以退貨嗎', 'fapiao zenme kai', '运费', '今天天气怎么样', 'iPhone 15 Pro 保修多久', '优惠卷用不了'];
    const reloaded = createMatcherLike(saved);
    for (const q of questions) expect(reloaded.match(q), q).toEqual(matcher.match(q));
    expect(loaded.size).toEqual(matcher.size);
  });

  it('rejects an unknown index version and foreign JSON', () => {
    const saved = matcher.toJSON();
    expect(() => KefuMatcher.fromJSON({ ...saved, version: 99 })).toThrow('kefu: index version 99 is not supported');
    expect(() => KefuMatcher.fromJSON({ hello: 1 })).toThrow('kefu: not a kefu index');
  });
});

describe('ablation', () => {
  // Every ablation building the sample KB: ablation.slow.test.ts.
  it('rejects an unknown ablation', async () => {
    await expect(createMatcher(sampleKb, { ablate: ['nope' as never] })).rejects.toThrow('kefu: unknown ablation "nope"');
  });
});

/** fromJSON with the same segmenter as the original (nodejieba in Node). */
function createMatcherLike(saved: unknown): KefuMatcher {
  return KefuMatcher.fromJSON(saved, { segmenter: (matcher.engine.extractor as unknown as { segmenter: never }).segmenter });
}
