import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { addFaq, addSimilarQuestions, approveLearningItem, createMatcher, KefuLearner, readKnowledgeBase } from '../../src/index';
import { cli, repoRoot, sampleKb } from '../helpers';

const dist = pathToFileURL(path.join(repoRoot, 'dist/index.js')).href;
// writeFileAtomic is not public: the writer script reaches it where bench/ and scripts/ do.
const internal = pathToFileURL(path.join(repoRoot, 'dist/internal.js')).href;

function copyOfSampleKb(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kefu-wb-')), 'kb');
  cpSync(sampleKb, dir, { recursive: true });
  return dir;
}

describe('approving learned questions into KB files', () => {
  it('writes into the file that owns the FAQ, keeping its comments, and the rebuilt bot answers', async () => {
    const kb = copyOfSampleKb();
    const before = readFileSync(path.join(kb, 'payment.yaml'), 'utf8');
    const learner = new KefuLearner(await createMatcher(kb));
    for (const q of ['支持数字人民币支付吗', '可以用数字人民币付款吗', '数字人民币能付款吗']) await learner.capture({ text: q, reason: 'fallback' });
    const [item] = await learner.list();
    const { file, questions } = await approveLearningItem(learner, item.id, kb, { faqId: 'payment-methods' });
    expect(file).toBe(path.join(kb, 'payment.yaml'));
    expect(questions).toHaveLength(3);
    const after = readFileSync(file, 'utf8');
    for (const line of before.split('\n').filter((l) => l.trim().startsWith('#'))) expect(after).toContain(line);
    expect(after).toContain('- 支持数字人民币支付吗');
    expect(readFileSync(path.join(kb, 'order.yaml'), 'utf8')).toBe(readFileSync(path.join(sampleKb, 'order.yaml'), 'utf8'));
    expect((await readKnowledgeBase(kb)).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect((await createMatcher(kb)).match('数字人民币可以付吗').id).toBe('payment-methods');
    expect((await learner.list()).length).toBe(0);
    expect((await learner.get(item.id)).approvedAs).toEqual({ faqId: 'payment-methods', kind: 'similar' });
  });

  it('adds only the new lines: flow lists, quoting, comments and blank lines stay as written', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kefu-fmt-'));
    const file = path.join(dir, 'kb.yaml');
    const original = [
      '# 退换货',
      'faqs:',
      '  - id: return-apply',
      "    question: '怎么申请退货'",
      '    similar: [我想退货, "退货流程是什么"]   # flow list, as written',
      '    answer: "在“我的-订单”中申请售后"',
      '    keywords: [退货]',
      '',
      '  - id: exchange',
      '    question: 怎么换货',
      '    similar:',
      '      - "换货: 怎么弄"',
      '    answer: 换货请联系客服',
      '',
      '  - id: refund-time',
      '    question: 退款多久到账',
      '    answer: 1-3个工作日',
      '# end of file',
      '',
    ].join('\n');
    writeFileSync(file, original);
    await addSimilarQuestions(file, 'return-apply', ['可以退吗', '退货, 运费谁出']);
    await addSimilarQuestions(file, 'exchange', ['换货流程']);
    await addSimilarQuestions(file, 'refund-time', ['钱什么时候退回来: 急']);
    await addFaq(file, { id: 'used-phones', question: '卖二手手机吗', answer: '只卖全新正品。' });
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('    similar: [我想退货, "退货流程是什么", 可以退吗, "退货, 运费谁出"]   # flow list, as written');
    // Every original line is still there, in order; the only other lines are the new ones.
    const added = after.split('\n').filter((l) => !original.split('\n').includes(l));
    expect(added).toEqual([
      '    similar: [我想退货, "退货流程是什么", 可以退吗, "退货, 运费谁出"]   # flow list, as written',
      '      - 换货流程',
      // (and a '    similar:' line, which the file already had elsewhere)
      '      - "钱什么时候退回来: 急"',
      '  - id: used-phones',
      '    question: 卖二手手机吗',
      '    answer: 只卖全新正品。',
    ]);
    expect(after.split('\n').length).toBe(original.split('\n').length + 7); // 6 new lines and a blank one before the new FAQ; the flow list's line changed in place
    expect(after.endsWith('# end of file\n')).toBe(true);
    const faqs = parse(after).faqs;
    expect(faqs.map((f: { id: string }) => f.id)).toEqual(['return-apply', 'exchange', 'refund-time', 'used-phones']);
    expect(faqs[2].similar).toEqual(['钱什么时候退回来: 急']);
  });

  it('kefu learn approve on the sample KB changes only the lines it adds', async () => {
    const kb = copyOfSampleKb();
    const file = path.join(kb, 'payment.yaml');
    const before = readFileSync(file, 'utf8');
    await addSimilarQuestions(file, 'payment-methods', ['支持数字人民币支付吗']);
    const after = readFileSync(file, 'utf8');
    expect(after.split('\n').filter((l) => !before.split('\n').includes(l))).toEqual(['      - 支持数字人民币支付吗']);
    expect(after.split('\n').length).toBe(before.split('\n').length + 1);
  });

  it('adds a new FAQ into the file you choose', async () => {
    const kb = copyOfSampleKb();
    const learner = new KefuLearner(await createMatcher(kb));
    const item = (await learner.capture({ text: '你们卖不卖二手手机', reason: 'fallback' }))!;
    await learner.capture({ text: '有二手手机卖吗', reason: 'fallback' });
    await approveLearningItem(learner, item.id, kb, { newFaq: { id: 'used-phones', answer: '本店只销售全新正品，不销售二手商品。', category: 'product' }, file: path.join(kb, 'product.yaml') });
    const data = parse(readFileSync(path.join(kb, 'product.yaml'), 'utf8'));
    expect(data.faqs.at(-1)).toMatchObject({ id: 'used-phones', question: '你们卖不卖二手手机', similar: ['有二手手机卖吗'], category: 'product' });
    expect((await createMatcher(kb)).match('卖二手手机吗').id).toBe('used-phones');
  });

  it('keeps both of two approvals made at once from two OS processes', async () => {
    const kb = copyOfSampleKb();
    const file = path.join(kb, 'payment.yaml');
    const script = (q: string) => `import { addSimilarQuestions } from ${JSON.stringify(dist)}; for (let i = 0; i < 5; i++) await addSimilarQuestions(${JSON.stringify(file)}, 'payment-methods', [${JSON.stringify(q)} + i]);`;
    const run = (q: string) =>
      new Promise<number>((resolve) => spawn(process.execPath, ['--input-type=module', '-e', script(q)], { stdio: 'inherit' }).on('exit', (c) => resolve(c ?? 1)));
    expect(await Promise.all([run('进程甲的问题'), run('进程乙的问题')])).toEqual([0, 0]);
    const similar: string[] = parse(readFileSync(file, 'utf8')).faqs.find((f: { id: string }) => f.id === 'payment-methods').similar;
    for (let i = 0; i < 5; i++) expect(similar).toEqual(expect.arrayContaining([`进程甲的问题${i}`, `进程乙的问题${i}`]));
  });

  it('a writer SIGKILLed mid-write leaves the old file or the new one, never a broken one', async () => {
    const kb = copyOfSampleKb();
    const file = path.join(kb, 'payment.yaml');
    const original = readFileSync(file, 'utf8');
    const big = `${original}\n# ${'填充'.repeat(200_000)}\n`;
    const scriptFile = path.join(path.dirname(kb), 'writer.mjs');
    // The two contents come from files beside the KB: each writer must write exactly these.
    writeFileSync(path.join(path.dirname(kb), 'original.txt'), original);
    writeFileSync(path.join(path.dirname(kb), 'big.txt'), big);
    writeFileSync(
      scriptFile,
      `import { readFileSync } from 'node:fs'; import { writeFileAtomic } from ${JSON.stringify(internal)};
const original = readFileSync(${JSON.stringify(path.join(path.dirname(kb), 'original.txt'))}, 'utf8'); const big = readFileSync(${JSON.stringify(path.join(path.dirname(kb), 'big.txt'))}, 'utf8');
for (;;) { await writeFileAtomic(${JSON.stringify(file)}, big); await writeFileAtomic(${JSON.stringify(file)}, original); }`,
    );
    for (const delay of [150, 300, 450]) {
      const child = spawn(process.execPath, [scriptFile], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      // A writer that died by itself (code set) never wrote: that is a broken test, not a pass.
      expect(await exited, 'the writer ran until killed').toBeNull();
      const now = readFileSync(file, 'utf8');
      expect(now === original || now === big, `after SIGKILL at ${delay} ms the file is ${now.length} chars`).toBe(true);
    }
    expect((await readKnowledgeBase(kb)).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('kefu learn approve does it from the CLI', () => {
    const kb = copyOfSampleKb();
    const queue = path.join(path.dirname(kb), 'q.jsonl');
    spawnSync(process.execPath, [cli, 'chat', kb, '--learn', queue], { input: '可以刷医保卡买吗\n', encoding: 'utf8' });
    const id = JSON.parse(spawnSync(process.execPath, [cli, 'learn', 'list', kb, '--learn', queue, '--format', 'json'], { encoding: 'utf8' }).stdout)[0].id;
    const r = spawnSync(process.execPath, [cli, 'learn', 'approve', kb, id, '--learn', queue, '--faq', 'payment-methods'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`✓ ${id} → payment-methods in ${path.join(kb, 'payment.yaml')}: 1 question added`);
    expect(readFileSync(path.join(kb, 'payment.yaml'), 'utf8')).toContain('可以刷医保卡买吗');
  });
});
