/**
 * `kefu/server`: the bot, the widget, the customer API and the agent console behind one
 * fetch-style handler, `(req: Request) => Promise<Response>`, that Node (see `node.ts`),
 * Bun, Deno or any framework taking web-standard requests can mount.
 *
 * Every request passes the same gate before it reaches a route:
 *   Host must be ours (DNS rebinding) → a malformed path is a 400 → Origin must be ours or an
 *   allowed widget origin (the agent API: ours only) → a POST must be application/json (a
 *   cross-site form or no-cors fetch cannot be) → the agent API needs credentials (401).
 */
import EventEmitter from 'eventemitter3';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KefuBot } from '../bot/bot.js';
import { AgentAuth, type AgentAuthOptions, type KefuAgent } from './agents.js';
import { agentRoutes } from './agent-routes.js';
import { Conversations } from './conversations.js';
import { customerRoutes } from './customer-routes.js';
import { CONSOLE_CSP, errorResponse, HttpError, hostAllowed, hostName, json, normalizeOrigin } from './http.js';
import { MemoryLiveStore, type KefuLeftMessage, type KefuLiveStore } from './live-store.js';
import { StreamPool } from './sse.js';
import { localModeIndex } from './local-index.js';
import { memoryFile, respond, StaticFiles, type Cached } from './static.js';

export interface KefuServerOptions {
  bot: KefuBot;
  /** Agent credentials: a shared token and/or agents with hashed secrets. */
  agents: AgentAuthOptions;
  /** Origins of shop pages that embed the widget (the server's own origin is always allowed). */
  allowOrigins?: string[];
  /** Host names this server is reached by, besides loopback names and IP addresses (e.g. `chat.shop.example`). */
  allowHosts?: string[];
  /** Events and left messages: in memory (default) or `new RedisLiveStore(redis)` for several processes. */
  live?: KefuLiveStore;
  /** Folder with kefu-widget.js (default: the package's widget). */
  widgetDir?: string;
  /** Folder with the agent console (default: the package's). */
  consoleDir?: string;
  /** Request body limit. Default 16 KiB. */
  maxBodyBytes?: number;
  /** A body must arrive within this. Default 10,000 ms. */
  bodyTimeoutMs?: number;
  /** Longest customer message. Default 500 characters. */
  maxTextLength?: number;
  /** Open event streams: customers (all, and per client address) and agents (all, and per agent). */
  streams?: { customers?: number; perCustomerClient?: number; agents?: number; perAgent?: number };
  /**
   * Behind a reverse proxy every request comes from the proxy's address: take the client's
   * from the first `X-Forwarded-For` entry instead (only if the proxy sets it). Default false.
   */
  trustProxy?: boolean;
  /** How often waits for an agent are checked against the bot's `agentWaitMs`. Default 1,000 ms. */
  sweepMs?: number;
}

export interface KefuServerEvents {
  /** A customer left a message for when agents are back. */
  'left-message': (message: KefuLeftMessage) => void;
  rating: (event: { sessionId: string; score: number; comment?: string }) => void;
  /** A route failed unexpectedly (the client got a 500 without details). */
  error: (error: unknown) => void;
}

/** Per-request facts from the host (Node's adapter passes the client's address). */
export interface KefuRequestInfo {
  remoteAddress?: string;
}

export interface RouteContext {
  req: Request;
  url: URL;
  /** The decoded path. */
  path: string;
  client: string;
  agent?: KefuAgent;
}

/** What the route modules share. */
export interface ServerCore {
  bot: KefuBot;
  live: KefuLiveStore;
  conversations: Conversations;
  auth: AgentAuth;
  customerStreams: StreamPool;
  agentStreams: StreamPool;
  events: EventEmitter<KefuServerEvents>;
  limits: { maxBodyBytes: number; bodyTimeoutMs: number; maxTextLength: number };
  /** Agents seen (for transfers when agents log in with the shared token). */
  seen: Map<string, KefuAgent>;
}

export interface KefuServer extends EventEmitter<KefuServerEvents> {
  fetch(req: Request, info?: KefuRequestInfo): Promise<Response>;
  /** Stop timers and end open event streams. */
  close(): Promise<void>;
}

