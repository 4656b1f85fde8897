/**
 * The CLI's build cache (src/cli/index-cache.ts) as a second `kefu chat`/`match` meets it: the
 * index built by the first run is reused, the embedding model is loaded only when a question
 * needs its vector (a lexically certain one does not), and the answers are those of a fresh
 * build, confidences included.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openIndexCache } from '../../src/cli/index-cache';
import { cli, repoRoot, sampleKb } from '../helpers';

// One the lexical stage answers with certainty, one it needs the model for, a paraphrase, an off-topic one.
const QUESTIONS = '怎么退货\n东西坏了能给我退掉吗\n發票怎麼開\n今天天气怎么样\n';

function match(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'match', sampleKb, '--debug', ...args], { input: QUESTIONS, encoding: 'utf8', cwd: repoRoot, env: { ...process.env, ...env }, timeout: 300_000 });
  expect(r.status, r.stderr).toBe(0);
  return { lines: r.stdout.trim().split('\n'), semantic: /kefu: semantic matching: .*/.exec(r.stderr)?.[0] };
}

describe('build cache', () => {
  it('a second run reuses the index, loads the model only for a question that needs it, and answers as a fresh build', () => {
    const env = { KEFU_CACHE_DIR: mkdtempSync(path.join(tmpdir(), 'kefu-cache-test-')) };
    const first = match(env);
    // Without onnxruntime-node (allowed outside CI) both runs match lexically; the answers still agree.
    const model = process.env.CI === 'true' || first.semantic?.includes('onnxruntime-node');
    if (model) expect(first.semantic).toMatch(/onnxruntime-node \(bge-small-zh-v1\.5.*, \d+ ms to load\)/);
    const second = match(env);
    if (model) expect(second.semantic).toMatch(/onnxruntime-node \(bge-small-zh-v1\.5.*, loaded when a question needs it\)/);
    expect(second.lines).toEqual(first.lines);
    expect(match(env, '--no-cache').lines).toEqual(first.lines);
    expect(second.lines).toHaveLength(4);
    expect(JSON.parse(second.lines[0]!)).toMatchObject({ type: 'answer', id: 'return-apply' });
  }, 600_000);

  it('an index is found again for a copy of the KB elsewhere; a changed file misses; lint, which names files, is kept per place', async () => {
    const saved = process.env.KEFU_CACHE_DIR;
    process.env.KEFU_CACHE_DIR = mkdtempSync(path.join(tmpdir(), 'kefu-cache-test-'));
    try {
      const copy = (name: string) => {
        const dir = path.join(mkdtempSync(path.join(tmpdir(), 'kefu-cache-kb-')), name);
        cpSync(sampleKb, dir, { recursive: true });
        return dir;
      };
      const [a, b, c] = [copy('kb'), copy('kb'), copy('kb')];
      await (await openIndexCache(a, 'nodejieba'))!.writeIndex({ built: 'from a' });
      expect(await (await openIndexCache(b, 'nodejieba'))!.readIndex()).toEqual({ built: 'from a' });
      expect(await (await openIndexCache(b, 'intl'))!.readIndex()).toBeUndefined();
      appendFileSync(path.join(c, 'logistics.yaml'), '\n# changed\n');
      expect(await (await openIndexCache(c, 'nodejieba'))!.readIndex()).toBeUndefined();
      // validate's key (src/cli/commands/validate.ts): the warnings it caches name the KB's files.
      const lintKey = (kb: string) => `nodejieba\0kb\0${path.resolve(kb)}`;
      await (await openIndexCache(a, lintKey(a)))!.writeLint([]);
      expect(await (await openIndexCache(a, lintKey(a)))!.readLint()).toEqual([]);
      expect(await (await openIndexCache(b, lintKey(b)))!.readLint()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.KEFU_CACHE_DIR;
      else process.env.KEFU_CACHE_DIR = saved;
    }
  });
});
