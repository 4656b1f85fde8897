import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { knowledgeBaseJsonSchema } from '../../src/kb/schema';
import { parseKbFile } from '../../src/kb/parse';
import { readKnowledgeBase, loadKnowledgeBase, KefuKnowledgeBaseError, formatProblem, knowledgeBaseFromObject } from '../../src/index';
import { sampleKb, tempKb } from '../helpers';

const ok = `faqs:
  - id: return-apply
    question: 怎么申请退货
    similar: [我想退货]
    answer: 在订单页申请退货。
`;

async function problemsOf(files: Record<string, string>) {
  const { problems } = await readKnowledgeBase(tempKb(files));
  return problems;
}

describe('loadKnowledgeBase', () => {
  it('loads the sample KB: a folder of YAML files, recursively', async () => {
    const kb = await loadKnowledgeBase(sampleKb);
    expect(kb.faqs.length).toBeGreaterThanOrEqual(60);
    expect(kb.synonyms.length).toBeGreaterThan(10);
    expect(kb.warnings).toEqual([]);
    const faq = kb.faqs.find((f) => f.id === 'return-apply')!;
    expect(faq.source?.file).toMatch(/after-sales\.yaml$/);
    expect(faq.source?.line).toBeGreaterThan(0);
  });

  it('loads JSON with the same shape, and a single file', async () => {
    const dir = tempKb({ 'kb.json': JSON.stringify({ faqs: [{ id: 'a', question: '怎么退货', answer: '这样退' }] }, null, '\t') });
    const kb = await loadKnowledgeBase(`${dir}/kb.json`);
    expect(kb.faqs.map((f) => f.id)).toEqual(['a']);
  });

  it('throws KefuKnowledgeBaseError listing every error with file and line', async () => {
    const dir = tempKb({ 'a.yaml': ok, 'b.yaml': ok });
    const err = await loadKnowledgeBase(dir).catch((e) => e);
    expect(err).toBeInstanceOf(KefuKnowledgeBaseError);
    expect(err.message).toContain('b.yaml:2');
    expect(err.message).toContain('id "return-apply" is already used at');
  });

  it('reports a YAML syntax error with its line', async () => {
    const [p] = await problemsOf({ 'bad.yaml': 'faqs:\n  - id: a\n    question: [unclosed\n' });
    expect(p.code).toBe('parse-error');
    expect(p.file).toMatch(/bad\.yaml$/);
    expect(p.line).toBeGreaterThanOrEqual(3);
    expect(p.message).toMatch(/^not valid YAML/);
  });

  it('reports invalid JSON as JSON', async () => {
    const [p] = await problemsOf({ 'bad.json': '{"faqs": [\n  {"id": "a",}\n]}' });
    expect(p.code).toBe('parse-error');
    expect(p.message).toMatch(/^not valid JSON/);
    expect(p.line).toBe(2);
  });

  it('names a missing field, its FAQ and line', async () => {
    const [p] = await problemsOf({ 'kb.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n' });
    expect(p).toMatchObject({ code: 'schema', faqId: 'a', line: 2, path: 'faqs[0].answer', message: 'missing required field "answer"' });
  });

  it('rejects an empty question and an empty answer as empty-text', async () => {
    const problems = await problemsOf({ 'kb.yaml': 'faqs:\n  - id: a\n    question: "  "\n    answer: ""\n' });
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['empty-text', 'faqs[0].question', 3],
      ['empty-text', 'faqs[0].answer', 4],
    ]);
    expect(problems[0].message).toBe('question must not be empty');
  });

  it('rejects unknown fields and suggests the closest known one', async () => {
    const [p] = await problemsOf({ 'kb.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    answr: 这样\n    answer: 这样\n' });
    expect(p.code).toBe('unknown-field');
    expect(p.line).toBe(4);
    expect(p.message).toContain('"answr" (did you mean "answer"?)');
  });

  it('rejects duplicate ids across files, naming both places', async () => {
    const problems = await problemsOf({ 'a.yaml': ok, 'sub/b.yaml': ok });
    const dup = problems.find((p) => p.code === 'duplicate-id')!;
    expect(dup.file).toMatch(/sub\/b\.yaml$/);
    expect(dup.message).toMatch(/a\.yaml:2/);
  });

  it('rejects the same normalized question under two ids (width, case, punctuation, spaces)', async () => {
    const problems = await problemsOf({
      'kb.yaml': `faqs:
  - id: a
    question: iPhone怎么退货？
    answer: x
  - id: b
    question: ＩＰＨＯＮＥ 怎么退货
    answer: y
`,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'duplicate-question', faqId: 'b', severity: 'error', line: 6 });
    expect(problems[0].message).toContain('FAQ "a"');
  });

  it('only warns when two questions differ just in traditional/simplified script', async () => {
    const problems = await problemsOf({ 'kb.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    answer: x\n  - id: b\n    question: 怎麼退貨\n    answer: y\n' });
    expect(problems.map((p) => [p.severity, p.code, p.faqId])).toEqual([['warning', 'duplicate-question', 'b']]);
  });

  it('warns (not fails) when one FAQ repeats its own question', async () => {
    const problems = await problemsOf({ 'kb.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    similar: [怎么 退货]\n    answer: x\n' });
    expect(problems.map((p) => [p.severity, p.code])).toEqual([['warning', 'duplicate-question']]);
  });

  it('rejects reserved ids and broken patterns', async () => {
    const problems = await problemsOf({
      'kb.yaml': 'faqs:\n  - id: fallback\n    question: 一\n    answer: x\n  - id: b\n    question: 怎么退货\n    answer: x\n    patterns: ["(怎么|如何 退货"]\n',
    });
    expect(problems.map((p) => p.code).sort()).toEqual(['bad-pattern', 'reserved-id']);
    expect(problems.find((p) => p.code === 'bad-pattern')!.message).toContain('"(" without ")"');
  });

  it('refuses __proto__ and constructor keys', async () => {
    const [p] = await problemsOf({ 'kb.yaml': 'faqs:\n  - id: a\n    __proto__: {polluted: true}\n    question: q\n    answer: x\n' });
    expect(p).toMatchObject({ code: 'forbidden-key', line: 3 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const [j] = await problemsOf({ 'kb.json': '{"faqs": [{"id": "a", "constructor": 1, "question": "q", "answer": "x"}]}' });
    expect(j.code).toBe('forbidden-key');
  });

  it('refuses a YAML alias bomb without expanding it', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    bomb.push('faqs: []');
    const [p] = await problemsOf({ 'kb.yaml': bomb.join('\n') });
    expect(p.code).toBe('alias-bomb');
  });

  it('refuses absurd nesting and oversized files', async () => {
    const deep = `faqs: ${'['.repeat(100)}${']'.repeat(100)}`;
    const [p] = await problemsOf({ 'kb.yaml': deep });
    expect(p.code).toBe('too-deep');
    const { problems } = await readKnowledgeBase(tempKb({ 'big.yaml': `faqs: []\n# ${'x'.repeat(2000)}` }), { maxFileBytes: 1000 });
    expect(problems[0].code).toBe('file-too-large');
  });

  it('limits KB files in bytes (5 MB by default), naming the file and its size', async () => {
    // 1.7 million Chinese characters: 5.1 MB in UTF-8 although under 5 million characters.
    const dir = tempKb({ 'big.yaml': `faqs:\n  - id: a\n    question: 怎么退货\n    answer: 好\n# ${'退'.repeat(1_700_000)}\n` });
    const { problems } = await readKnowledgeBase(dir);
    expect(problems.map((p) => p.code)).toEqual(['file-too-large', 'no-faqs']);
    expect(formatProblem(problems[0])).toBe(`error: ${path.join(dir, 'big.yaml')}: file is 5,100,062 bytes (5.1 MB), over the limit of 5,000,000 bytes (5 MB); split it into several files, or raise maxFileBytes`);
    expect((await readKnowledgeBase(dir, { maxFileBytes: 6_000_000 })).problems).toEqual([]);
    // The same check for text given directly (browser: no file size to look at).
    const [p] = parseKbFile('# 退退退\nfaqs: []', 'kb.yaml', { maxFileBytes: 10 }).problems;
    expect(p).toMatchObject({ code: 'file-too-large', file: 'kb.yaml', message: expect.stringContaining('file is 20 bytes') });
  });

  it('a malformed file never throws: it becomes problems', async () => {
    for (const text of ['', '42', '- a\n- b', 'faqs: 3', '\u0000\u0001', 'faqs:\n  - 1\n  - null']) {
      const problems = await problemsOf({ 'kb.yaml': text });
      expect(problems.length, JSON.stringify(text)).toBeGreaterThan(0);
      for (const p of problems) expect(formatProblem(p)).toMatch(/^error: /);
    }
  });

  it('warns about categories not declared under `categories`', async () => {
    const problems = await problemsOf({ 'kb.yaml': 'categories: [{id: order}]\nfaqs:\n  - id: a\n    question: q\n    answer: x\n    category: ordr\n' });
    expect(problems).toMatchObject([{ severity: 'warning', code: 'unknown-category' }]);
  });

  it('throws a clear error when the path does not exist', async () => {
    await expect(loadKnowledgeBase('/nonexistent/kb')).rejects.toThrow('kefu: knowledge base "/nonexistent/kb" not found');
  });
});

