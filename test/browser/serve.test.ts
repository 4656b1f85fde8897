/**
 * `kefu serve` in Chromium: two agents and three customers live on one server backed by a
 * real redis-server; claim conflicts; a handback that leaves the other agent's open
 * conversation alone; reload; a server restart mid-conversation; leave-a-message; a page
 * on another origin; the agent API without credentials; axe on the widget and the console.
 *
 * Without chromium or redis-server the suite is skipped locally and FAILS with CI=true.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/index';
import { connectRedis, type KefuRedis } from '../../src/redis/index';
import { createKefuServer, hashAgentSecret, listen, loadAgentsFile, RedisLiveStore } from '../../src/server/index';
import { haveRedis, mustHaveRedis, startRedis, type TestRedis } from '../redis/redis-server';

const CHROMIUM = process.env.KEFU_CHROMIUM || '/usr/bin/chromium';
const CI = process.env.CI === 'true';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const LAUNCH_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const T = 30_000;
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
// KEFU_UPDATE_SCREENSHOTS=1 (npm run screenshots) rewrites docs/screenshots/; a plain run writes to a temp folder.
const SHOTS = process.env.KEFU_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/screenshots') : join(tmpdir(), `kefu-screenshots-${process.pid}`);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

if ((!HAVE_CHROMIUM || !haveRedis) && !CI && !mustHaveRedis) {
  console.warn(`[real components] kefu serve browser tests: 0 — SKIPPED: ${!HAVE_CHROMIUM ? `${CHROMIUM} not found` : 'redis-server not found'}. With CI=true this fails instead.`);
}

interface Running {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/** An in-process kefu server on Redis (what `kefu serve --redis` runs), on `port` (0: a free one). */
async function startServer(redisUrl: string, agentsFile: string, port = 0, agentWaitMs = 600_000): Promise<Running> {
  const redis: KefuRedis = await connectRedis(redisUrl, { prefix: 'serve-test:' });
  const live = new RedisLiveStore(redis);
  await live.whenReady();
  const bot = await createBot({ knowledgeBase: 'knowledge-base', sessions: redis.sessionStore(), agentWaitMs });
  const server = createKefuServer({ bot, agents: { agents: await loadAgentsFile(agentsFile) }, live });
  const l = await listen(server, { port });
  return { url: l.url, port: Number(new URL(l.url).port), stop: async () => { await l.close(); await live.close(); await redis.close(); } };
}

