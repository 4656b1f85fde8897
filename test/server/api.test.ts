/**
 * `kefu/server` through its fetch handler and through Node's http: the security gate
 * (401 / 403 / 415 / 400 / Host), claims and transfers, the customer's token, event ids that
 * survive a restart, the no-agent timeout on a timer, leave-a-message, rating. Over a real
 * socket (Node's http, its timeouts): api.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type KefuBot } from '../../src/index';
import { createKefuServer, hashAgentSecret, type KefuServer } from '../../src/server/index';
import { MemoryLiveStore } from '../../src/server/live-store';

const KB = 'knowledge-base';
const BASE = 'http://127.0.0.1:3000';
const TOKEN = 'test-agent-token-0123456789';

let bot: KefuBot;
let server: KefuServer;
const live = new MemoryLiveStore();

beforeAll(async () => {
  bot = await createBot({ knowledgeBase: KB, agentWaitMs: 1500 });
  const agents = [
    { id: 'a', name: '客服小王', secret: await hashAgentSecret('secret-a') },
    { id: 'b', name: '客服小李', secret: await hashAgentSecret('secret-b') },
  ];
  server = createKefuServer({ bot, agents: { token: TOKEN, agents }, allowOrigins: ['https://shop.example'], live, sweepMs: 100 });
}, 60_000);
afterAll(() => server.close());

const A = { authorization: 'Bearer a:secret-a' };
const B = { authorization: 'Bearer b:secret-b' };

function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
  const headers: Record<string, string> = { host: '127.0.0.1:3000', ...init.headers };
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  return server.fetch(new Request(BASE + path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body }));
}

async function newCustomer(): Promise<{ token: string; sessionId: string; h: Record<string, string> }> {
  const res = await call('/api/session', { body: {} });
  expect(res.status).toBe(200);
  const { token, sessionId } = await res.json();
  return { token, sessionId, h: { authorization: `Bearer ${token}` } };
}

describe('the security gate', () => {
  it('agent API without valid credentials → 401, every route', async () => {
    for (const [path, method] of [['/api/agent/queue', 'GET'], ['/api/agent/events', 'GET'], ['/api/agent/reply', 'POST'], ['/api/agent/claim', 'POST'], ['/api/agent/messages', 'GET']]) {
      const res = await call(path, { method, body: method === 'POST' ? { sessionId: 'x', text: 'hi' } : undefined });
      expect(res.status, path).toBe(401);
      expect((await call(path, { method, headers: { authorization: 'Bearer a:wrong' }, body: method === 'POST' ? { sessionId: 'x' } : undefined })).status).toBe(401);
    }
    expect((await call('/api/agent/me', { headers: A })).status).toBe(200);
    const shared = await call('/api/agent/me', { headers: { authorization: `Bearer ${TOKEN}`, 'x-kefu-agent-name': encodeURIComponent('小张') } });
    expect((await shared.json()).name).toBe('小张');
  });

  it('POST that is not application/json → 415 (text/plain, form-encoded)', async () => {
    const c = await newCustomer();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await call('/api/ask', { raw: '{"text":"怎么退货"}', headers: { ...c.h, 'content-type': type } });
      expect(res.status, type).toBe(415);
    }
    expect((await call('/api/agent/reply', { raw: '{}', headers: { ...A, 'content-type': 'text/plain' } })).status).toBe(415);
  });

  it('Origin neither ours nor allowed → 403; an allowed widget origin gets CORS on the customer API only', async () => {
    const c = await newCustomer();
    const evil = await call('/api/ask', { body: { text: '怎么退货' }, headers: { ...c.h, origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    const shop = await call('/api/ask', { body: { text: '怎么退货' }, headers: { ...c.h, origin: 'https://shop.example' } });
    expect(shop.status).toBe(200);
    expect(shop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect((await call('/api/agent/queue', { headers: { ...A, origin: 'https://shop.example' } })).status).toBe(403);
    expect((await call('/api/ask', { body: { text: '怎么退货' }, headers: { ...c.h, origin: 'http://127.0.0.1:3000' } })).status).toBe(200);
  });

  it('an unknown Host (DNS rebinding) → 403; malformed URL → 400 without a stack trace', async () => {
    expect((await call('/agent', { headers: { host: 'evil.example' } })).status).toBe(403);
    const bad = await call('/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toMatch(/at |Error/);
  });

  it('the console has a CSP with frame-ancestors and no framing', async () => {
    const res = await call('/agent');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('a customer needs their token; a session id alone opens nothing', async () => {
    const c = await newCustomer();
    expect((await call('/api/ask', { body: { text: '你好' } })).status).toBe(401);
    expect((await call(`/api/events?sessionId=${c.sessionId}`, { headers: { accept: 'application/json' } })).status).toBe(401);
    expect((await call(`/api/history`, { headers: { authorization: `Bearer ${c.sessionId}` } })).status).toBe(401);
  });

  it('oversized bodies → 413', async () => {
    const c = await newCustomer();
    expect((await call('/api/ask', { body: { text: 'x'.repeat(20_000) }, headers: c.h })).status).toBe(413);
  });
});

describe('agents', () => {
  it('claim conflict → 409 naming the holder; reply only by the holder; transfer; handback', async () => {
    const c = await newCustomer();
    await call('/api/ask', { body: { text: '转人工' }, headers: c.h });
    let queue = await (await call('/api/agent/queue', { headers: B })).json();
    expect(queue.waiting.map((w: { sessionId: string }) => w.sessionId)).toContain(c.sessionId);
    expect((await call('/api/agent/claim', { body: { sessionId: c.sessionId }, headers: A })).status).toBe(200);
    const second = await call('/api/agent/claim', { body: { sessionId: c.sessionId }, headers: B });
    expect(second.status).toBe(409);
    expect((await second.json()).agent).toBe('客服小王');
    // The queue lists waiting conversations only.
    queue = await (await call('/api/agent/queue', { headers: B })).json();
    expect(queue.waiting.map((w: { sessionId: string }) => w.sessionId)).not.toContain(c.sessionId);
    expect((await call('/api/agent/reply', { body: { sessionId: c.sessionId, text: '我来' }, headers: B })).status).toBe(409);
    expect((await call('/api/agent/reply', { body: { sessionId: c.sessionId, text: '您好，我是小王' }, headers: A })).status).toBe(200);
    expect((await call('/api/agent/transfer', { body: { sessionId: c.sessionId, to: 'b' }, headers: A })).status).toBe(200);
    expect((await call('/api/agent/reply', { body: { sessionId: c.sessionId, text: '还是我' }, headers: A })).status).toBe(409);
    expect((await call('/api/agent/reply', { body: { sessionId: c.sessionId, text: '您好，我是小李' }, headers: B })).status).toBe(200);
    const page = await (await call('/api/events', { headers: { ...c.h, accept: 'application/json' } })).json();
    const said = page.events.filter((e: { type: string }) => e.type === 'agent-message').map((e: { text: string; agent: string }) => `${e.agent}:${e.text}`);
    expect(said).toEqual(['客服小王:您好，我是小王', '客服小李:您好，我是小李']);
    expect((await call('/api/rating', { body: { score: 5 }, headers: c.h })).status).toBe(200);
    expect((await call('/api/agent/handback', { body: { sessionId: c.sessionId }, headers: B })).status).toBe(200);
    expect((await (await call('/api/status', { headers: c.h })).json()).mode).toBe('bot');
  });

  it('two agents replying to an unclaimed conversation at once: one 200, one 409', async () => {
    const c = await newCustomer();
    await call('/api/ask', { body: { text: '转人工' }, headers: c.h });
    const [ra, rb] = await Promise.all([
      call('/api/agent/reply', { body: { sessionId: c.sessionId, text: 'A' }, headers: A }),
      call('/api/agent/reply', { body: { sessionId: c.sessionId, text: 'B' }, headers: B }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
  });

  it('anger while waiting raises the priority; queue position is reported', async () => {
    const c1 = await newCustomer();
    const c2 = await newCustomer();
    await call('/api/ask', { body: { text: '转人工' }, headers: c1.h });
    await call('/api/ask', { body: { text: '转人工' }, headers: c2.h });
    const before = await (await call('/api/status', { headers: c2.h })).json();
    await call('/api/ask', { body: { text: '你们这是骗子，我要投诉！！！' }, headers: c2.h });
    const after = await (await call('/api/status', { headers: c2.h })).json();
    expect(after.position).toBeLessThan(before.position);
    expect(after.position).toBe(1);
  });
});

describe('customers', () => {
  it('a chosen clarify chip is answered, never counted as a failure', async () => {
    const c = await newCustomer();
    await call('/api/ask', { body: { text: 'asdfgh qwerty' }, headers: c.h });
    const r = await (await call('/api/ask', { body: { text: '怎么退货', faqId: bot.matcher.kb.faqs[0].id }, headers: c.h })).json();
    expect(r.type).toBe('answer');
    expect(r.id).toBe(bot.matcher.kb.faqs[0].id);
  });

  it('a retried message (same clientId) is answered once', async () => {
    const c = await newCustomer();
    const one = await (await call('/api/ask', { body: { text: '怎么退货', clientId: 'm1' }, headers: c.h })).json();
    const two = await (await call('/api/ask', { body: { text: '怎么退货', clientId: 'm1' }, headers: c.h })).json();
    expect(two.turnId).toBe(one.turnId);
    const hist = await (await call('/api/history', { headers: c.h })).json();
    expect(hist.turns.filter((t: { role: string }) => t.role === 'customer')).toHaveLength(1);
  });

  it('no agent: the wait ends on a timer; leave-a-message reaches the host and the console', async () => {
    const c = await newCustomer();
    await call('/api/ask', { body: { text: '转人工' }, headers: c.h });
    const left = new Promise((resolve) => server.once('left-message', resolve));
    await new Promise((r) => setTimeout(r, 3000));
    const page = await (await call('/api/events', { headers: { ...c.h, accept: 'application/json' } })).json();
    expect(page.events.map((e: { type: string }) => e.type)).toContain('handoff-timeout');
    expect((await (await call('/api/status', { headers: c.h })).json()).mode).toBe('bot');
    expect((await call('/api/leave-message', { body: { text: '请回电，订单123', contact: '13800000000' }, headers: c.h })).status).toBe(200);
    expect(await left).toMatchObject({ sessionId: c.sessionId, contact: '13800000000' });
    const msgs = await (await call('/api/agent/messages', { headers: A })).json();
    expect(msgs.messages[0]).toMatchObject({ sessionId: c.sessionId, text: '请回电，订单123' });
  });

  it('event ids sort after the previous server’s ids (a restart never rewinds them)', async () => {
    const c = await newCustomer();
    await call('/api/ask', { body: { text: '转人工' }, headers: c.h });
    await call('/api/agent/reply', { body: { sessionId: c.sessionId, text: '第一句' }, headers: A });
    const first = await (await call('/api/events', { headers: { ...c.h, accept: 'application/json' } })).json();
    await new Promise((r) => setTimeout(r, 5));
    const { compareEventIds } = await import('../../src/server/live-store');
    // A new process's store (memory: nothing kept) still numbers after what the browser saw.
    const fresh = await new MemoryLiveStore().publish('x', { type: 't' });
    expect(compareEventIds(fresh.id, first.last)).toBeGreaterThan(0);
  });
});
