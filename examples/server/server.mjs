// kefu example server: the bot runs here, the shop page's widget talks to it, human agents
// answer from the console at /agent. node:http only, no framework.
//
//   node examples/server/server.mjs            → http://127.0.0.1:3000/  and  /agent
//
// Env: PORT (default 3000; 0 picks a free one), HOST (default 127.0.0.1), KB (knowledge base
// folder, default ./knowledge-base), KEFU_MODULE (what to import instead of 'kefu', e.g. a
// bundle of src/ made by scripts/build-browser-bundle.mjs).
//
// The agent console has no login: it is a demo. Put real authentication in front of /agent
// and /api/agent/* before exposing this anywhere.
//
// API
//   POST /api/ask            {sessionId, text}          → the bot's reply (KefuReply JSON)
//   POST /api/feedback       {sessionId, turnId, vote}  → {ok}
//   GET  /api/events?sessionId=…&after=N               → the customer's live events: SSE when
//        asked with Accept: text/event-stream (EventSource), else JSON {events, last} (polling)
//   GET  /api/agent/queue                               → sessions waiting for / talking with a human
//   GET  /api/agent/events?after=N                      → console events, SSE or JSON as above
//   POST /api/agent/reply    {sessionId, text, agentId?}
//   POST /api/agent/handback {sessionId}
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../..');
const WIDGET_DIR = resolve(repo, 'examples/widget');

const MAX_BODY = 16 * 1024;
const MAX_TEXT = 500;
const SESSION_EVENTS = 50; // kept per customer session (for reconnects and polling)
const AGENT_EVENTS = 200; // kept for the console
const MAX_SESSIONS_TRACKED = 2000; // event buffers / handoff details, least recently used dropped first
const MAX_STREAMS = 500; // open SSE connections

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
};

/** A list that keeps only its last `max` items. */
class Ring {
  constructor(max) { this.max = max; this.items = []; }
  push(x) { this.items.push(x); if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max); }
  after(seq) { return this.items.filter((e) => e.seq > seq); }
}

/** A Map that forgets its least recently used keys beyond `max`. */
class Lru extends Map {
  constructor(max) { super(); this.max = max; }
  touch(key, make) {
    let v = super.get(key);
    if (v === undefined) v = make();
    super.delete(key);
    super.set(key, v);
    while (this.size > this.max) super.delete(this.keys().next().value);
    return v;
  }
  put(key, value) {
    this.touch(key, () => value);
    return super.set(key, value);
  }
}

/**
 * Wire a KefuBot to HTTP. Returns the node:http server (not listening yet).
 * @param {{ bot: import('kefu').KefuBot, widgetDir?: string, log?: (msg: string) => void }} options
 */
