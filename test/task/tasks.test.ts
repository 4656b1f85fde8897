/**
 * Tasks through the public API: host actions with their context and timeout, the handoff
 * event carrying the task, expiry with the session, follow-ups switched off, KB checks.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBot, KefuKnowledgeBaseError, MemorySessionStore, type KefuHandoffEvent } from '../../src/index.js';

const kb = {
  faqs: [
    { id: 'return-fee', question: '退货运费谁承担', answer: '无理由退货运费由买家承担。', keywords: ['退货运费'] },
    { id: 'return-how', question: '怎么退货', answer: '在订单里点申请售后。', keywords: ['退货'] },
    { id: 'pay', question: '支持哪些支付方式', answer: '支持微信和支付宝。' },
  ],
  tasks: [
    {
      id: 'track',
      question: '我的快递到哪了',
      similar: ['查一下物流', '包裹到哪里了'],
      slots: { orderNumber: { entity: 'order-number', ask: '请提供订单号。' } },
      action: 'trackOrder',
      answer: '订单{orderNumber}：{result.status}',
      onError: 'handoff',
    },
  ],
};

describe('tasks through createBot', () => {
  it('gives the action the slots, the customer variables and a signal; a timeout hands over with the task', async () => {
    let seen: { slots?: Record<string, string>; shop?: string; aborted?: boolean } = {};
    const events: KefuHandoffEvent[] = [];
    const bot = await createBot({
      knowledgeBase: kb,
      variables: { shopName: '小店' },
      actionTimeoutMs: 50,
      actions: {
        trackOrder: (slots, ctx) =>
          new Promise((resolve) => {
            seen = { slots, shop: ctx.variables.shopName };
            ctx.signal.addEventListener('abort', () => (seen.aborted = true));
            setTimeout(() => resolve({ status: 'late' }), 2000).unref();
          }),
      },
    });
    bot.on('handoff', (e) => events.push(e));
    const first = await bot.ask('我的快递到哪了', { sessionId: 'a' });
    expect(first.task).toMatchObject({ id: 'track', status: 'collecting', missing: ['orderNumber'] });
    const second = await bot.ask('SO20241111001', { sessionId: 'a' });
    expect(second.type).toBe('handoff');
    expect(second.task?.status).toBe('failed');
    expect(seen).toEqual({ slots: { orderNumber: 'SO20241111001' }, shop: '小店', aborted: true });
    expect(events[0]).toMatchObject({ reason: 'task-failed', task: { id: 'track', slots: { orderNumber: 'SO20241111001' } } });
  });

  it('an apology instead of a handoff when onError says so', async () => {
    const bot = await createBot({
      knowledgeBase: { ...kb, tasks: [{ ...kb.tasks[0], onError: '抱歉，系统繁忙。' }] },
      actions: { trackOrder: () => { throw new Error('down'); } },
    });
    await bot.ask('我的快递到哪了', { sessionId: 'b' });
    const r = await bot.ask('SO20241111001', { sessionId: 'b' });
    expect(r).toMatchObject({ type: 'task', text: '抱歉，系统繁忙。', task: { status: 'failed' } });
  });

  it('a task expires with its session', async () => {
    let t = 0;
    const now = () => t;
    const bot = await createBot({ knowledgeBase: kb, now, sessions: new MemorySessionStore({ ttlMs: 1000, now }), actions: { trackOrder: () => ({ status: '运输中' }) } });
    expect((await bot.ask('我的快递到哪了', { sessionId: 'c' })).task?.status).toBe('collecting');
    t = 5000;
    const r = await bot.ask('SO20241111001', { sessionId: 'c' });
    expect(r.type).not.toBe('task');
    expect(r.task).toBeUndefined();
  });

  it('several slots, choices from the host, and a task the host has no action for is off', async () => {
    const bot = await createBot({
      knowledgeBase: kb,
      actions: { trackOrder: ({ orderNumber }) => ({ status: `查到${orderNumber}` }) },
      choices: { 'order-number': () => [{ value: 'SO20241111009', label: '连衣裙' }] },
    });
    const ask = await bot.ask('包裹到哪里了', { sessionId: 'd' });
    expect(ask.text).toContain('1. SO20241111009 连衣裙');
    expect((await bot.ask('1', { sessionId: 'd' })).text).toBe('订单SO20241111009：查到SO20241111009');
    const off = await createBot({ knowledgeBase: kb });
    const r = await off.ask('我的快递到哪了', { sessionId: 'e' });
    expect(r.type).not.toBe('task');
  });

  it('follow-ups read in context, and not when switched off (bundled KB)', async () => {
    const dir = path.resolve(__dirname, '../../knowledge-base');
    const on = await createBot({ knowledgeBase: dir });
    await on.ask('怎么退货', { sessionId: 'f' });
    expect(await on.ask('那运费呢', { sessionId: 'f' })).toMatchObject({ type: 'answer', id: 'return-shipping-fee' });
    const off = await createBot({ knowledgeBase: dir, followUps: false });
    await off.ask('怎么退货', { sessionId: 'g' });
    const alone = await off.ask('那运费呢', { sessionId: 'g' });
    expect(alone.type === 'answer' && alone.id === 'return-shipping-fee').toBe(false);
  });

  it('rejects tasks with unknown entities, unknown next tasks and undeclared variables', async () => {
    const bad = { ...kb, tasks: [{ ...kb.tasks[0], slots: { x: { entity: 'shoe-size', ask: '?' } }, next: 'nope' }] };
    const err = await createBot({ knowledgeBase: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KefuKnowledgeBaseError);
    const text = (err as Error).message;
    expect(text).toContain('entity "shoe-size"');
    expect(text).toContain('next "nope"');
    const tasks = [{ ...kb.tasks[0], answer: '{orderNumber} {whoKnows}' }];
    await expect(createBot({ knowledgeBase: { ...kb, tasks }, actions: { trackOrder: () => ({}) } })).rejects.toThrow(/\{whoKnows\}/);
  });
});
