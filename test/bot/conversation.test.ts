import { beforeAll, describe, expect, it } from 'vitest';
import { createMatcher, KefuBot, KefuError, MemorySessionStore, type KefuHandoffEvent, type KefuMatcher } from '../../src/index';
import { sampleKb } from '../helpers';

let matcher: KefuMatcher;
beforeAll(async () => {
  matcher = await createMatcher(sampleKb);
});

function clock(start = 1_000_000) {
  let t = start;
  const now = () => t;
  return { now, advance: (ms: number) => (t += ms) };
}

describe('handoff triggers', () => {
  it('hands over on an explicit request, in simplified, traditional or English', async () => {
    const events: KefuHandoffEvent[] = [];
    const bot = new KefuBot(matcher);
    bot.on('handoff', (e) => events.push(e));
    for (const [i, q] of ['转人工', '轉人工', '给我接个客服', 'human please', '转人功', 'zhuanrengong'].entries()) {
      const r = await bot.ask(q, { sessionId: `s${i}` });
      expect(r.type, q).toBe('handoff');
      if (r.type === 'handoff') expect(r.reason).toBe('explicit-request');
    }
    expect(events.map((e) => e.reason)).toEqual(Array(6).fill('explicit-request'));
  });

  it('hands over after two failures in a row, carrying the transcript', async () => {
    const events: KefuHandoffEvent[] = [];
    const bot = new KefuBot(matcher);
    bot.on('handoff', (e) => events.push(e));
    expect((await bot.ask('今天天气怎么样', { sessionId: 'f' })).type).toBe('fallback');
    const r = await bot.ask('给我讲个笑话', { sessionId: 'f' });
    expect(r).toMatchObject({ type: 'handoff', reason: 'repeated-failure' });
    expect(events[0].transcript.map((t) => [t.role, t.text])).toEqual([
      ['customer', '今天天气怎么样'],
      ['bot', expect.stringContaining('抱歉')],
      ['customer', '给我讲个笑话'],
    ]);
  });

  it('a clarify at the failure limit shows its choices with the offer of a human; the next failure hands over', async () => {
    const bot = new KefuBot(matcher);
    expect((await bot.ask('今天天气怎么样', { sessionId: 'cl' })).type).toBe('fallback');
    const r = await bot.ask('运费', { sessionId: 'cl' });
    expect(r.type).toBe('clarify');
    if (r.type !== 'clarify') return;
    expect(r.candidates.length).toBeGreaterThanOrEqual(2);
    expect(r.text).toContain('1. ');
    expect(r.text).toContain('2. ');
    expect(r.text).toContain('转人工');
    // The choice still works…
    expect(await bot.ask('1', { sessionId: 'cl' })).toMatchObject({ type: 'answer', id: r.candidates[0].id });
    // …and failing again after the offer hands over.
    const bot2 = new KefuBot(matcher);
    await bot2.ask('今天天气怎么样', { sessionId: 'cl2' });
    await bot2.ask('运费', { sessionId: 'cl2' });
    expect(await bot2.ask('给我讲个笑话', { sessionId: 'cl2' })).toMatchObject({ type: 'handoff', reason: 'repeated-failure' });
  });

  it('an answer in between resets the failure count', async () => {
    const bot = new KefuBot(matcher);
    await bot.ask('今天天气怎么样', { sessionId: 'g' });
    expect((await bot.ask('怎么申请退货', { sessionId: 'g' })).type).toBe('answer');
    expect((await bot.ask('给我讲个笑话', { sessionId: 'g' })).type).toBe('fallback');
  });

  it('hands an angry customer over with the emotion and a raised priority', async () => {
    const events: KefuHandoffEvent[] = [];
    const bot = new KefuBot(matcher);
    bot.on('handoff', (e) => events.push(e));
    const r = await bot.ask('你们就是骗子！！！垃圾客服，我要投诉，再不处理就打315', { sessionId: 'angry' });
    expect(r).toMatchObject({ type: 'handoff', reason: 'negative-emotion', priority: 'high' });
    expect(events[0].emotion.intensity).toBeGreaterThanOrEqual(0.75);
    expect(events[0].emotion.cues).toEqual(expect.arrayContaining(['骗子', '垃圾', '315']));
  });

  it('answers a flagged operational FAQ first, then hands over with the KB priority and suggestions', async () => {
    const events: KefuHandoffEvent[] = [];
    const bot = new KefuBot(matcher);
    bot.on('handoff', (e) => events.push(e));
    const faq = matcher.faq('package-lost')!;
    const r = await bot.ask(faq.question, { sessionId: 'lost' });
    expect(r).toMatchObject({ type: 'handoff', reason: 'faq-flagged', id: 'package-lost', priority: 'high' });
    expect(r.text).toContain('正在为您转接人工客服');
    expect(r.text.length).toBeGreaterThan('正在为您转接人工客服，请稍候…'.length + 5);
    expect(events[0].suggestions[0]).toMatchObject({ id: 'package-lost', answer: expect.any(String) });
  });
});

