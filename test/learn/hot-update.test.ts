/** Hot updates, the quick checks: an added FAQ's category and place. Checked against full rebuilds of the sample KB: hot-update.slow.test.ts. */
import { describe, expect, it } from 'vitest';
import { createMatcher } from '../../src/index';
import { loadPosition } from '../../src/kb/order';
import type { KefuFaq } from '../../src/kb/schema';

describe('hot update of a running bot', () => {
  it("gives an added FAQ its category's handoff and priority, as loading does", async () => {
    const categories = [{ id: 'after-sales', handoff: 'offer' as const, priority: 'high' as const }];
    const matcher = await createMatcher({ categories, faqs: [{ id: 'return-apply', question: '怎么退货', answer: '在订单页申请。', category: 'after-sales' }] }, { consolidateMs: false });
    matcher.addFaq({ id: 'exchange', question: '怎么换货', similar: [], answer: '在订单页申请换货。', category: 'after-sales' });
    expect(matcher.faq('exchange')).toMatchObject({ handoff: 'offer', priority: 'high' });
    const loaded = await createMatcher({ categories, faqs: [...matcher.kb.faqs.map(({ source: _s, handoff: _h, priority: _p, ...f }) => f)] });
    expect(loaded.faq('exchange')).toMatchObject({ handoff: 'offer', priority: 'high' });
  });

  it('places an added FAQ where loading the files would: after its file, or where its new file sorts', () => {
    const at = (id: string, file?: string) => ({ id, question: id, similar: [], answer: '-', ...(file ? { source: { file } } : {}) }) as KefuFaq;
    const faqs = [at('a1', 'kb/a.yaml'), at('a2', 'kb/a.yaml'), at('n1', 'kb/sub/n.yaml'), at('z1', 'kb/z.yaml')];
    expect(loadPosition(faqs, at('x', 'kb/a.yaml'))).toBe(2);
    expect(loadPosition(faqs, at('x', '/srv/bot/kb/./a.yaml'))).toBe(2); // the same file, given absolute
    expect(loadPosition(faqs, at('x', 'kb/m.yaml'))).toBe(2); // a new file between a.yaml and the sub/ folder
    expect(loadPosition(faqs, at('x', 'kb/sub/b.yaml'))).toBe(2);
    expect(loadPosition(faqs, at('x', 'kb/sub/o.yaml'))).toBe(3);
    expect(loadPosition(faqs, at('x', 'kb/zz.yaml'))).toBe(4);
    expect(loadPosition(faqs, at('x'))).toBe(4); // no file: at the end
    expect(loadPosition([at('o1', '<object>')], at('x', 'kb/a.yaml'))).toBe(1);
  });
});