export function createKefuServer({ bot, widgetDir = WIDGET_DIR, log = () => {} }) {
  let seq = 0;
  const sessionEvents = new Lru(MAX_SESSIONS_TRACKED); // sessionId → Ring
  const handoffInfo = new Lru(MAX_SESSIONS_TRACKED); // sessionId → { emotion, text, suggestions }
  const agentEvents = new Ring(AGENT_EVENTS);
  const streams = new Set(); // { res, filter(ev) }

  function publish(ring, ev) {
    ev.seq = ++seq;
    ev.at = Date.now();
    ring.push(ev);
    for (const s of streams) if (s.ring === ring) sse(s.res, ev);
    return ev;
  }
  const toCustomer = (sessionId, ev) => publish(sessionEvents.touch(sessionId, () => new Ring(SESSION_EVENTS)), ev);
  const toAgents = (ev) => publish(agentEvents, ev);

  bot.on('handoff', (e) => {
    handoffInfo.put(e.sessionId, { emotion: e.emotion, text: e.text, suggestions: e.suggestions });
    toAgents({ type: 'handoff', sessionId: e.sessionId, reason: e.reason, priority: e.priority });
  });
  bot.on('customer-message', (e) => toAgents({ type: 'customer-message', sessionId: e.sessionId, text: e.turn.text }));
  bot.on('agent-message', (e) => {
    toCustomer(e.sessionId, { type: 'agent-message', text: e.turn.text, agentId: e.agentId ?? null, turnId: e.turn.id });
    toAgents({ type: 'agent-message', sessionId: e.sessionId });
  });
  bot.on('handoff-timeout', (e) => {
    toCustomer(e.sessionId, { type: 'handoff-timeout' });
    toAgents({ type: 'handoff-timeout', sessionId: e.sessionId });
  });

  /**
   * Answers from the bot's own KB for the customer's most recent message that the KB relates to
   * ("转人工" or "在吗" match nothing useful, so earlier messages are tried too).
   */
  function suggestionsFor(s, info) {
    const floor = bot.matcher.thresholds.clarify;
    const pick = (list) => list.filter((x) => x.confidence >= floor).slice(0, 3).map((x) => ({ id: x.id, question: x.question, answer: x.answer, confidence: x.confidence }));
    const said = s.turns.filter((t) => t.role === 'customer').reverse().slice(0, 5);
    for (const t of said) {
      const found = pick(bot.suggest(t.text));
      if (found.length) return found;
    }
    return pick(info.suggestions ?? []);
  }

  async function queue() {
    const sessions = await bot.handoffQueue();
    return sessions.map((s) => {
      const info = handoffInfo.get(s.id) ?? {};
      return {
        sessionId: s.id,
        mode: s.mode,
        reason: s.handoff?.reason ?? null,
        priority: s.handoff?.priority ?? 'normal',
        requestedAt: s.handoff?.requestedAt ?? s.updatedAt,
        agentId: s.handoff?.agentId ?? null,
        emotion: info.emotion ?? null,
        channel: s.channel ?? null,
        transcript: s.turns.slice(-50).map((t) => ({ id: t.id, role: t.role, text: t.text, at: t.at, type: t.type ?? null })),
        suggestions: suggestionsFor(s, info),
      };
    });
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    const p = url.pathname;
    if (req.method === 'POST' && p === '/api/ask') {
      const { sessionId, text } = await body(req, { sessionId: isId, text: isText });
      return json(res, 200, await bot.ask(text, { sessionId, channel: 'web' }));
    }
    if (req.method === 'POST' && p === '/api/feedback') {
      const { sessionId, turnId, vote } = await body(req, { sessionId: isId, turnId: isId, vote: (v) => v === 'up' || v === 'down' });
      await bot.feedback(sessionId, turnId, vote);
      return json(res, 200, { ok: true });
    }
    if (req.method === 'GET' && p === '/api/events') {
      const sessionId = url.searchParams.get('sessionId');
      if (!isId(sessionId)) return json(res, 400, { error: 'sessionId is required' });
      return events(req, res, url, sessionEvents.touch(sessionId, () => new Ring(SESSION_EVENTS)));
    }
    if (req.method === 'GET' && p === '/api/agent/queue') return json(res, 200, { sessions: await queue() });
    if (req.method === 'GET' && p === '/api/agent/events') return events(req, res, url, agentEvents);
    if (req.method === 'POST' && p === '/api/agent/reply') {
      const { sessionId, text, agentId } = await body(req, { sessionId: isId, text: isText, agentId: (v) => v === undefined || (typeof v === 'string' && v.length <= 40) });
      const turn = await bot.agentReply(sessionId, text, agentId || '客服小王');
      return json(res, 200, { ok: true, turnId: turn.id });
    }
    if (req.method === 'POST' && p === '/api/agent/handback') {
      const { sessionId } = await body(req, { sessionId: isId });
      const text = await bot.handback(sessionId);
      handoffInfo.delete(sessionId);
      toCustomer(sessionId, { type: 'handback', text });
      toAgents({ type: 'handback', sessionId });
      return json(res, 200, { ok: true, text });
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (p === '/agent' || p === '/agent/') return file(req, res, join(here, 'agent.html'));
      if (p === '/agent/agent.js') return file(req, res, join(here, 'agent.js'));
      if (p === '/agent/agent.css') return file(req, res, join(here, 'agent.css'));
      if (p === '/' || p === '/index.html') {
        // The shop page in server mode (?mode=local keeps it in-browser).
        let html = await readFile(join(widgetDir, 'index.html'), 'utf8');
        if (url.searchParams.get('mode') !== 'local') html = html.replace(/(<script[^>]*kefu-widget\.js[^>]*?)data-mode="local"/, '$1data-mode="server"');
        return send(res, 200, TYPES['.html'], html, req.method === 'HEAD');
      }
      const target = normalize(join(widgetDir, decodeURIComponent(p)));
      if (!target.startsWith(widgetDir + sep)) return json(res, 404, { error: 'not found' });
      return file(req, res, target);
    }
    return json(res, 404, { error: 'not found' });
  }

  /** SSE (Accept: text/event-stream) or a JSON page of events after `after` / Last-Event-ID. */
  function events(req, res, url, ring) {
    const after = Number(req.headers['last-event-id'] ?? url.searchParams.get('after') ?? 0) || 0;
    if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
      return json(res, 200, { events: ring.after(after), last: seq });
    }
    if (streams.size >= MAX_STREAMS) return json(res, 503, { error: 'too many live connections; poll instead' });
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    for (const ev of ring.after(after)) sse(res, ev);
    const stream = { res, ring };
    streams.add(stream);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(ping);
      streams.delete(stream);
    });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      const status = err.status ?? (err.code === 'unknown-session' ? 404 : err.code === 'not-with-human' || err.code === 'unknown-turn' ? 409 : 500);
      if (status === 500) log(`error: ${err.stack ?? err}`);
      if (!res.headersSent) json(res, status, { error: status === 500 ? 'internal error' : err.message, code: err.code });
      else res.end();
    });
  });
  // End open event streams too, so close() does not wait for them.
  const close = server.close.bind(server);
  server.close = (cb) => {
    for (const s of streams) s.res.end();
    streams.clear();
    server.closeIdleConnections?.();
    return close(cb);
  };
  return server;
}

