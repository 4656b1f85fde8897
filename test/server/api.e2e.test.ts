/**
 * `kefu/server` over Node's http on a real socket: a request body that trickles in is cut off
 * by the server's request timeout (15 s: this test waits it out, hence the e2e group), and
 * event streams are capped per client, agents in their own pool.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/index';
import { createKefuServer, hashAgentSecret, listen, type KefuServer } from '../../src/server/index';

const TOKEN = 'test-agent-token-0123456789';
const A = { authorization: 'Bearer a:secret-a' };
let server: KefuServer;

beforeAll(async () => {
  const bot = await createBot({ knowledgeBase: { faqs: [{ id: 'return', question: '怎么退货', answer: '在订单页申请售后。' }] } });
  server = createKefuServer({ bot, agents: { token: TOKEN, agents: [{ id: 'a', name: '客服小王', secret: await hashAgentSecret('secret-a') }] } });
});
afterAll(() => server.close());

describe('over Node http', () => {
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ url, close } = await listen(server, { port: 0 }));
  });
  afterAll(() => close());

  it('a body that trickles in is cut off; SSE streams are capped per client with agents in their own pool', async () => {
    const { port } = new URL(url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const sock = net.connect(Number(port), '127.0.0.1', () => {
        sock.write(`POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`);
      });
      let got = '';
      sock.on('data', (d) => (got += d));
      sock.on('close', () => resolve(got));
      sock.on('error', () => resolve(got));
    });
    expect(answer).toMatch(/^HTTP\/1.1 (408|400)/);
    expect(Date.now() - started).toBeLessThan(60_000);

    const c = (await (await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
    const open: AbortController[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const ac = new AbortController();
      open.push(ac);
      const res = await fetch(`${url}/api/events?token=${c.token}`, { headers: { accept: 'text/event-stream' }, signal: ac.signal });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    const agentStream = await fetch(`${url}/api/agent/events`, { headers: { ...A, accept: 'text/event-stream' }, signal: (open[open.push(new AbortController()) - 1]).signal });
    expect(agentStream.status).toBe(200);
    for (const ac of open) ac.abort();
  }, 60_000);
});
