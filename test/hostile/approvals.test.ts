/**
 * Issue 18, item 6: an approval that would break the KB is refused before any byte is
 * written, naming what is wrong; the item stays open.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approveLearningItem, createBot, createMatcher, KefuLearner, type KefuApproval } from '../../src/index';
import { tempKb } from '../helpers';

const FILES = {
  'pay.yaml': 'faqs:\n  - id: pay\n    question: 怎么付款\n    answer: 支持微信和支付宝。\n',
  'ship.yaml': 'categories:\n  - id: logistics\nfaqs:\n  - id: ship\n    question: 多久发货\n    answer: 48小时内发货。\n    category: logistics\n',
};

function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

describe('approvals are validated against the whole KB first', () => {
  const cases: [string, (kb: string) => KefuApproval, RegExp, string?][] = [
    ['an id already used in another file', (kb) => ({ newFaq: { id: 'ship', answer: '可以' }, file: path.join(kb, 'pay.yaml') }), /id "ship" is already used/],
    ['an id with a path in it', (kb) => ({ newFaq: { id: 'bad id/../x', answer: '可以' }, file: path.join(kb, 'pay.yaml') }), /faq "bad id\/\.\.\/x"|id/],
    ['a reserved id', (kb) => ({ newFaq: { id: 'fallback', answer: '可以' }, file: path.join(kb, 'pay.yaml') }), /reserved|fallback/],
    ['an empty answer', (kb) => ({ newFaq: { id: 'new-one', answer: '' }, file: path.join(kb, 'pay.yaml') }), /answer/],
    ['a question another FAQ already has', (kb) => ({ newFaq: { id: 'new-one', answer: '可以' }, file: path.join(kb, 'pay.yaml') }), /多久发货|question/, '多久发货'],
    ['a file that is not a KB file', (kb) => ({ newFaq: { id: 'new-one', answer: '可以' }, file: path.join(kb, 'notes.txt') }), /\.yaml, \.yml or \.json/],
    ['a file outside the KB', (kb) => ({ newFaq: { id: 'new-one', answer: '可以' }, file: path.join(kb, '..', 'elsewhere.yaml') }), /outside the knowledge base/],
    ['a question of emoji only', (kb) => ({ newFaq: { id: 'new-one', answer: '可以' }, file: path.join(kb, 'pay.yaml') }), /question|empty/, '😀😀😀'],
    ['emoji only as more questions of an FAQ', () => ({ faqId: 'pay' }), /similar|empty|question/, '😀😀😀'],
  ];
  for (const [name, approval, message, text] of cases) {
    it(`refuses ${name}, writing nothing`, async () => {
      const kb = tempKb(FILES);
      const learner = new KefuLearner(await createMatcher(kb, { segmenter: 'intl' }));
      const item = (await learner.capture({ text: text ?? '可以开发票吗', reason: 'fallback' }))!;
      const before = snapshot(kb);
      const err = await approveLearningItem(learner, item.id, kb, approval(kb)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'approval-invalid' });
      expect((err as Error).message).toMatch(/nothing was written/);
      expect((err as Error).message).toMatch(message);
      expect(snapshot(kb)).toEqual(before);
      expect((await learner.get(item.id)).status).toBe('open');
      await expect(createBot({ knowledgeBase: kb, segmenter: 'intl' })).resolves.toBeTruthy();
    }, 60_000);
  }

  it('still accepts a good new FAQ', async () => {
    const kb = tempKb(FILES);
    const learner = new KefuLearner(await createMatcher(kb, { segmenter: 'intl' }));
    const item = (await learner.capture({ text: '可以开发票吗', reason: 'fallback' }))!;
    await approveLearningItem(learner, item.id, kb, { newFaq: { id: 'invoice', answer: '可以开电子发票。', category: 'logistics' }, file: path.join(kb, 'sub', 'invoice.yaml') });
    const bot = await createBot({ knowledgeBase: kb, segmenter: 'intl' });
    expect((await bot.ask('可以开发票吗')).type).toBe('answer');
  }, 60_000);
});
