#!/usr/bin/env node
// Local mode's weight: what the shop page loads eagerly, and how long the first answer takes
// in Chromium, unthrottled and on slow 4G (1.6 Mbps down, 750 kbps up, 150 ms RTT, 4× CPU
// slowdown through the DevTools protocol). Served by kefu/server (gzip, ETag), widget in
// local mode: the customer opens the widget as soon as the page has loaded and asks 怎么退货.
// Also: the lite index's cost in decisions on the sample test cases.
// Writes its section of bench/RESULTS.md (between the local-mode markers).
//
//   npm run build && node scripts/build-browser-bundle.mjs && node bench/local-mode.mjs [--out -]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vendor = path.join(root, 'examples/widget/vendor');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : path.join(root, 'bench/RESULTS.md');
if (!existsSync(path.join(vendor, 'kb-index.lite.json'))) execFileSync(process.execPath, [path.join(root, 'scripts/build-browser-bundle.mjs'), '--quiet'], { stdio: 'inherit' });
const { createBot } = await import(pathToFileURL(path.join(root, 'dist/index.js')).href);
const { createKefuServer, listen } = await import(pathToFileURL(path.join(root, 'dist/server.js')).href);

const bot = await createBot({ knowledgeBase: path.join(root, 'knowledge-base') });
const server = createKefuServer({ bot, agents: { token: 'bench-local-mode-token' } });
const { url, close } = await listen(server, { port: 0 });
const browser = await chromium.launch({ executablePath: process.env.KEFU_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });

const ENGINE = '/vendor/kefu.widget.js';
const INDEX = '/vendor/kb-index.lite.json';
const PROFILES = [
  { name: 'unthrottled', network: null, cpu: 1 },
  { name: 'slow 4G (1.6 Mbps, 150 ms RTT, 4× CPU)', network: { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 }, cpu: 4 },
];

async function run(profile) {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  if (profile.network) await cdp.send('Network.emulateNetworkConditions', profile.network);
  if (profile.cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  const urls = new Map();
  const wire = new Map(); // path → bytes on the wire
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, new URL(e.request.url).pathname));
  cdp.on('Network.loadingFinished', (e) => wire.set(urls.get(e.requestId), (wire.get(urls.get(e.requestId)) ?? 0) + e.encodedDataLength));
  await page.goto(`${url}/?mode=local`, { waitUntil: 'load' });
  const eager = [...wire].filter(([p]) => p.startsWith('/kefu-widget')).reduce((a, [, b]) => a + b, 0);
  const opened = await page.evaluate(() => performance.now());
  await page.locator('.kefu-launcher').click();
  await page.locator('.kefu-input').fill('怎么退货');
  await page.locator('.kefu-input').press('Enter');
  await page.locator('.kefu-msg.kefu-bot[data-type="answer"]').waitFor({ timeout: 120_000 });
  const answered = await page.evaluate(() => performance.now());
  // Where the time goes: when each download ended (Resource Timing), relative to opening.
  const ends = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, e.responseEnd])));
  await ctx.close();
  const after = (p) => (ends[p] === undefined ? NaN : ends[p] - opened);
  return { eager, engine: wire.get(ENGINE) ?? 0, index: wire.get(INDEX) ?? 0, engineAt: after(ENGINE), indexAt: after(INDEX), fromOpen: answered - opened, fromNavigation: answered };
}

const rows = [];
const load = os.loadavg()[0];
for (const p of PROFILES) rows.push({ profile: p.name, ...(await run(p)) });
await browser.close();
await close();

// The lite index's cost: decisions on the sample test cases, full vs lite (same segmenter).
const { createMatcher } = await import(pathToFileURL(path.join(root, 'dist/index.js')).href);
const { parse } = await import('yaml');
const cases = (await import('node:fs')).readdirSync(path.join(root, 'test/cases')).filter((f) => f.endsWith('.yaml')).flatMap((f) => parse(readFileSync(path.join(root, 'test/cases', f), 'utf8')).cases);
const decide = async (file) => {
  const m = await createMatcher(JSON.parse(readFileSync(path.join(vendor, file), 'utf8')));
  return cases.map((c) => m.match(c.question));
};
const pass = (c, d) => (c.expect === 'clarify' || c.expect === 'fallback' ? d.type === c.expect : c.expect !== 'handoff' && d.type === 'answer' && d.id === c.expect);
const [full, lite] = [await decide('kb-index.json'), await decide('kb-index.lite.json')];
const same = full.filter((d, i) => d.type === lite[i].type && d.id === lite[i].id).length;
const scorable = cases.filter((c) => c.expect !== 'handoff');
const acc = (ds) => scorable.filter((c) => pass(c, ds[cases.indexOf(c)])).length;
const size = (f) => readFileSync(path.join(vendor, f));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

const section = `<!-- local-mode:start -->
## Local mode: what the page loads, first answer on slow 4G

\`node bench/local-mode.mjs\`, ${new Date().toISOString().slice(0, 10)}, Chromium ${browser.version?.() ?? ''} headless, served by \`kefu/server\` (gzip, ETag; browsers offer brotli only over HTTPS). The customer opens the widget right after the page's load event and asks 怎么退货; the engine (`kefu.widget.js`: a bot from a prebuilt index, without the KB schema and YAML code of `kefu.browser.js`) and the index are fetched in parallel on first open or when the page is idle, whichever comes first (a negative download time: done before the customer opened the widget). ${os.cpus().length} cores, load average ${load.toFixed(1)} at the start of the run: the times are CPU-bound and move with the machine's load.

| profile | eager (widget script + CSS, on the wire) | engine (\`kefu.widget.js\`) | index (lite) | engine / index downloaded after opening | first answer after opening | after navigation start |
|---|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.profile} | ${kb(r.eager)} | ${kb(r.engine)} | ${kb(r.index)} | ${sec(r.engineAt)} / ${sec(r.indexAt)} | ${sec(r.fromOpen)} | ${sec(r.fromNavigation)} |`).join('\n')}

Index for the browser (\`kb-index.lite.json\`): the trained classifier's weights below 0.2 dropped, the rest to 2 decimals: ${kb(size('kb-index.json').length)} → ${kb(size('kb-index.lite.json').length)} (gzip ${kb(gzipSync(size('kb-index.json')).length)} → ${kb(gzipSync(size('kb-index.lite.json')).length)}). Its cost on the ${cases.length} sample test cases (matching only): ${same}/${cases.length} decisions identical to the full index; ${acc(lite)}/${scorable.length} pass with the lite index, ${acc(full)}/${scorable.length} with the full one.
<!-- local-mode:end -->`;

if (out === '-') console.log(section);
else {
  const text = readFileSync(out, 'utf8');
  const re = /<!-- local-mode:start -->[\s\S]*<!-- local-mode:end -->/;
  writeFileSync(out, re.test(text) ? text.replace(re, section) : `${text.trimEnd()}\n\n${section}\n`);
  console.log(section);
}
process.exit(0);
