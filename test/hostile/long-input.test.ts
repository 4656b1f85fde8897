/**
 * Issue 18, item 2: long and malformed customer messages. Nothing may recurse with the
 * input's length; the bot refuses what it will not read with a typed error, before the
 * session is touched. `kefu match` on such lines: long-input.e2e.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createBot, createMatcher, KefuQuestionError, DEFAULT_MAX_QUESTION_LENGTH, type KefuBot, type KefuMatcher } from '../../src/index';
import { pinyinSyllables } from '../../src/text/pinyin';
import { sampleKb } from '../helpers';

let matcher: KefuMatcher;
let bot: KefuBot;
beforeAll(async () => {
  matcher = await createMatcher(sampleKb);
  bot = await createBot({ knowledgeBase: sampleKb });
}, 120_000);

describe('long input', () => {
  it('splits pinyin of any length without recursion (was a stack overflow at 6,000 letters)', () => {
    expect(pinyinSyllables('tuihuo'.repeat(50_000))).toHaveLength(100_000);
    expect(pinyinSyllables('a'.repeat(100_000))).toHaveLength(100_000);
    expect(pinyinSyllables('zenmetuihuo')).toEqual(['zen', 'me', 'tui', 'huo']);
  });

  it('matches 6,000 letters and "tuihuo " × 7,143 without a RangeError', () => {
    for (const q of ['a'.repeat(6000), 'tuihuo '.repeat(7143), '退'.repeat(60_000)]) {
      const t = performance.now();
      expect(() => matcher.match(q)).not.toThrow();
      console.log(`match ${q.length} chars: ${(performance.now() - t).toFixed(0)} ms`);
    }
  });

  it('answers at maxQuestionLength and refuses one character more with a typed error, leaving the session alone', async () => {
    const atLimit = '我想退货请问怎么操作'.repeat(DEFAULT_MAX_QUESTION_LENGTH / 10);
    expect(atLimit).toHaveLength(DEFAULT_MAX_QUESTION_LENGTH);
    const t = performance.now();
    const reply = await bot.ask(atLimit, { sessionId: 'long' });
    console.log(`ask at the ${DEFAULT_MAX_QUESTION_LENGTH}-char limit: ${(performance.now() - t).toFixed(0)} ms, ${reply.type}`);
    const before = (await bot.session('long'))!.turns.length;
    const err = await bot.ask(`${atLimit}。`, { sessionId: 'long' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KefuQuestionError);
    expect(err).toMatchObject({ code: 'question-too-long', length: DEFAULT_MAX_QUESTION_LENGTH + 1, limit: DEFAULT_MAX_QUESTION_LENGTH });
    expect((err as Error).message).toMatch(/2001 characters; the limit is 2000 \(maxQuestionLength\)/);
    expect((await bot.session('long'))!.turns.length).toBe(before);
    await expect(bot.ask('1M chars'.repeat(125_000))).rejects.toMatchObject({ code: 'question-too-long' });
  });

  it('takes maxQuestionLength as an option', async () => {
    const small = await createBot({ knowledgeBase: sampleKb, maxQuestionLength: 10 });
    await expect(small.ask('怎么退货')).resolves.toMatchObject({ input: '怎么退货' });
    await expect(small.ask('怎么退货怎么退货怎么退货')).rejects.toMatchObject({ code: 'question-too-long', limit: 10 });
  }, 60_000);

  it('ask(undefined), null, numbers and objects get a clear typed error, not a TypeError', async () => {
    for (const bad of [undefined, null, 42, { text: 'hi' }, ['hi']]) {
      const err = await bot.ask(bad as unknown as string).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KefuQuestionError);
      expect(err).toMatchObject({ code: 'question-not-text' });
      expect((err as Error).message).toMatch(/^kefu: ask\(\) needs the customer's message as a string, got (undefined|null|number|object|an array)$/);
    }
    await expect(bot.suggest(undefined as unknown as string)).rejects.toThrow(KefuQuestionError);
  });
});

describe('transcripts', () => {
  it('keep raw text by default and are redacted when the host asks', async () => {
    const q = '我叫王小明，手机13812345678，怎么退货';
    await bot.ask(q, { sessionId: 'raw' });
    expect((await bot.session('raw'))!.turns[0]!.text).toBe(q);
    const careful = await createBot({ knowledgeBase: sampleKb, redactTranscripts: true });
    const reply = await careful.ask(q, { sessionId: 'red' });
    expect(reply.input).toBe(q);
    expect((await careful.session('red'))!.turns[0]!.text).toBe('我叫【姓名】，手机【手机号】，怎么退货');
  }, 60_000);
});