function sse(res, ev) {
  res.write(`id: ${ev.seq}\ndata: ${JSON.stringify(ev)}\n\n`);
}

function json(res, status, data) {
  send(res, status, TYPES['.json'], JSON.stringify(data));
}

function send(res, status, type, data, headOnly = false) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(headOnly ? undefined : data);
}

async function file(req, res, path) {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
    const data = await readFile(path);
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': data.length, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(req.method === 'HEAD' ? undefined : data);
  } catch {
    json(res, 404, { error: 'not found' });
  }
}

const isId = (v) => typeof v === 'string' && /^[\w.:-]{1,100}$/.test(v);
const isText = (v) => typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_TEXT;

/** Read a small JSON body and check each field. */
async function body(req, checks) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(c);
  }
  let data;
  try {
    data = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Object.assign(new Error('body must be JSON'), { status: 400 });
  }
  if (!data || typeof data !== 'object') throw Object.assign(new Error('body must be a JSON object'), { status: 400 });
  for (const [k, ok] of Object.entries(checks)) if (!ok(data[k])) throw Object.assign(new Error(`bad or missing "${k}"`), { status: 400 });
  return data;
}

// ── started as a program ──────────────────────────────────────────────────────
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const spec = process.env.KEFU_MODULE || 'kefu';
  const kefu = await import(spec.startsWith('/') || spec.startsWith('.') ? pathToFileURL(resolve(spec)).href : spec);
  const kbPath = resolve(process.env.KB || join(repo, 'knowledge-base'));
  const bot = await kefu.createBot({ knowledgeBase: kbPath, variables: { shopName: '示例商城' } });
  const server = createKefuServer({ bot, log: (m) => console.error(m) });
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST || '127.0.0.1';
  server.listen(port, host, () => {
    const { port: bound } = server.address();
    console.log(`kefu example server: http://${host}:${bound}/  (agent console: http://${host}:${bound}/agent)  [kefu from ${spec}, segmenter ${bot.matcher.segmenterName}]`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
