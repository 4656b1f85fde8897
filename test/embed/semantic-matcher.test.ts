import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMatcher, KefuMatcher } from '../../src/index';
import { loadEmbedder } from '../../src/embed/load';

const inCI = process.env.CI === 'true';
const KB = join(__dirname, '../../knowledge-base');
const loaded = await loadEmbedder('auto', { warn: () => {} });
let ran = 0;

describe.runIf(inCI || loaded.embedder !== undefined)('semantic matching on the sample KB (real model)', async () => {
  const matcher = await createMatcher(KB, { consolidateMs: false });
  const lexical = await createMatcher(KB, { consolidateMs: false, semantic: false });
  const ask = async (m: KefuMatcher, q: string) => m.match(await m.prepare(q));
  afterAll(() => console.log(`[real components] semantic: ${ran} matcher tests ran on ${matcher.embedding.name}`));

  it('is on by default in Node and says which path runs', () => {
    expect(matcher.embedding.path).toBe('onnxruntime-node');
    expect(matcher.semantic.on).toBe(true);
    expect(matcher.semantic.weight).toBeGreaterThan(0);
    expect(lexical.semantic.on).toBe(false);
    expect(lexical.embedding).toMatchObject({ path: 'lexical', reason: 'semantic matching switched off' });
    ran++;
  });

  it('declines off-topic questions the lexical matcher answered', async () => {
    for (const q of ['今年高考是几号', '比特币现在多少钱一个', '考驾照科目二有什么技巧']) {
      expect((await ask(matcher, q)).type, q).not.toBe('answer');
    }
    ran++;
  });

  it('keeps the order and spread of the candidates it holds back from answering', async () => {
    // Far in meaning from every FAQ (under the answer floor): not answered, and the candidates
    // are not all flattened to one confidence (a "did you mean" could not tell them apart).
    const m = await ask(matcher, '茅台的股价今天涨了没有');
    expect(m.type).not.toBe('answer');
    const conf = m.candidates.map((c) => c.confidence);
    expect(conf[0]).toBeGreaterThan(conf[conf.length - 1]!);
    for (let i = 1; i < conf.length; i++) expect(conf[i]).toBeLessThanOrEqual(conf[i - 1]!);
    ran++;
  });

  it('answers a paraphrase that shares few words with the FAQ', async () => {
    const m = await ask(matcher, '东西坏了能给我退掉吗');
    expect(m.candidates.map((c) => c.id)).toContain('return-apply');
    ran++;
  });

  it('keeps its vectors in the saved index and answers the same after restoring it', async () => {
    const json = JSON.parse(JSON.stringify(matcher.toJSON()));
    expect(json.semantic.model).toBe(matcher.semantic.model);
    const restored = KefuMatcher.fromJSON(json, { embedder: loaded.embedder });
    for (const q of ['怎么退货', '运费谁出', '今年高考是几号']) {
      const [a, b] = [await ask(restored, q), await ask(matcher, q)];
      expect([a.type, a.id, a.candidates.map((c) => c.id)]).toEqual([b.type, b.id, b.candidates.map((c) => c.id)]);
      // confidences agree to within 0.01 (an off-topic question's capped confidences differ slightly)
      a.candidates.forEach((c, i) => expect(Math.abs(c.confidence - b.candidates[i]!.confidence)).toBeLessThan(0.01));
    }
    // without the embedder, the saved index answers lexically with its lexical calibration
    const noModel = KefuMatcher.fromJSON(json);
    expect(noModel.semantic.on).toBe(false);
    expect(noModel.match('怎么申请退货').id).toBe('return-apply');
    ran++;
  });

  it('embeds questions added to the running index', async () => {
    const m = await createMatcher(KB, { consolidateMs: false });
    m.addQuestions('payment-methods', ['支持数字人民币支付吗']);
    await m.engine.semantic!.pending;
    expect((await ask(m, '支持数字人民币支付吗')).id).toBe('payment-methods');
    ran++;
  });
});