/** The package root (has package.json), from src/server or dist. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * The handler.
 * @example
 * import { createBot } from 'kefu';
 * import { createKefuServer, listen } from 'kefu/server';
 * const bot = await createBot({ knowledgeBase: './knowledge-base' });
 * const server = createKefuServer({ bot, agents: { token: process.env.KEFU_AGENT_TOKEN }, allowOrigins: ['https://shop.example'] });
 * await listen(server, { port: 3000 }); // or: Bun.serve({ fetch: server.fetch })
 */
export function createKefuServer(options: KefuServerOptions): KefuServer {
  const root = packageRoot();
  const widget = new StaticFiles(options.widgetDir ?? join(root, 'examples/widget'));
  const consoleFiles = new StaticFiles(options.consoleDir ?? join(root, 'src/server/console'));
  const allowOrigins = new Set<string>();
  for (const o of options.allowOrigins ?? []) {
    const n = normalizeOrigin(o);
    if (!n) throw new HttpError(500, `allowOrigins: "${o}" is not an http(s) origin like https://shop.example`);
    allowOrigins.add(n);
  }
  const allowHosts = new Set((options.allowHosts ?? []).map((h) => hostName(h) ?? h.toLowerCase()));
  for (const o of allowOrigins) allowHosts.add(new URL(o).hostname);
  const events = new EventEmitter<KefuServerEvents>();
  const s = options.streams ?? {};
  const core: ServerCore = {
    bot: options.bot,
    live: options.live ?? new MemoryLiveStore(),
    conversations: new Conversations(options.bot),
    auth: new AgentAuth(options.agents),
    customerStreams: new StreamPool({ pool: s.customers ?? 2000, perClient: s.perCustomerClient ?? 6 }),
    agentStreams: new StreamPool({ pool: s.agents ?? 200, perClient: s.perAgent ?? 8 }),
    events,
    limits: { maxBodyBytes: options.maxBodyBytes ?? 16 * 1024, bodyTimeoutMs: options.bodyTimeoutMs ?? 10_000, maxTextLength: options.maxTextLength ?? 500 },
    seen: new Map(),
  };
  const customer = customerRoutes(core);
  const agentApi = agentRoutes(core);
  const offBot = wireBotEvents(core);
  const sweep = setInterval(() => void options.bot.expireWaiting().catch((err) => events.emit('error', err)), options.sweepMs ?? 1000);
  sweep.unref?.();

  // Local mode answers from the KB this server runs, not the sample KB the package ships:
  // built on first request, and again after the bot's KB is replaced or grows in place (a
  // hot update adds questions or FAQs to the running KB object), lexical as in a browser.
  let local: { kb: object; size: string; file: Promise<Cached> } | undefined;
  const localIndex = () => {
    const { kb, size: s } = options.bot.matcher;
    const size = `${s.faqs}/${s.questions}`;
    if (local?.kb !== kb || local.size !== size) {
      const file = localModeIndex(kb).then(({ lite }) => memoryFile(new TextEncoder().encode(JSON.stringify(lite)), 'application/json; charset=utf-8'));
      local = { kb, size, file: file.catch((err: unknown) => ((local = undefined), Promise.reject(err))) };
    }
    return local.file;
  };

  async function route(ctx: RouteContext): Promise<Response> {
    const { req, path } = ctx;
    if (path.startsWith('/api/agent/')) {
      ctx.agent = await core.auth.check(req.headers.get('authorization'), req.headers.get('x-kefu-agent-name'));
      if (!ctx.agent) return json(401, { error: 'agent credentials required (Authorization: Bearer …)' }, { 'www-authenticate': 'Bearer realm="kefu-agents"' });
      core.seen.set(ctx.agent.id, ctx.agent);
      return agentApi(ctx);
    }
    if (path.startsWith('/api/')) return customer(ctx);
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: `${req.method} not allowed here` });
    if (path === '/agent' || path === '/agent/') return (await consoleFiles.response(req, '/agent.html', consoleHeaders))!;
    if (path.startsWith('/agent/')) return (await consoleFiles.response(req, path.slice('/agent'.length), consoleHeaders)) ?? json(404, { error: 'not found' });
    if (path === '/' || path === '/index.html') {
      // The demo shop page, switched to server mode (?mode=local keeps it answering in the browser).
      const page = await widget.response(new Request(req.url, { headers: { 'accept-encoding': 'identity' } }), '/index.html');
      if (!page) return json(404, { error: 'not found' });
      const text = await page.text();
      const html = ctx.url.searchParams.get('mode') === 'local' ? text : text.replace(/(<script[^>]*kefu-widget\.js[^>]*?)data-mode="local"/, '$1data-mode="server"');
      return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } });
    }
    // The widget and its files load from shop pages on other origins.
    const shared = { 'cross-origin-resource-policy': 'cross-origin', 'access-control-allow-origin': '*' };
    if (path === '/vendor/kb-index.lite.json') return respond(req, await localIndex(), shared);
    return (await widget.response(req, path, shared)) ?? json(404, { error: 'not found' });
  }

  async function fetch(req: Request, info: KefuRequestInfo = {}): Promise<Response> {
    try {
      const url = new URL(req.url);
      if (!hostAllowed(req.headers.get('host') ?? url.host, allowHosts)) return json(403, { error: 'unknown Host' });
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return json(400, { error: 'malformed URL' });
      }
      const origin = req.headers.get('origin');
      // Same origin: the page's host is ours (the scheme may differ behind a TLS proxy).
      const own = origin !== null && originHost(origin) === (req.headers.get('host') ?? url.host).toLowerCase();
      const cors = origin !== null && !own && allowOrigins.has(origin) && path.startsWith('/api/') && !path.startsWith('/api/agent/');
      if (origin !== null && !own && !cors) return json(403, { error: 'cross-origin request refused' });
      if (req.method === 'OPTIONS') {
        if (!cors) return json(405, { error: 'OPTIONS not allowed here' });
        return withCors(new Response(null, { status: 204, headers: { 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'authorization, content-type, last-event-id', 'access-control-max-age': '600' } }), origin!);
      }
      const forwarded = options.trustProxy ? req.headers.get('x-forwarded-for')?.split(',')[0].trim() : undefined;
      const res = await route({ req, url, path, client: forwarded || info.remoteAddress || 'unknown' });
      return cors ? withCors(res, origin!) : res;
    } catch (err) {
      if (!(err instanceof HttpError) && !(err as { code?: string })?.code) events.emit('error', err);
      return errorResponse(err);
    }
  }

  const server = events as KefuServer;
  server.fetch = fetch;
  server.close = async () => {
    clearInterval(sweep);
    offBot();
    for (const pool of [core.customerStreams, core.agentStreams]) for (const end of [...pool.closers]) end();
  };
  return server;
}

