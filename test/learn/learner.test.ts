import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMatcher, JsonlLearningStore, KefuBot, KefuLearner, MemoryLearningStore, type KefuMatcher } from '../../src/index';
import type { KefuCaptureRecord } from '../../src/learn/learner';
import { sampleKb, tempKb } from '../helpers';

let matcher: KefuMatcher;
beforeAll(async () => {
  matcher = await createMatcher(sampleKb);
});

describe('KefuLearner with a bot', () => {
  it('queues a fallback question redacted, with count, channel and the nearest FAQs', async () => {
    const learner = new KefuLearner(matcher);
    const bot = new KefuBot(matcher, { learner });
    // A question the sample KB does not cover, with personal data in it.
    await bot.ask('你们有线下门店吗？我手机13812345678', { sessionId: 'a', channel: 'web' });
    const [item] = await learner.list();
    expect(item.text).toBe('你们有线下门店吗？我手机【手机号】');
    expect(item).toMatchObject({ count: 1, channels: { web: 1 }, status: 'open' });
    expect(Object.keys(item.reasons)).toEqual([expect.stringMatching(/fallback|clarify/)]);
    expect(item.nearest.length).toBeGreaterThan(0);
    expect(JSON.stringify(await learner.list())).not.toContain('13812345678');
  });

  it('groups many wordings of one new question into one item with a count', async () => {
    const learner = new KefuLearner(matcher);
    const wordings = ['支持数字人民币支付吗', '可以用数字人民币付款吗', '数字人民币能付款吗', '你们收数字人民币吗', '数字人民币支付可以吗'];
    for (const w of wordings) await learner.capture({ text: w, reason: 'fallback' });
    await learner.capture({ text: '你们卖不卖二手手机', reason: 'fallback' });
    const items = await learner.list();
    expect(items.map((i) => i.count)).toEqual([5, 1]);
    expect(items[0].variants).toHaveLength(5);
  });

  it('ignored groups leave the list and do not come back', async () => {
    const learner = new KefuLearner(matcher);
    const item = (await learner.capture({ text: '你们老板是谁', reason: 'fallback' }))!;
    await learner.ignore(item.id);
    expect(await learner.capture({ text: '你们的老板是谁呀', reason: 'fallback' })).toBeUndefined();
    expect(await learner.list()).toEqual([]);
    expect((await learner.list('ignored'))[0].count).toBe(1);
    await expect(learner.ignore('nope')).rejects.toThrow('kefu: no learning item "nope"');
  });

  it('fires emerging-issue once when a group spikes within the window', async () => {
    let t = 0;
    const learner = new KefuLearner(matcher, { emerging: { count: 3, windowMs: 60_000 }, now: () => t });
    const events: number[] = [];
    learner.on('emerging-issue', (e) => events.push(e.countInWindow));
    for (const w of ['充电宝起火了', '充电宝冒烟起火', '买的充电宝着火了', '充电宝又起火了']) {
      await learner.capture({ text: w, reason: 'fallback' });
      t += 1000;
    }
    expect(events).toEqual([3]);
  });

  it("turns a handed-off question and the agent's reply into a candidate", async () => {
    const learner = new KefuLearner(matcher);
    const bot = new KefuBot(matcher, { learner });
    await bot.ask('直播间买的东西能开专票吗', { sessionId: 'h' });
    await bot.ask('转人工', { sessionId: 'h' });
    await bot.agentReply('h', '直播间订单也可以开增值税专用发票，在订单详情申请即可。');
    const item = (await learner.list()).find((i) => i.reasons['agent-reply']);
    expect(item).toMatchObject({ text: '直播间买的东西能开专票吗', agentReplies: ['直播间订单也可以开增值税专用发票，在订单详情申请即可。'] });
  });

  it('a down-voted answer queues the question that got it', async () => {
    const learner = new KefuLearner(matcher);
    const bot = new KefuBot(matcher, { learner });
    const r = await bot.ask('怎么申请退货', { sessionId: 'd' });
    await bot.feedback('d', r.turnId, 'down');
    const [item] = await learner.list();
    expect(item).toMatchObject({ text: '怎么申请退货', reasons: { 'down-vote': 1 }, nearest: [{ id: 'return-apply' }] });
  });
});

