/**
 * The chat widget in a real browser: Debian's chromium driven by playwright-core.
 *
 * - local mode: the kefu browser bundle answers in the page (no server round-trip)
 * - server mode (kefu serve, agents, customers): test/browser/serve.test.ts
 * - XSS: KB and customer strings are shown as text and never run
 * - the browser matcher agrees with Node's (Intl.Segmenter both sides; nodejieba reported)
 * - screenshots: into docs/screenshots/ with KEFU_UPDATE_SCREENSHOTS=1 (the README shows them),
 *   else into a temp folder, so a test run never changes tracked files
 *
 * Without chromium the suite is skipped locally and FAILS with CI=true.
 * Chromium: apt-get install -y chromium (path override: KEFU_CHROMIUM).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createMatcher, loadKnowledgeBase, type KefuMatch } from '../../src/index';
import { loadSegmenterSync } from '../../src/text/node';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const WIDGET = join(ROOT, 'examples/widget');
const VENDOR = join(WIDGET, 'vendor');
const SHOTS = process.env.KEFU_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/screenshots') : join(tmpdir(), `kefu-screenshots-${process.pid}`);
const CHROMIUM = process.env.KEFU_CHROMIUM || '/usr/bin/chromium';
const CI = process.env.CI === 'true';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const LAUNCH_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const T = 30_000; // per wait (generous: CI runs this beside other suites on 2 cores)

if (!HAVE_CHROMIUM && !CI) {
  console.warn(`[real components] chromium browser tests: 0 — SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium, or set KEFU_CHROMIUM). With CI=true this fails instead.`);
}

// ── helpers ──────────────────────────────────────────────────────────────────

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Run scripts/build-browser-bundle.mjs unless its outputs exist and are newer than src/, the KB and the script. */
function ensureBundle(): { nodeBundle: string; bundle: { raw: number; minified: number; gzip: number } } {
  const outputs = ['kefu.browser.js', 'kefu.widget.js', 'kb-index.json', 'kb-index.lite.json', 'build-info.json'].map((f) => join(VENDOR, f));
  const info = () => JSON.parse(readFileSync(join(VENDOR, 'build-info.json'), 'utf8'));
  const inputsAt = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'knowledge-base')), statSync(join(ROOT, 'scripts/build-browser-bundle.mjs')).mtimeMs);
  const fresh = outputs.every((f) => existsSync(f) && statSync(f).mtimeMs > inputsAt) && existsSync(info().nodeBundle);
  if (!fresh) {
    const out = execFileSync(process.execPath, [join(ROOT, 'scripts/build-browser-bundle.mjs')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    console.log(out.trimEnd());
  }
  return info();
}

interface Served {
  url: string;
  close: () => Promise<void>;
}

/** A static server for examples/widget on 127.0.0.1, plus in-memory pages for tests. */
async function serveWidget(pages: Record<string, string>): Promise<Served> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };
  const server = http.createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (pages[path] !== undefined) {
      res.writeHead(200, { 'content-type': types['.html'] });
      return res.end(pages[path]);
    }
    const file = normalize(join(WIDGET, path === '/' ? 'index.html' : path));
    if (!file.startsWith(WIDGET + sep)) return res.writeHead(404).end();
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

const W = {
  launcher: '.kefu-launcher',
  input: '.kefu-input',
  bot: (type: string) => `.kefu-msg.kefu-bot[data-type="${type}"]`,
};

async function ask(page: Page, text: string): Promise<void> {
  const input = page.locator(W.input);
  await input.fill(text);
  await input.press('Enter');
}

async function openWidget(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator(W.launcher).click();
  await page.locator('.kefu-panel').waitFor({ state: 'visible', timeout: T });
}

type Decision = Pick<KefuMatch, 'type' | 'id'>;
const decision = (m: Decision) => `${m.type}:${m.id ?? '-'}`;

// ── the suite ────────────────────────────────────────────────────────────────