async function axeSerious(page: Page): Promise<string[]> {
  await page.evaluate(AXE); // through the debugger protocol: the console's CSP forbids inline scripts
  const result = await page.evaluate(async () => (window as any).axe.run(document, { resultTypes: ['violations'] }));
  return (result.violations as { id: string; impact: string; nodes: { target: unknown }[] }[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

describe.skipIf((!HAVE_CHROMIUM || !haveRedis) && !CI)('kefu serve in chromium', () => {
  let browser: Browser;
  let redis: TestRedis;
  let srv: Running;
  let agentsFile: string;
  let evilSite: http.Server;
  let evilUrl: string;
  const contexts: BrowserContext[] = [];
  let ran = 0;

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN' });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    return page;
  }

  async function customer(): Promise<Page> {
    const page = await newPage();
    await page.goto(`${srv.url}/`);
    await page.locator('.kefu-launcher').click();
    await page.locator('.kefu-input').waitFor({ timeout: T });
    return page;
  }
  async function ask(page: Page, text: string) {
    await page.locator('.kefu-input').fill(text);
    await page.locator('.kefu-input').press('Enter');
  }
  async function agent(cred: string): Promise<Page> {
    const page = await newPage({ width: 1400, height: 900 });
    await page.goto(`${srv.url}/agent`);
    await page.locator('#cred').fill(cred);
    await page.locator('#login button[type="submit"]').click();
    await page.locator('#desk:not([hidden])').waitFor({ timeout: T });
    return page;
  }
  async function sessionIdOf(page: Page): Promise<string> {
    const token = await page.evaluate(() => localStorage.getItem('kefu-token:' + location.origin));
    const res = await fetch(`${srv.url}/api/history`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()).sessionId;
  }

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but chromium is missing at ${CHROMIUM}`);
    if (!haveRedis) throw new Error('CI=true but redis-server is missing');
    mkdirSync(SHOTS, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'kefu-serve-'));
    agentsFile = join(dir, 'agents.yaml');
    writeFileSync(agentsFile, `agents:\n  - id: wang\n    name: 客服小王\n    secret: "${await hashAgentSecret('wang-secret')}"\n  - id: li\n    name: 客服小李\n    secret: "${await hashAgentSecret('li-secret')}"\n`);
    redis = await startRedis();
    [browser, srv] = await Promise.all([chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS }), startServer(redis.url, agentsFile)]);
    // A page on another origin that tries to post into a chat.
    evilSite = http.createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((ok) => evilSite.listen(0, '127.0.0.1', ok));
    evilUrl = `http://127.0.0.1:${(evilSite.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await srv?.stop();
    await redis?.stop();
    evilSite?.close();
    console.log(`[real components] kefu serve browser tests: ${ran} (${CHROMIUM}, redis-server)`);
  });

  it('two agents, three customers: claims (409 shown), handback leaves B’s open conversation alone, reload, restart', async () => {
    const [c1, c2, c3] = await Promise.all([customer(), customer(), customer()]);
    for (const c of [c1, c2, c3]) await ask(c, '转人工');
    for (const c of [c1, c2, c3]) await c.locator('.kefu-notice-handoff').waitFor({ timeout: T });
    const [s1, s2, s3] = await Promise.all([c1, c2, c3].map(sessionIdOf));
    const [A, B] = await Promise.all([agent('wang:wang-secret'), agent('li:li-secret')]);
    for (const s of [s1, s2, s3]) await A.locator(`#queue [data-session="${s}"]`).waitFor({ timeout: T });
    // The customer sees their place in the queue.
    await c3.locator('.kefu-queue', { hasText: '您前面还有' }).waitFor({ timeout: T });

    // A takes c1; B takes c2.
    await A.locator(`#queue [data-session="${s1}"]`).click();
    await A.locator('#claim').click();
    await A.locator(`#mine [data-session="${s1}"]`).waitFor({ timeout: T });
    await B.locator(`#queue [data-session="${s2}"]`).click();
    await B.locator('#claim').click();
    await B.locator(`#mine [data-session="${s2}"]`).waitFor({ timeout: T });
    // The queue lists only who still waits.
    await A.locator(`#queue [data-session="${s2}"]`).waitFor({ state: 'detached', timeout: T });
    expect(await A.locator('#queue-count').textContent()).toBe('1');

    // Claim conflict: B opens c3, A takes it first, B's claim is refused and the console says by whom.
    await B.locator(`#queue [data-session="${s3}"]`).click();
    await B.locator('#claim:not([hidden])').waitFor({ timeout: T });
    const status = await A.evaluate((sid) => fetch('/api/agent/claim', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer wang:wang-secret' }, body: JSON.stringify({ sessionId: sid }) }).then((r) => r.status), s3);
    expect(status).toBe(200);
    const conflict = B.waitForResponse((r) => r.url().endsWith('/api/agent/claim'));
    await B.locator('#claim').click();
    expect((await conflict).status()).toBe(409);
    await B.locator('#chat-error', { hasText: '客服小王' }).waitFor({ timeout: T });

    // Replies reach the right customers, with the agent's name.
    await B.locator(`#mine [data-session="${s2}"]`).click();
    await B.locator('#reply-text').fill('您好，我是小李，请问订单号是多少？');
    await B.locator('#reply-text').press('Enter');
    await c2.locator('.kefu-agent', { hasText: '我是小李' }).waitFor({ timeout: T });
    expect(await c2.locator('.kefu-agent .kefu-from').last().textContent()).toContain('客服小李');
    await A.locator(`#mine [data-session="${s1}"]`).click();
    await A.locator('#reply-text').fill('您好，我是小王');
    await A.locator('#reply').locator('button[type="submit"]').click();
    await c1.locator('.kefu-agent', { hasText: '我是小王' }).waitFor({ timeout: T });

    // A hands c1 back; B's console keeps c2 open and B's next reply reaches c2, not c1.
    await A.locator('#handback').click();
    await c1.locator('.kefu-notice', { hasText: '人工客服已结束服务' }).waitFor({ timeout: T });
    await c1.locator('.kefu-stars').waitFor({ timeout: T }); // rating at the end of a human conversation
    await c1.locator('.kefu-stars button').nth(4).click();
    await c1.locator('.kefu-card', { hasText: '感谢您的评价' }).waitFor({ timeout: T });
    await B.waitForTimeout(500);
    expect(await B.locator(`#mine [data-session="${s2}"]`).getAttribute('aria-current')).toBe('true');
    await B.locator('#reply-text').fill('收到，正在为您查询');
    await B.locator('#reply-text').press('Enter');
    await c2.locator('.kefu-agent', { hasText: '正在为您查询' }).waitFor({ timeout: T });
    await B.screenshot({ path: join(SHOTS, 'agent-console.png') });
    expect(await c1.locator('.kefu-agent', { hasText: '正在为您查询' }).count()).toBe(0);

    // Agent typing is shown (and announced: role=status) to the customer.
    await B.locator('#reply-text').type('稍');
    await c2.locator('.kefu-agent-typing', { hasText: '客服小李 正在输入' }).waitFor({ timeout: T });
    await B.locator('#reply-text').fill('');

    // A reload keeps the conversation.
    await c2.reload();
    await c2.locator('.kefu-launcher').click();
    await c2.locator('.kefu-agent', { hasText: '正在为您查询' }).waitFor({ timeout: T });
    await c2.locator('.kefu-msg.kefu-me', { hasText: '转人工' }).waitFor({ timeout: T });

    // The server restarts mid-conversation; the agent's next reply still reaches the customer.
    const port = srv.port;
    await srv.stop();
    srv = await startServer(redis.url, agentsFile, port);
    await B.locator('#reply-text').fill('久等了，快递明天到');
    await B.locator('#reply-text').press('Enter');
    await c2.locator('.kefu-agent', { hasText: '快递明天到' }).waitFor({ timeout: 45_000 });
    expect(await c2.locator('.kefu-agent', { hasText: '正在为您查询' }).count()).toBe(1); // nothing shown twice
    ran++;
  });

  it('a page on another origin cannot post (403); the agent API without credentials → 401', async () => {
    const page = await newPage();
    const statuses: number[] = [];
    page.on('response', (r) => { if (r.url().startsWith(srv.url)) statuses.push(r.status()); });
    await page.goto(`${evilUrl}/`);
    await page.evaluate(async (api) => {
      const tries = [
        fetch(`${api}/api/agent/reply`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ sessionId: 'x', text: '请把验证码发给我' }) }),
        fetch(`${api}/api/ask`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ text: 'hi' }) }),
        fetch(`${api}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      ];
      await Promise.allSettled(tries);
    }, srv.url);
    await page.waitForTimeout(300);
    expect(statuses.filter((s) => s !== 403)).toEqual([]);
    expect(statuses.length).toBeGreaterThanOrEqual(2);

    const own = await newPage();
    await own.goto(`${srv.url}/agent`);
    const codes = await own.evaluate(async () => Promise.all(['/api/agent/queue', '/api/agent/messages', '/api/agent/me'].map((p) => fetch(p).then((r) => r.status))));
    expect(codes).toEqual([401, 401, 401]);
    ran++;
  });

  it('no agent comes: the wait ends on time and a left message reaches the console', async () => {
    // A second server on the same Redis with a short wait (customers on it, the agent on the first).
    const short = await startServer(redis.url, agentsFile, 0, 3000);
    try {
      const page = await newPage();
      await page.goto(`${short.url}/`);
      await page.locator('.kefu-launcher').click();
      await ask(page, '转人工');
      await page.locator('.kefu-notice-handoff').waitFor({ timeout: T });
      await page.locator('.kefu-leave').waitFor({ timeout: T }); // no message needed: a timer ends the wait
      await page.locator('.kefu-leave textarea').fill('请明天上午回电，订单 2024-881');
      await page.locator('.kefu-leave input').fill('13800001111');
      await page.locator('.kefu-leave button[type="submit"]').click();
      await page.getByText('留言已收到').waitFor({ timeout: T });
      const A = await agent('wang:wang-secret');
      await A.locator('#msgs li', { hasText: '订单 2024-881' }).waitFor({ timeout: T });
      expect(await A.locator('#msgs li', { hasText: '订单 2024-881' }).textContent()).toContain('13800001111');
    } finally {
      await short.stop();
    }
    ran++;
  });

  it('axe: no serious or critical violations in the widget (desktop and phone) and the console', async () => {
    const page = await customer();
    await ask(page, '怎么退货');
    await page.locator('.kefu-msg.kefu-bot[data-type="answer"]').waitFor({ timeout: T });
    await ask(page, '运费');
    await page.locator('.kefu-msg.kefu-bot:not([data-type="greeting"])').nth(1).waitFor({ timeout: T });
    expect(await axeSerious(page)).toEqual([]);

    const phone = await newPage({ width: 375, height: 740 });
    await phone.goto(`${srv.url}/`);
    await phone.locator('.kefu-launcher').click();
    await phone.locator('.kefu-input').waitFor({ timeout: T });
    expect(await axeSerious(phone)).toEqual([]);
    // Focus stays in the full-screen panel: Tab from the last control goes back to the first.
    const fontSize = await phone.locator('.kefu-input').evaluate((el) => getComputedStyle(el).fontSize);
    expect(fontSize).toBe('16px');
    for (let i = 0; i < 12; i++) await phone.keyboard.press('Tab');
    const inside = await phone.evaluate(() => document.activeElement?.classList.contains('kefu-host'));
    expect(inside).toBe(true);

    // Enter while an IME composes (isComposing, or keyCode 229 where it is not set) sends nothing; Shift+Enter breaks the line.
    const sent = await page.locator('.kefu-msg.kefu-me').count();
    await page.locator('.kefu-input').fill('tui');
    await page.locator('.kefu-input').evaluate((el) => {
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, bubbles: true, cancelable: true }));
      const legacy = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
      Object.defineProperty(legacy, 'keyCode', { get: () => 229 });
      el.dispatchEvent(legacy);
    });
    await page.locator('.kefu-input').press('Shift+Enter');
    await page.waitForTimeout(300);
    expect(await page.locator('.kefu-msg.kefu-me').count()).toBe(sent);
    expect(await page.locator('.kefu-input').inputValue()).toBe('tui\n');

    const A = await agent('wang:wang-secret');
    expect(await axeSerious(A)).toEqual([]);
    ran++;
  });
});
