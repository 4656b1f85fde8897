import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cosine } from '../../src/embed/embedder';
import { loadEmbedder } from '../../src/embed/load';
import { readModelFiles } from '../../src/embed/model';
import { OnnxEmbedder } from '../../src/embed/onnx-embedder';
import { VectorCache, withVectorCache } from '../../src/embed/vector-cache';

const inCI = process.env.CI === 'true';
const loaded = await loadEmbedder('auto', { warn: () => {} });
let ran = 0;
const semantic = describe.runIf(inCI || loaded.embedder !== undefined);

describe('the bundled embedding model', () => {
  it('loads on onnxruntime-node (CI requires it: a missing model or runtime fails here, never skips)', () => {
    if (inCI) expect(loaded.info.path, `semantic path did not load: ${loaded.info.reason}`).toBe('onnxruntime-node');
    expect(['onnxruntime-node', 'lexical']).toContain(loaded.info.path);
  });

  it('refuses a model file whose bytes differ, naming the file and both hashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-model-'));
    try {
      const src = join(__dirname, '../../models/bge-small-zh-v1.5');
      copyFileSync(join(src, 'vocab.txt'), join(dir, 'vocab.txt'));
      writeFileSync(join(dir, 'model_quantized.onnx'), 'version https://git-lfs.github.com/spec/v1\n');
      expect(() => readModelFiles(dir)).toThrow(`kefu: the embedding model ${join(dir, 'model_quantized.onnx')} has 43 bytes, expected 24010842`);
      const bytes = new Uint8Array(24_010_842);
      writeFileSync(join(dir, 'model_quantized.onnx'), bytes);
      expect(() => readModelFiles(dir)).toThrow(/has sha256 [0-9a-f]{64}, expected 15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc \(corrupted or replaced\)/);
      rmSync(join(dir, 'model_quantized.onnx'));
      expect(() => readModelFiles(dir)).toThrow('does not exist');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to lexical matching with one warning when the model cannot load (outside CI)', async () => {
    const warnings: string[] = [];
    const was = process.env.CI;
    process.env.CI = 'false';
    try {
      const a = await loadEmbedder('auto', { modelDir: '/nonexistent/model', warn: (m) => warnings.push(m) });
      const b = await loadEmbedder('auto', { modelDir: '/nonexistent/model', warn: (m) => warnings.push(m) });
      expect(a.embedder).toBeUndefined();
      expect(a.info.path).toBe('lexical');
      expect(b.info.reason).toContain('/nonexistent/model');
      expect(warnings).toHaveLength(loaded.info.path === 'lexical' ? 0 : 1);
    } finally {
      process.env.CI = was;
    }
    expect((await loadEmbedder('off')).info).toMatchObject({ path: 'lexical', reason: 'semantic matching switched off' });
  });
});

semantic('OnnxEmbedder (real model, real runtime)', () => {
  afterAll(() => console.log(`[real components] semantic: ${ran} tests ran on ${loaded.info.name}`));

  it('embeds a batch into unit vectors that put paraphrases together and off-topic apart', async () => {
    const e = loaded.embedder!;
    const [a, b, c, d] = await e.embed(['怎么申请退货', '我想退货', '今年高考是几号', '怎么申请退货']);
    expect(a).toHaveLength(512);
    expect(cosine(a!, a!)).toBeCloseTo(1, 4);
    expect(cosine(a!, d!)).toBeCloseTo(1, 5); // deterministic, order-free
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.3);
    ran++;
  });

  it('gives a text the same vector whatever else is embedded with it (one text a pass by default)', async () => {
    const e = loaded.embedder!;
    const [alone] = await e.embed(['运费怎么算']);
    const batch = await e.embed(['运费怎么算', '这是一个比较长的问题，用来让同一批里的其他句子需要补齐很多位置才能对齐']);
    expect(Array.from(batch[0]!)).toEqual(Array.from(alone!));
    // batched passes are faster, but the int8 model's activation ranges span the batch
    const batched = await OnnxEmbedder.create({ batchSize: 8 });
    const [inBatch] = await batched.embed(['运费怎么算', '这是一个比较长的问题，用来让同一批里的其他句子需要补齐很多位置才能对齐']);
    expect(cosine(alone!, inBatch!)).toBeGreaterThan(0.95);
    ran++;
  });

  it('a vector cache answers repeated texts without the model, and writes only when saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kefu-vc-'));
    try {
      const file = join(dir, 'sub', 'vectors.bin');
      mkdirSync(join(dir, 'sub'));
      const e = loaded.embedder!;
      const cache = VectorCache.open(file, e.name, e.dim);
      const cached = withVectorCache(e, cache);
      await cached.embed(['发货', '退款', '发货']);
      expect([cache.hits, cache.misses]).toEqual([0, 2]);
      await cached.embed(['发货']);
      expect(cache.hits).toBe(1);
      await cache.save();
      const again = VectorCache.open(file, e.name, e.dim);
      expect(again.size).toBe(2);
      expect(cosine(again.get('退款')!, (await e.embed(['退款']))[0]!)).toBeCloseTo(1, 5);
      expect(VectorCache.open(file, 'another model', e.dim).size).toBe(0);
      writeFileSync(file, 'not a cache');
      expect(() => VectorCache.open(file, e.name, e.dim)).toThrow(`kefu: ${file} is not a vector cache (its first line is not JSON)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    ran++;
  });

  it('a second embedder with its own options loads the same model', async () => {
    const own = await OnnxEmbedder.create({ threads: 2, maxTokens: 16 });
    const [x] = await own.embed(['积分怎么用']);
    const [y] = await loaded.embedder!.embed(['积分怎么用']);
    expect(cosine(x!, y!)).toBeGreaterThan(0.9999);
    ran++;
  });
});
