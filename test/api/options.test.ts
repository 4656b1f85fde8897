import { describe, expect, it } from 'vitest';
import { createBot as createBrowserBot } from '../../src/browser';
import { createBot, createMatcher, KefuError, KefuKnowledgeBaseError } from '../../src/index';
import { sampleKb, tempKb } from '../helpers';

describe('createBot / createMatcher options', () => {
  it('refuse unknown keys with a did-you-mean, in Node and in the browser, before loading anything', async () => {
    const bad = { knowledgeBase: sampleKb, treshold: 0.5, maxFailure: 3 } as never;
    await expect(createBot(bad)).rejects.toThrow('kefu: createBot: unknown options "treshold" (did you mean "thresholds"?), "maxFailure" (did you mean "maxFailures"?)');
    await expect(createBrowserBot({ knowledgeBase: { faqs: [] }, sesions: {} } as never)).rejects.toThrow('unknown option "sesions" (did you mean "sessions"?)');
    await expect(createMatcher(sampleKb, { maxCandiates: 2 } as never)).rejects.toBeInstanceOf(KefuError);
  });

  it("refuse the browser entry's `embedder` in Node, where it would be ignored, naming `semantic` instead", async () => {
    const embedder = { name: 'mine', dim: 4, embed: async (texts: string[]) => texts.map(() => new Float32Array(4)) };
    await expect(createMatcher(sampleKb, { embedder } as never)).rejects.toThrow('takes a custom embedder as `semantic: embedder`');
    await expect(createBot({ knowledgeBase: sampleKb, embedder } as never)).rejects.toThrow('takes a custom embedder as `semantic: embedder`');
  });

  it('maxFileBytes limits the KB files a bot reads, naming the file and its size', async () => {
    const dir = tempKb({ 'kb.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    answer: 在订单页申请。\n' });
    const err = await createBot({ knowledgeBase: dir, maxFileBytes: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KefuKnowledgeBaseError);
    expect((err as KefuKnowledgeBaseError).problems[0]).toEqual(expect.objectContaining({ code: 'file-too-large', file: `${dir}/kb.yaml`, message: expect.stringMatching(/^file is 77 bytes, over the limit of 20 bytes; split it/) }));
  });
});
