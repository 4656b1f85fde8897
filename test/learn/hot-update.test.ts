import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { approveLearningItem, createMatcher, KefuBot, KefuLearner, KefuMatcher } from '../../src/index';
import { repoRoot, sampleKb } from '../helpers';

function copyOfSampleKb(): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kefu-hot-')), 'kb');
  cpSync(sampleKb, dir, { recursive: true });
  return dir;
}

const caseQuestions = readdirSync(path.join(repoRoot, 'test/cases'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => (parse(readFileSync(path.join(repoRoot, 'test/cases', f), 'utf8')).cases as { question: string }[]).map((c) => c.question));

describe('hot update of a running bot', () => {
  it('answers a newly learned question at once, ranking like a full rebuild on the sample cases', async () => {
    const kb = copyOfSampleKb();
    const matcher = await createMatcher(kb);
    const bot = new KefuBot(matcher);
    const learner = new KefuLearner(matcher);
    const asked = '支持数字人民币支付吗';
    expect((await bot.ask(asked, { sessionId: 'before' })).type).not.toBe('answer');
    for (const q of [asked, '可以用数字人民币付款吗', '数字人民币能付款吗']) await learner.capture({ text: q, reason: 'fallback' });
    await approveLearningItem(learner, (await learner.list())[0].id, kb, { faqId: 'payment-methods' }, { matcher });
    expect(await bot.ask('数字人民币可以付吗', { sessionId: 'after' })).toMatchObject({ id: 'payment-methods' });

    const rebuilt = await createMatcher(kb);
    const same = caseQuestions.filter((q) => {
      const a = matcher.match(q);
      const b = rebuilt.match(q);
      return a.type === b.type && a.id === b.id;
    }).length;
    const sameBest = caseQuestions.filter((q) => matcher.match(q).id === rebuilt.match(q).id).length;
    console.log(`[hot update] vs a full rebuild on ${caseQuestions.length} sample cases: same best FAQ ${sameBest}, same decision ${same} (thresholds: hot ${JSON.stringify(matcher.thresholds)}, rebuilt ${JSON.stringify(rebuilt.thresholds)})`);
    expect(sameBest / caseQuestions.length).toBeGreaterThanOrEqual(0.95);
  });

  it('adds a whole new FAQ to the running index, and a saved index reloads identically', async () => {
    const matcher = await createMatcher(sampleKb);
    matcher.addFaq({ id: 'used-phones', question: '你们卖不卖二手手机', similar: ['有二手手机卖吗'], answer: '本店只销售全新正品。' });
    expect(matcher.match('卖二手手机吗').id).toBe('used-phones');
    const reloaded = KefuMatcher.fromJSON(JSON.parse(JSON.stringify(matcher.toJSON())), { segmenter: (matcher as unknown as { extractor: { segmenter: never } }).extractor.segmenter });
    for (const q of ['卖二手手机吗', '怎么退货', '运费']) expect(reloaded.match(q)).toEqual(matcher.match(q));
    expect(() => matcher.addFaq({ id: 'used-phones', question: 'x', similar: [], answer: 'y' })).toThrow('kefu: FAQ "used-phones" is already in this index');
    expect(() => matcher.addQuestions('nope', ['x'])).toThrow('kefu: no FAQ "nope"');
  });

  const evalKb = path.resolve(repoRoot, '../shared/eval/zh-afqmc-scale/kb.jsonl');
  const haveEval = existsSync(evalKb);
  it.runIf(haveEval || process.env.CI === 'true')('updates a 10,000-FAQ index in under 5% of a full build', async () => {
    expect(haveEval, `${evalKb} is missing`).toBe(true);
    const faqs = readFileSync(evalKb, 'utf8').trim().split('\n').map((l) => ({ ...JSON.parse(l), answer: '-' }));
    await createMatcher({ faqs: faqs.slice(0, 50) }); // segmenter loaded outside the timings
    const t0 = performance.now();
    const matcher = await createMatcher({ faqs });
    const build = performance.now() - t0;
    const t1 = performance.now();
    matcher.addQuestions(faqs[0].id, ['花呗能不能用数字人民币还款']);
    const update = performance.now() - t1;
    console.log(`[hot update] zh-afqmc-scale: full build ${build.toFixed(0)} ms, adding a question ${update.toFixed(1)} ms (${((update / build) * 100).toFixed(1)}%)`);
    expect(update).toBeLessThan(build * 0.05);
    expect(matcher.match('花呗能不能用数字人民币还款').id).toBe(faqs[0].id);
  });
});