const consoleHeaders = { 'content-security-policy': CONSOLE_CSP, 'x-frame-options': 'DENY', 'cross-origin-opener-policy': 'same-origin' };

function originHost(origin: string): string | undefined {
  const n = normalizeOrigin(origin);
  return n ? new URL(n).host : undefined;
}

function withCors(res: Response, origin: string): Response {
  const headers = new Headers(res.headers);
  headers.set('access-control-allow-origin', origin);
  headers.append('vary', 'origin');
  return new Response(res.body, { status: res.status, headers });
}

/** The bot's own events (customer messages, handoffs, timeouts in this process) onto the live streams. */
function wireBotEvents(core: ServerCore): () => void {
  const { bot, live, events } = core;
  const safe = (p: Promise<unknown>) => void p.catch((err) => events.emit('error', err));
  const onHandoff: Parameters<typeof bot.on<'handoff'>>[1] = (e) => safe(live.publish('agents', { type: 'handoff', sessionId: e.sessionId, reason: e.reason, priority: e.priority }));
  const onCustomer: Parameters<typeof bot.on<'customer-message'>>[1] = (e) => safe(live.publish('agents', { type: 'customer-message', sessionId: e.sessionId, text: e.turn.text, turnId: e.turn.id }));
  const onTimeout: Parameters<typeof bot.on<'handoff-timeout'>>[1] = (e) => {
    safe(live.publish('agents', { type: 'handoff-timeout', sessionId: e.sessionId }));
    if (e.turn) safe(live.publish(`s:${e.sessionId}`, { type: 'handoff-timeout', text: e.turn.text, turnId: e.turn.id }));
  };
  bot.on('handoff', onHandoff);
  bot.on('customer-message', onCustomer);
  bot.on('handoff-timeout', onTimeout);
  return () => {
    bot.off('handoff', onHandoff);
    bot.off('customer-message', onCustomer);
    bot.off('handoff-timeout', onTimeout);
  };
}
