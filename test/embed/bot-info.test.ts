import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBot } from '../../src/index';
import { loadEmbedder } from '../../src/embed/load';

const inCI = process.env.CI === 'true';
const KB = join(__dirname, '../../knowledge-base');
const loaded = await loadEmbedder('auto', { warn: () => {} });

describe('bot.info() says which embedding path runs', () => {
  it.runIf(inCI || loaded.embedder !== undefined)('onnxruntime-node by default in Node, with the model name', async () => {
    const bot = await createBot({ knowledgeBase: KB, consolidateMs: false });
    expect(bot.info().embedding).toMatchObject({ path: 'onnxruntime-node', name: expect.stringContaining('bge-small-zh') });
    // an agent is offered what the bot would answer: suggestions are matched by meaning too
    const suggestions = await bot.suggest('东西坏了能给我退掉吗');
    expect(suggestions.map((x) => x.id)).toContain('return-apply');
    expect(suggestions.every((x) => x.answer.length > 0)).toBe(true);
  });

  it('lexical with the reason when switched off', async () => {
    const bot = await createBot({ knowledgeBase: KB, consolidateMs: false, semantic: false });
    expect(bot.info().embedding).toEqual({ path: 'lexical', reason: 'semantic matching switched off' });
  });
});

describe('a missing model or runtime', () => {
  it('falls back to lexical with one notice, and is an error only with KEFU_REQUIRE_SEMANTIC=1 (not with CI=true alone)', async () => {
    const notices: string[] = [];
    const ci = process.env.CI;
    process.env.CI = 'true';
    try {
      const lexical = await loadEmbedder('auto', { modelDir: '/nonexistent/model', warn: (m) => notices.push(m) });
      expect(lexical.info.path).toBe('lexical');
      process.env.KEFU_REQUIRE_SEMANTIC = '1';
      await expect(loadEmbedder('auto', { modelDir: '/nonexistent/model', warn: (m) => notices.push(m) })).rejects.toThrow(/nonexistent/);
    } finally {
      delete process.env.KEFU_REQUIRE_SEMANTIC;
      if (ci === undefined) delete process.env.CI;
      else process.env.CI = ci;
    }
    expect(notices.length).toBeLessThanOrEqual(1);
  });
});