describe('with a human', () => {
  it('stays silent while waiting and with a human, relays messages, and takes the conversation back', async () => {
    const bot = new KefuBot(matcher);
    const relayed: string[] = [];
    bot.on('customer-message', (e) => relayed.push(e.turn.text));
    await bot.ask('转人工', { sessionId: 'h' });
    const waiting = await bot.ask('有人吗', { sessionId: 'h' });
    expect(waiting).toMatchObject({ type: 'with-human', waiting: true, text: '' });
    expect((await bot.handoffQueue()).map((s) => s.id)).toEqual(['h']);
    await bot.agentReply('h', '您好，我是客服小王', 'agent-7');
    const human = await bot.ask('我的快递丢了', { sessionId: 'h' });
    expect(human).toMatchObject({ type: 'with-human', waiting: false });
    expect(relayed).toEqual(['有人吗', '我的快递丢了']);
    const bye = await bot.handback('h');
    expect(bye).toContain('继续问我');
    expect((await bot.ask('怎么申请退货', { sessionId: 'h' })).type).toBe('answer');
    const transcript = (await bot.session('h'))!.turns.map((t) => t.role);
    expect(transcript).toEqual(['customer', 'bot', 'customer', 'agent', 'customer', 'bot', 'customer', 'bot']);
  });

  it('apologises and offers to take a message when no agent comes in time', async () => {
    const c = clock();
    const bot = new KefuBot(matcher, { agentWaitMs: 60_000, now: c.now });
    const timeouts: number[] = [];
    bot.on('handoff-timeout', (e) => timeouts.push(e.waitedMs));
    await bot.ask('转人工', { sessionId: 'w' });
    c.advance(30_000);
    expect((await bot.ask('还在吗', { sessionId: 'w' })).type).toBe('with-human');
    c.advance(40_000);
    const r = await bot.ask('还要等多久', { sessionId: 'w' });
    // Back with the bot: the apology (offering to take a message) comes first, then the bot's
    // own reply to the message (whatever the matcher makes of it), never a with-human reply.
    expect(r.type).not.toBe('with-human');
    expect(r.text).toMatch(/^[^\n]*留言/);
    expect(timeouts).toEqual([70_000]);
    expect((await bot.ask('怎么申请退货', { sessionId: 'w' })).type).toBe('answer');
    // The first message after the wait is answered too, not only apologised for.
    await bot.ask('转人工', { sessionId: 'w2' });
    c.advance(70_000);
    const first = await bot.ask('怎么申请退货', { sessionId: 'w2' });
    expect(first).toMatchObject({ type: 'answer', id: 'return-apply' });
    expect(first.type === 'answer' && first.text).toContain('留言');
  });

  it('refuses agent replies to a session the bot holds', async () => {
    const bot = new KefuBot(matcher);
    await bot.ask('你好', { sessionId: 'b' });
    await expect(bot.agentReply('b', 'hi')).rejects.toThrow('kefu: session "b" is not handed over to a human');
    await expect(bot.agentReply('nobody', 'hi')).rejects.toThrow('kefu: no session "nobody"');
  });
});

describe('onHandoff', () => {
  it('is awaited; when it throws, the customer is told and the request is kept and retried', async () => {
    let fail = true;
    const received: number[] = [];
    const bot = new KefuBot(matcher, {
      onHandoff: async (e) => {
        received.push(e.attempt);
        if (fail) throw new Error('queue down');
      },
    });
    const failures: string[] = [];
    bot.on('handoff-failed', (e) => failures.push(e.error));
    const r = await bot.ask('转人工', { sessionId: 'x' });
    expect(r).toMatchObject({ type: 'handoff', delivered: false });
    expect(r.text).toContain('请求已记录');
    expect(failures).toEqual(['queue down']);
    fail = false;
    expect((await bot.ask('喂？', { sessionId: 'x' })).type).toBe('with-human');
    expect(received).toEqual([1, 2]);
    expect((await bot.session('x'))!.handoff).toMatchObject({ delivered: true, attempts: 2 });
  });

  it('times out a handler that never settles, and retryHandoffs() delivers later', async () => {
    let hang = true;
    const bot = new KefuBot(matcher, { handoffTimeoutMs: 50, onHandoff: () => (hang ? new Promise(() => {}) : undefined) });
    const r = await bot.ask('人工客服', { sessionId: 'y' });
    expect(r).toMatchObject({ type: 'handoff', delivered: false });
    hang = false;
    expect(await bot.retryHandoffs()).toBe(1);
    expect((await bot.session('y'))!.handoff?.delivered).toBe(true);
  });
});

