// The semantic index (src/match/semantic.ts) and the semantic scorer's cost paths
// (src/match/scorers/semantic.ts: the cascade, queries kept out of the vector cache), on
// vectors of the real model. The principal-component shortlist needs more FAQs than a test
// should embed (it starts above 1,172 FAQs of 512 dims; 10,000 here, as zh-afqmc-scale): those FAQ vectors are mixtures of
// real sentence vectors, so they spread over the model's space as a large KB's do.
import { afterAll, describe, expect, it } from 'vitest';
import { cosine, meanVector, normalize, withProgress, type Embedder } from '../../src/embed/embedder';
import { loadEmbedder } from '../../src/embed/load';
import { VectorCache, withVectorCache } from '../../src/embed/vector-cache';
import { createMatcher } from '../../src/index';
import { SemanticIndex } from '../../src/match/semantic';
import type { PcaFit } from '../../src/match/pca';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preparedRanking } from '../../src/match/scorers/semantic';

const inCI = process.env.CI === 'true';
const loaded = await loadEmbedder('auto', { warn: () => {} });
let ran = 0;

const FAQS = [
  ['怎么申请退货', '买的东西不想要了能退吗', '退货流程是什么'],
  ['多久能发货', '下单后什么时候发出', '几天能寄出来'],
  ['支持哪些支付方式', '可以用微信付款吗', '能刷信用卡吗'],
  ['怎么修改收货地址', '地址填错了怎么改', '收件地址能换吗'],
  ['发票怎么开', '可以开增值税发票吗', '电子发票在哪里下载'],
  ['会员有什么权益', '积分怎么用', '会员等级怎么升'],
];
const QUERIES: [string, number][] = [
  ['东西坏了能给我退掉吗', 0],
  ['我的包裹什么时候寄', 1],
  ['能用花呗付钱吗', 2],
  ['送货地点写错了', 3],
  ['报销要发票', 4],
];