describe('a bot does not hold its reply for the learner', () => {
  /** A store whose writes wait until the test lets them through (or fail). */
  class GatedStore extends MemoryLearningStore {
    private let!: () => void;
    private readonly gate = new Promise<void>((resolve) => (this.let = resolve));
    fail = false;
    release() {
      this.let();
    }
    override async record(id: string, c: KefuCaptureRecord) {
      await this.gate;
      if (this.fail) throw new Error('disk full');
      return super.record(id, c);
    }
  }

  it('replies while the capture waits for the store; list() then waits for the capture', async () => {
    const store = new GatedStore();
    const learner = new KefuLearner(matcher, { store });
    const bot = new KefuBot(matcher, { learner });
    const reply = await bot.ask('你们有线下门店吗', { sessionId: 'g' });
    expect(reply.type).not.toBe('answer');
    expect(await store.all()).toEqual([]); // not stored yet: the reply did not wait for it
    const listed = learner.list();
    store.release();
    expect((await listed).map((i) => i.text)).toEqual(['你们有线下门店吗']);
  });

  it('past 100 captures waiting, a reply waits for its own: the store sets the pace, memory does not grow', async () => {
    const store = new GatedStore();
    const learner = new KefuLearner(matcher, { store });
    const bot = new KefuBot(matcher, { learner });
    for (let i = 0; i < 100; i++) await bot.ask('你们有线下门店吗', { sessionId: `p${i}` });
    expect(learner.pending).toBe(100);
    let replied = false;
    const last = bot.ask('你们有线下门店吗', { sessionId: 'p100' }).then(() => (replied = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(replied).toBe(false);
    store.release();
    await last;
    await learner.idle();
    expect(learner.pending).toBe(0);
    expect((await learner.list())[0]!.count).toBe(101);
  });

  it('a store that fails is a learn-error event, never a failed reply', async () => {
    const store = new GatedStore();
    store.fail = true;
    store.release();
    const learner = new KefuLearner(matcher, { store });
    const bot = new KefuBot(matcher, { learner });
    const errors: string[] = [];
    bot.on('learn-error', (e) => errors.push(e.error));
    await bot.ask('你们有线下门店吗', { sessionId: 'f' });
    await learner.idle();
    expect(errors).toEqual([expect.stringContaining('disk full')]);
  });
});

describe('JsonlLearningStore', () => {
  it('keeps items in a JSON Lines file across restarts', async () => {
    const file = path.join(tempKb({}), 'learn', 'queue.jsonl');
    const a = new KefuLearner(matcher, { store: new JsonlLearningStore(file) });
    await a.capture({ text: '支持数字人民币支付吗', reason: 'fallback' });
    await a.capture({ text: '可以用数字人民币付款吗', reason: 'fallback' });
    // One group: its second capture appended the group's new state (test/learn/jsonl-store.test.ts).
    expect(new Set(readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).size).toBe(1);
    const b = new KefuLearner(matcher, { store: new JsonlLearningStore(file) });
    expect((await b.list())[0].count).toBe(2);
  });

  it('refuses a corrupt file, naming the line, and changes nothing', async () => {
    const file = path.join(tempKb({}), 'q.jsonl');
    writeFileSync(file, '{"id":"q-1","text":"x","variants":[],"count":1}\nnot json\n');
    const learner = new KefuLearner(matcher, { store: new JsonlLearningStore(file) });
    await expect(learner.capture({ text: '你们卖不卖二手手机', reason: 'fallback' })).rejects.toThrow(`kefu: ${file}:2: not a JSON learning item`);
    expect(readFileSync(file, 'utf8')).toBe('{"id":"q-1","text":"x","variants":[],"count":1}\nnot json\n');
  });
});