describe('sessions', () => {
  it('expire after their TTL, and the store never holds more than its maximum', async () => {
    const c = clock();
    const store = new MemorySessionStore({ ttlMs: 1000, maxSessions: 3, now: c.now });
    const bot = new KefuBot(matcher, { sessions: store, now: c.now });
    await bot.ask('今天天气怎么样', { sessionId: 'e' });
    c.advance(2000);
    // Expired: this failure is the first of a new session, not the second in a row.
    expect((await bot.ask('给我讲个笑话', { sessionId: 'e' })).type).toBe('fallback');
    for (const id of ['a', 'b', 'c', 'd']) await bot.ask('你好', { sessionId: id });
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBeUndefined();
  });
});

describe('small talk, choices and variables', () => {
  it('answers greetings, thanks and "are you a robot" without counting them as failures', async () => {
    const bot = new KefuBot(matcher, { variables: { shopName: '小店' } });
    const kinds = [];
    for (const q of ['你好', '谢谢', '你是机器人吗', '再见']) {
      const r = await bot.ask(q, { sessionId: 'st' });
      kinds.push(r.type === 'small-talk' ? r.kind : r.type);
    }
    expect(kinds).toEqual(['greeting', 'thanks', 'bot-identity', 'goodbye']);
    expect((await bot.ask('你好', { sessionId: 'st2' })).text).toContain('小店');
    expect((await bot.session('st'))!.failures).toBe(0);
  });

  it('small talk is overridable', async () => {
    const bot = new KefuBot(matcher, { smallTalk: { greeting: '欢迎光临！' } });
    expect((await bot.ask('你好', { sessionId: 'o' })).text).toBe('欢迎光临！');
  });

  it('a number after "did you mean" picks that FAQ', async () => {
    const bot = new KefuBot(matcher);
    const r = await bot.ask('运费', { sessionId: 'c' });
    expect(r.type).toBe('clarify');
    if (r.type !== 'clarify') return;
    const second = r.candidates[1].id;
    expect(await bot.ask('2', { sessionId: 'c' })).toMatchObject({ type: 'answer', id: second });
  });

  it('fills session variables, falling back to their declared default', async () => {
    const kb = { variables: { shopName: '小店' }, faqs: [{ id: 'hi', question: '会员生日有礼物吗', answer: '{userName}您好，{shopName}会员生日当月有礼。' }] };
    const m = await createMatcher(kb);
    const bot = new KefuBot(m, { sessionVariables: { userName: '亲' } });
    expect((await bot.ask('会员生日有礼物吗', { sessionId: 'v1', variables: { userName: '张先生' } })).text).toBe('张先生您好，小店会员生日当月有礼。');
    expect((await bot.ask('会员生日有礼物吗', { sessionId: 'v2' })).text).toBe('亲您好，小店会员生日当月有礼。');
    await expect(bot.ask('x', { sessionId: 'v3', variables: { nick: 'x' } })).rejects.toThrow('kefu: session variable "nick" is not declared');
  });

  it('refuses to start with an undeclared variable in an answer', async () => {
    const m = await createMatcher({ faqs: [{ id: 'a', question: '你们几点下班', answer: '{storeHours}' }] });
    expect(() => new KefuBot(m)).toThrow(KefuError);
    expect(() => new KefuBot(m)).toThrow('{storeHours} (used by FAQ "a")');
  });
});

describe('feedback and stats', () => {
  it('records votes and summarizes resolution, fallback and handoff rates', async () => {
    const bot = new KefuBot(matcher);
    const a = await bot.ask('怎么申请退货', { sessionId: 'm1' });
    await bot.ask('今天天气怎么样', { sessionId: 'm2' });
    await bot.ask('转人工', { sessionId: 'm3' });
    await bot.feedback('m1', a.turnId, 'up');
    await expect(bot.feedback('m1', 'nope', 'up')).rejects.toThrow('has no bot reply "nope"');
    const s = bot.stats();
    expect(s.questions).toBe(3);
    expect(s.resolutionRate).toBeCloseTo(1 / 3);
    expect(s.fallbackRate).toBeCloseTo(1 / 3);
    expect(s.handoffRate).toBeCloseTo(1 / 3);
    expect(s.handoffsByReason).toEqual({ 'explicit-request': 1 });
    expect(s.topFaqs).toEqual([{ id: 'return-apply', count: 1 }]);
    expect(s.feedback).toEqual({ up: 1, down: 0 });
    expect(s.averageConfidence).toBeGreaterThan(0);
  });
});
