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

describe('file names', () => {
  it('follows symlinked KB files, names a dangling one, prints control characters escaped', async () => {
    const { symlinkSync, writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { formatProblem } = await import('../../src/errors');
    const real = tempKb({ 'real.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    answer: 七天无理由。\n' });
    const kb = tempKb({});
    symlinkSync(path.join(real, 'real.yaml'), path.join(kb, 'linked.yaml'));
    expect((await readKnowledgeBase(kb)).kb.faqs.map((f) => f.id)).toEqual(['a']);
    symlinkSync(path.join(real, 'gone.yaml'), path.join(kb, 'dangling.yaml'));
    const evil = 'evil\x1b[31m.yaml';
    writeFileSync(path.join(kb, evil), 'faqs: [oops');
    const problems = (await readKnowledgeBase(kb)).problems.filter((p) => p.severity === 'error');
    expect(problems.map((p) => p.file?.split('/').pop())).toEqual(expect.arrayContaining(['dangling.yaml', evil]));
    const printed = problems.map(formatProblem).join('\n');
    expect(printed).not.toContain('\x1b');
    expect(printed).toContain('evil\\x1b[31m.yaml');
  });
});