describe.runIf(inCI || loaded.embedder !== undefined)('the semantic index and scorer (real model)', async () => {
  const embedder = loaded.embedder!;
  const perFaq = await Promise.all(FAQS.map((qs) => embedder.embed(qs)));
  const queries = await embedder.embed(QUERIES.map(([q]) => q));
  const small = SemanticIndex.build(embedder.name, embedder.dim, perFaq);
  afterAll(() => console.log(`[real components] semantic index: ${ran} tests ran on ${embedder.name}`));

  it('nearest (exact scan) ranks as the cosines do, leaves out `skip`, and finds each paraphrase\'s FAQ', () => {
    QUERIES.forEach(([text, faq], i) => {
      const q = queries[i]!;
      const all = small.nearest(q, FAQS.length);
      const byCosine = FAQS.map((_, e) => e).sort((a, b) => small.score(q, b) - small.score(q, a));
      expect(all, text).toEqual(byCosine);
      expect(all[0], text).toBe(faq);
      expect(small.nearest(q, 3, faq), text).not.toContain(faq);
      // int8 storage: within 0.01 of the float32 mean vector's cosine
      expect(small.score(q, faq)).toBeCloseTo(cosine(q, meanVector(perFaq[faq]!, embedder.dim)), 2);
    });
    ran++;
  });

  it('scoreWithout: one question left out of its FAQ\'s mean, or the whole FAQ', () => {
    const q = queries[0]!;
    const [a, b, c] = perFaq[0]!;
    expect(small.scoreWithout(q, 0, a)).toBeCloseTo(cosine(q, meanVector([b!, c!], embedder.dim)), 2);
    expect(small.scoreWithout(q, 0, undefined)).toBe(small.score(q, 0));
    const single = SemanticIndex.build(embedder.name, embedder.dim, [[a!], [b!, c!]]);
    expect(single.scoreWithout(q, 0, a)).toBe(0); // its only question held out: nothing left
    ran++;
  });

  it('addSentences: a hot update moves an FAQ\'s mean and adds a new FAQ, as a build of the same questions', async () => {
    const index = SemanticIndex.build(embedder.name, embedder.dim, perFaq.slice(0, 4));
    const [extra] = await embedder.embed(['退款多久到账']);
    index.addSentences(0, [extra!]);
    index.addSentences(4, perFaq[4]!);
    const rebuilt = SemanticIndex.build(embedder.name, embedder.dim, [[...perFaq[0]!, extra!], ...perFaq.slice(1, 5)]);
    expect(index.size).toBe(5);
    for (const q of queries) for (let e = 0; e < 5; e++) expect(index.score(q, e)).toBeCloseTo(rebuilt.score(q, e), 2);
    expect(index.nearest(queries[4]!, 1)).toEqual([4]); // the new FAQ is found
    ran++;
  });

  it('int8 round trip: toJSON → JSON → fromJSON scores identically, and corrupt vectors are refused', () => {
    const back = SemanticIndex.fromJSON(JSON.parse(JSON.stringify(small.toJSON())));
    for (const q of queries) {
      for (let e = 0; e < FAQS.length; e++) expect(back.score(q, e)).toBe(small.score(q, e));
      expect(back.nearest(q, 3)).toEqual(small.nearest(q, 3));
    }
    const data = small.toJSON();
    expect(() => SemanticIndex.fromJSON({ ...data, scales: data.scales.slice(1) })).toThrow(/semantic vectors are corrupt \(3072 components for 5 FAQs of 512\)/);
    ran++;
  });

  it('large KBs: the principal-component shortlist finds what the exact scan finds, also after a JSON round trip, and its fit is kept', async () => {
    const base = [...perFaq.flat(), ...queries];
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    // 10,000 FAQs of 1–2 questions, each question a mixture of three real sentence vectors
    const mixture = () => normalize(meanVector([0, 1, 2].map(() => base[Math.floor(rnd() * base.length)]!).map((v, k) => v.map((x) => x * (k === 0 ? 2 : rnd()))), embedder.dim));
    const entries = Array.from({ length: 10_000 }, () => Array.from({ length: 1 + Math.floor(rnd() * 2) }, mixture));
    // built through a vector cache, which keeps the fit (a file here: saved and reopened below)
    const dir = mkdtempSync(join(tmpdir(), 'kefu-pca-'));
    const file = join(dir, 'not-made-yet', 'vectors.bin'); // save() makes the folder
    const cache = VectorCache.open(file, embedder.name, embedder.dim);
    const fits: PcaFit[] = [];
    const large = SemanticIndex.build(embedder.name, embedder.dim, entries, { getPca: (p) => cache.getPca(p), setPca: (f) => (fits.push(f), cache.setPca(f)) });
    expect(fits).toHaveLength(1);
    expect((large as unknown as { pca?: { dims: number } }).pca?.dims).toBe(60); // 600,000 / 10,000
    const exact = (q: Float32Array, k: number, skip = -1) => {
      const s = entries.map((_, e) => large.score(q, e));
      return entries.map((_, e) => e).filter((e) => e !== skip).sort((a, b) => s[b]! - s[a]! || a - b).slice(0, k);
    };
    const asked = [...queries, ...entries.slice(0, 10).map((vs) => vs[0]!)];
    for (const q of asked) expect(large.nearest(q, 10)).toEqual(exact(q, 10));
    expect(large.nearest(asked[5]!, 10, 0)).toEqual(exact(asked[5]!, 10, 0));
    // asked again with the same vector (a re-read question): the same answer, not a shared array
    const first = large.nearest(asked[6]!, 10);
    first.length = 0;
    expect(large.nearest(asked[6]!, 10)).toEqual(exact(asked[6]!, 10));
    const data = JSON.parse(JSON.stringify(large.toJSON()));
    expect(data.pca.dims).toBe(60); // the fit travels with the vectors
    const back = SemanticIndex.fromJSON(data);
    for (const q of asked.slice(0, 10)) expect(back.nearest(q, 10)).toEqual(large.nearest(q, 10));
    // a fit that is not of these vectors (a damaged projection here; other vectors below) is refitted
    const damaged = new Float32Array(new Uint8Array(Buffer.from(data.pca.proj, 'base64')).buffer);
    damaged[3]! += 0.5; // FAQ 0's projection, one of those a kept fit is checked on
    const refit = SemanticIndex.fromJSON({ ...data, pca: { ...data.pca, proj: Buffer.from(damaged.buffer).toString('base64') } });
    expect(refit.toJSON().pca).toEqual(data.pca);
    try {
      await cache.save();
      const reopened = VectorCache.open(file, embedder.name, embedder.dim);
      const store = { getPca: (p: string) => reopened.getPca(p), setPca: (f: PcaFit) => void fits.push(f) };
      const warm = SemanticIndex.build(embedder.name, embedder.dim, entries, store);
      expect(fits).toHaveLength(1); // restored from the file, not fitted again
      expect(warm.toJSON().pca).toEqual(data.pca);
      const changed = SemanticIndex.build(embedder.name, embedder.dim, entries.slice(1), store);
      expect(fits).toHaveLength(2); // other vectors: fitted
      for (const q of asked.slice(0, 5)) expect(changed.nearest(q, 10)).toEqual(exact(q, 11).filter((e) => e !== 0).slice(0, 10).map((e) => e - 1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // a hot update drops the shortlist (it no longer covers every FAQ): exact scans find the new FAQ
    large.addSentences(10_000, [queries[2]!]);
    expect(large.nearest(queries[2]!, 1)).toEqual([10_000]);
    ran++;
  });

  it('the cascade: a question the lexical stage is sure of is not embedded, and match() takes its ranking as made', async () => {
    const faqs = FAQS.map((qs, i) => ({ id: `faq-${i}`, question: qs[0]!, similar: qs.slice(1), answer: '…' }));
    let embedded = 0;
    const counting: Embedder = { name: embedder.name, dim: embedder.dim, embed: (t) => ((embedded += t.length), embedder.embed(t)) };
    const matcher = await createMatcher({ faqs }, { consolidateMs: false, semantic: counting });
    const before = embedded;
    const sure = await matcher.prepare('怎么申请退货');
    expect(embedded).toBe(before); // not embedded
    const reused = preparedRanking(sure.prepared, matcher.engine, sure.analysis);
    expect(reused).toBeDefined();
    expect(matcher.match(sure)).toEqual(matcher.match('怎么申请退货'));
    // the ranking is reused only for the analysis and the engine it was made with
    expect(preparedRanking(sure.prepared, matcher.engine, matcher.analyze('怎么申请退货'))).toBeUndefined();
    matcher.addQuestions('faq-1', ['快递几时出发']); // a hot update: the same engine, one more question
    expect(preparedRanking(sure.prepared, matcher.engine, sure.analysis)).toBeUndefined();
    await matcher.rebuild();
    expect(preparedRanking(sure.prepared, matcher.engine, sure.analysis)).toBeUndefined();
    expect(matcher.match(sure).id).toBe('faq-0');
    const beforeUnsure = embedded;
    const unsure = await matcher.prepare('东西坏了能给我退掉吗');
    expect(embedded).toBe(beforeUnsure + 1);
    expect(unsure.prepared.get('semantic')).toBeInstanceOf(Float32Array);
    ran++;
  });

  it('a vector cache keeps the KB\'s texts, not the questions asked; progress is reported on long runs', async () => {
    const cache = new VectorCache(embedder.name, embedder.dim);
    const faqs = FAQS.map((qs, i) => ({ id: `faq-${i}`, question: qs[0]!, similar: qs.slice(1), answer: '…' }));
    const reports: [number, number][] = [];
    const progressed = withProgress(embedder, (done, total) => reports.push([done, total]));
    const matcher = await createMatcher({ faqs }, { consolidateMs: false, semantic: withVectorCache(progressed, cache) });
    expect(cache.size).toBe(18);
    await matcher.prepare('东西坏了能给我退掉吗');
    await matcher.prepare('我的包裹什么时候寄');
    expect(cache.size).toBe(18);
    expect(reports).toEqual([]); // 18 texts: no progress for a short run
    const texts = Array.from({ length: 70 }, (_, i) => `第${i}个问题怎么办`);
    const vs = await progressed.embed(texts);
    expect(reports).toEqual([[0, 70], [64, 70], [70, 70]]);
    const [again] = await embedder.embed([texts[69]!]);
    expect(Array.from(vs[69]!)).toEqual(Array.from(again!)); // in order, the same vectors
    ran++;
  });
});