describe.skipIf(!HAVE_CHROMIUM && !CI)('chat widget in chromium', () => {
  let browser: Browser;
  let site: Served;
  let nodeBundle: string;
  let ran = 0;
  const contexts: BrowserContext[] = [];

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const ctx = await browser.newContext({ viewport, locale: 'zh-CN', deviceScaleFactor: 1 });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
    return page;
  }

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but chromium is missing at ${CHROMIUM}: apt-get install -y chromium (browser tests must run in CI, not skip)`);
    const info = ensureBundle();
    nodeBundle = process.env.KEFU_MODULE || info.nodeBundle;
    const b = info.bundle;
    console.log(`[browser bundle] kefu.browser.js raw ${(b.raw / 1024).toFixed(0)} KB, minified ${(b.minified / 1024).toFixed(0)} KB, gzip ${(b.gzip / 1024).toFixed(0)} KB`);
    [browser, site] = await Promise.all([
      chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS }),
      serveWidget({
        '/blank.html': '<!doctype html><meta charset="utf-8"><title>blank</title>',
        '/xss.html': `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>xss</title><body>
          <script src="/kefu-widget.js" data-manual></script>
          <script>window.__widget = KefuWidget.mount({ mode: 'local', knowledgeBase: ${JSON.stringify(XSS_KB).replace(/</g, '\\u003c')} });</script>
        </body></html>`,
      }),
    ]);
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await site?.close();
    console.log(`[real components] chromium browser tests: ${ran} (${CHROMIUM})`);
  });

  it('local mode: answers, "did you mean" buttons, thumbs up — all in the browser', async () => {
    const page = await newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await openWidget(page, `${site.url}/index.html`);

    // First, so that 运费 is asked on its own: right after the answer to 怎么退货 it would be read
    // as a follow-up about return shipping (src/task/followup.ts) and answered, not clarified.
    await ask(page, '运费');
    const clarify = page.locator(W.bot('clarify')).last();
    await clarify.waitFor({ timeout: T });
    const choices = clarify.locator('.kefu-choice');
    const n = await choices.count();
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(3);
    const picked = (await choices.nth(0).locator('span').nth(1).textContent())!;
    await page.screenshot({ path: join(SHOTS, 'widget.png') });

    await choices.nth(0).click();
    await page.locator(W.bot('answer')).nth(0).waitFor({ timeout: T });
    // The customer's bubble shows the question picked; the bot answered that FAQ.
    expect(await page.locator('.kefu-msg.kefu-me .kefu-bubble').last().textContent()).toBe(picked);
    const last = await page.evaluate(async () => {
      const w = (window as any).KefuWidget.instances[0];
      const s = await w.bot.session(w.sessionId);
      return s.turns.at(-1);
    });
    expect(last.type).toBe('answer');


    await ask(page, '怎么退货');
    const answer = page.locator(W.bot('answer')).last();
    await answer.waitFor({ timeout: T });
    expect(await answer.locator('.kefu-text').textContent()).toContain('申请售后');

    // Thumbs up reaches bot.feedback in the page.
    await answer.locator('.kefu-fb-up').click();
    await answer.locator('.kefu-feedback[data-voted="up"]').waitFor({ timeout: T });
    const fb = await page.evaluate(async () => {
      const w = (window as any).KefuWidget.instances[0];
      const s = await w.bot.session(w.sessionId);
      return s.turns.filter((t: any) => t.feedback).map((t: any) => [t.faqId, t.feedback]);
    });
    expect(fb).toEqual([['return-apply', 'up']]);

    // Local mode never calls a server API.
    expect(requests.filter((p) => p.startsWith('/api/'))).toEqual([]);
    expect(requests).toContain('/vendor/kb-index.lite.json');
    ran++;
  });

  it('local mode: 转人工 shows the handoff notice', async () => {
    const page = await newPage();
    await openWidget(page, `${site.url}/index.html`);
    await ask(page, '转人工');
    const notice = page.locator('.kefu-notice-handoff');
    await notice.waitFor({ timeout: T });
    expect(await notice.textContent()).toContain('正在为您转接人工客服');
    // Local mode: a human answering through bot.agentReply appears in the widget.
    await page.evaluate(async () => {
      const w = (window as any).KefuWidget.instances[0];
      await w.bot.agentReply(w.sessionId, '您好，我是客服小李', '小李');
    });
    await page.locator('.kefu-agent', { hasText: '您好，我是客服小李' }).waitFor({ timeout: T });
    ran++;
  });

  it('XSS: customer and KB strings are shown as text, never run', async () => {
    const page = await newPage();
    await page.goto(`${site.url}/xss.html`);
    await page.evaluate(() => (window as any).__widget.ready);
    await page.locator(W.launcher).click();

    const attack = '<img src=x onerror="window.__xss=1">';
    await ask(page, attack);
    await page.locator('.kefu-msg.kefu-me', { hasText: 'onerror' }).waitFor({ timeout: T });
    await page.locator('.kefu-msg.kefu-bot:not([data-type="greeting"])').first().waitFor({ timeout: T });
    await ask(page, '怎么测试网页安全');
    const answer = page.locator(W.bot('answer'), { hasText: '<script>' }).last();
    await answer.waitFor({ timeout: T });
    expect(await answer.locator('.kefu-text').textContent()).toBe(XSS_KB.faqs[0].answer);
    expect(await page.locator('.kefu-msg.kefu-me .kefu-bubble').first().textContent()).toBe(attack);

    await page.waitForTimeout(200); // give a (wrongly) injected onerror a chance to fire
    const result = await page.evaluate(() => {
      const root = (window as any).__widget.root as ShadowRoot;
      return { xss: (window as any).__xss, imgs: root.querySelectorAll('img').length, scripts: root.querySelectorAll('script').length };
    });
    expect(result).toEqual({ xss: undefined, imgs: 0, scripts: 0 });
    ran++;
  });

  it('the browser matcher decides like Node (Intl.Segmenter), nodejieba reported', async () => {
    const questions = readdirSync(join(ROOT, 'test/cases'))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .flatMap((f) => (parseYaml(readFileSync(join(ROOT, 'test/cases', f), 'utf8')).cases as { question: string }[]).map((c) => c.question));
    expect(questions.length).toBeGreaterThan(50);

    const page = await newPage();
    await page.goto(`${site.url}/blank.html`);
    // A string, so that vitest does not rewrite the page's import().
    const inBrowser: { index: Decision[]; kb: Decision[]; widgetEngine: Decision[] } = await page.evaluate(`(async (qs) => {
      const kefu = await import('/vendor/kefu.browser.js');
      const lean = await import('/vendor/kefu.widget.js'); // the widget's engine: the same matcher without zod and yaml
      const index = await (await fetch('/vendor/kb-index.json')).json();
      const fromIndex = await kefu.createMatcher(index);
      const fromKb = await kefu.createMatcher(index.kb); // the index rebuilt in the browser
      const widgetEngine = lean.KefuMatcher.fromJSON(index);
      const pick = (m) => ({ type: m.type, id: m.id ?? null });
      return { index: qs.map((q) => pick(fromIndex.match(q))), kb: qs.map((q) => pick(fromKb.match(q))), widgetEngine: qs.map((q) => pick(widgetEngine.match(q))) };
    })(${JSON.stringify(questions)})`);
    expect(inBrowser.widgetEngine, 'kefu.widget.js decides as kefu.browser.js').toEqual(inBrowser.index);

    // Node on the browser's terms: lexical (no embedding model in a page) and FAQs only (a page has
    // no host actions for tasks), as scripts/build-browser-bundle.mjs builds the index.
    const loaded = await loadKnowledgeBase(join(ROOT, 'knowledge-base'));
    const faqsOnly = { ...loaded, faqs: loaded.faqs.filter((f) => !f.task), tasks: [] };
    const intl = await createMatcher(faqsOnly, { segmenter: 'intl', semantic: false });
    const jiebaInfo = loadSegmenterSync('auto');
    const jieba = jiebaInfo.name === 'nodejieba' ? await createMatcher(faqsOnly, { segmenter: 'nodejieba', semantic: false }) : undefined;
    const nodeIntl = questions.map((q) => decision(intl.match(q)));
    const nodeJieba = jieba ? questions.map((q) => decision(jieba.match(q))) : undefined;
    const agree = (a: string[], b: string[]) => a.filter((x, i) => x === b[i]).length / a.length;
    const browserIndex = inBrowser.index.map(decision);
    const browserKb = inBrowser.kb.map(decision);
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const lines = [
      `[agreement] ${questions.length} test-case questions, decisions compared as type + FAQ id`,
      `[agreement] browser (prebuilt index) vs Node intl:       ${pct(agree(browserIndex, nodeIntl))}`,
      `[agreement] browser (index built in page) vs Node intl:  ${pct(agree(browserKb, nodeIntl))}`,
      nodeJieba ? `[agreement] browser (prebuilt index) vs Node nodejieba:  ${pct(agree(browserIndex, nodeJieba))}` : `[agreement] Node nodejieba: unavailable (${jiebaInfo.fallbackReason})`,
      nodeJieba ? `[agreement] Node intl vs Node nodejieba:                 ${pct(agree(nodeIntl, nodeJieba))}` : '',
    ].filter(Boolean);
    const diffs = questions.map((q, i) => (browserIndex[i] !== nodeIntl[i] ? `  ${q}: browser ${browserIndex[i]} / node ${nodeIntl[i]}` : '')).filter(Boolean);
    console.log([...lines, ...(diffs.length ? ['[agreement] browser ≠ Node intl:', ...diffs] : [])].join('\n'));
    expect(agree(browserIndex, nodeIntl)).toBeGreaterThanOrEqual(0.99);
    ran++;
  });
});

/** A tiny KB whose answer is markup; it must be shown as text. (shopName: the default small talk uses it.) */
const XSS_KB = {
  variables: { shopName: '测试小店' },
  faqs: [
    {
      id: 'xss-answer',
      question: '怎么测试网页安全',
      similar: ['网页安全怎么测试', '如何测试网页安全', '测试网页安全的方法'],
      answer: '<script>window.__xss=2</script><img src=x onerror="window.__xss=3">请把这段当作文字显示',
    },
    { id: 'shipping', question: '多久发货', similar: ['什么时候发货', '几天能发货', '下单后多久发出'], answer: '付款后48小时内发货。' },
    { id: 'return', question: '怎么退货', similar: ['我想退货', '退货流程是什么', '怎么申请退货'], answer: '在“我的-订单”里申请售后即可。' },
  ],
};
