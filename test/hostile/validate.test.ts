/** Issue 18, item 10: answers with variables nobody declares are flagged at validate time. */
import { describe, expect, it } from 'vitest';
import { readKnowledgeBase } from '../../src/index';
import { tempKb } from '../helpers';

describe('validate and answer variables', () => {
  it('warns about {nosuchvar}, not about declared ones or shopName', async () => {
    const kb = tempKb({
      '_settings.yaml': 'variables:\n  userName: 亲\n',
      'faq.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    answer: "{userName}您好，{shopName}支持退货，{nosuchvar}"\n',
    });
    const problems = (await readKnowledgeBase(kb)).problems.filter((p) => p.code === 'undeclared-variable');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'warning', faqId: 'a', message: expect.stringContaining('{nosuchvar}') });
  });
});