describe('knowledgeBaseFromObject', () => {
  it('validates in-memory KBs with the same rules', () => {
    expect(knowledgeBaseFromObject({ faqs: [{ id: 'a', question: '怎么退货', answer: 'x' }] }).faqs).toHaveLength(1);
    expect(() => knowledgeBaseFromObject({ faqs: [{ id: 'a', question: '', answer: 'x' }] })).toThrow(/faq "a" \(faqs\[0\]\.question\): question must not be empty/);
  });
});

describe('knowledgeBaseJsonSchema', () => {
  it('describes the file format for editors', () => {
    const schema = knowledgeBaseJsonSchema() as { properties: Record<string, { items?: { required?: string[]; properties?: Record<string, unknown> } }> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['faqs', 'synonyms', 'vocabulary', 'thresholds']));
    expect(schema.properties.faqs.items?.required).toEqual(expect.arrayContaining(['id', 'question', 'answer']));
    expect(Object.keys(schema.properties.faqs.items!.properties!)).toEqual(expect.arrayContaining(['patterns', 'handoff', 'priority', 'keywords']));
  });

  it('matches the committed schema/kb.schema.json', async () => {
    const { readFile } = await import('node:fs/promises');
    const committed = JSON.parse(await readFile(new URL('../../schema/kb.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(knowledgeBaseJsonSchema());
  });
});
