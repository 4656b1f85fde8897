/**
 * The customer API. A conversation is reached only through its token (256 random bits, kept
 * by the widget in localStorage); the session id agents see is a hash of it, so knowing a
 * session id (as agents do) does not open the customer's side.
 *
 *   POST /api/session                          → { token, sessionId }
 *   POST /api/ask        {text, faqId?, clientId?}  → the bot's reply (a retried clientId gets the first reply)
 *   GET  /api/history                          → { sessionId, mode, turns, lastEventId }
 *   GET  /api/status                           → { mode, position, queued, waitedMs, agent }
 *   GET  /api/events?token=…&after=…            → SSE (or JSON with Accept: application/json)
 *   POST /api/feedback   {turnId, vote}
 *   POST /api/rating     {score 1–5, comment?}
 *   POST /api/leave-message {text, contact}
 * Authorization: Bearer <token> (the event stream takes ?token=, as EventSource cannot set headers).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KefuReply } from '../bot/types.js';
import { field, HttpError, isId, isText, json, readJson } from './http.js';
import type { RouteContext, ServerCore } from './handler.js';
import { eventStream } from './sse.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function sessionIdFor(token: string): string {
  return `c-${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
}

export function customerRoutes(core: ServerCore): (ctx: RouteContext) => Promise<Response> {
  const { bot, live, conversations, limits } = core;
  /** Replies by (session, clientId), so a message retried after a lost response is answered once. */
  const recent = new Map<string, Promise<KefuReply>>();

  function sessionOf(ctx: RouteContext, allowQuery = false): string {
    const m = /^Bearer (\S+)$/.exec(ctx.req.headers.get('authorization') ?? '');
    const token = m?.[1] ?? (allowQuery ? ctx.url.searchParams.get('token') : null);
    if (!token || !TOKEN.test(token)) throw new HttpError(401, 'conversation token required (POST /api/session gives one)');
    return sessionIdFor(token);
  }
  const body = (ctx: RouteContext) => readJson(ctx.req, limits);

  return async (ctx) => {
    const { req, path } = ctx;
    const key = `${req.method} ${path}`;
    switch (key) {
      case 'POST /api/session': {
        await body(ctx);
        const token = randomBytes(32).toString('base64url');
        return json(200, { token, sessionId: sessionIdFor(token) });
      }
      case 'POST /api/ask': {
        const sessionId = sessionOf(ctx);
        const b = await body(ctx);
        const text = field<string>(b, 'text', isText(limits.maxTextLength), `non-empty text of at most ${limits.maxTextLength} characters`);
        const faqId = b.faqId === undefined ? undefined : field<string>(b, 'faqId', isId, 'an FAQ id');
        const clientId = b.clientId === undefined ? undefined : field<string>(b, 'clientId', isId, 'an id of at most 100 letters, digits, _ . : -');
        const dedupe = clientId && `${sessionId}/${clientId}`;
        let reply = dedupe ? recent.get(dedupe) : undefined;
        if (!reply) {
          reply = bot.ask(text, { sessionId, channel: 'web', faqId });
          if (dedupe) {
            recent.set(dedupe, reply);
            reply.catch(() => recent.delete(dedupe));
            if (recent.size > 5000) recent.delete(recent.keys().next().value!);
          }
          // The customer's other tabs (and devices holding the token) show the exchange live;
          // the tab that sent it knows its clientId and skips the echo.
          await live.publish(`s:${sessionId}`, { type: 'exchange', clientId: clientId ?? null, text, reply: await reply });
        }
        return json(200, await reply);
      }
      case 'GET /api/history': {
        const sessionId = sessionOf(ctx);
        const s = await bot.session(sessionId);
        const events = await live.since(`s:${sessionId}`);
        return json(200, {
          sessionId,
          mode: s?.mode ?? 'bot',
          turns: (s?.turns ?? []).map((t) => ({ id: t.id, role: t.role, text: t.text, at: t.at, type: t.type ?? null, faqId: t.faqId ?? null, feedback: t.feedback ?? null })),
          // Resume the event stream after what the transcript already shows.
          lastEventId: events.at(-1)?.id ?? null,
          rated: Boolean((s as { rating?: unknown } | undefined)?.rating),
        });
      }
      case 'GET /api/status':
        return json(200, await conversations.status(sessionOf(ctx)));
      case 'GET /api/events':
        return eventStream(req, ctx.url, live, `s:${sessionOf(ctx, true)}`, core.customerStreams, ctx.client);
      case 'POST /api/feedback': {
        const sessionId = sessionOf(ctx);
        const b = await body(ctx);
        const turnId = field<string>(b, 'turnId', isId, 'a turn id');
        const vote = field<'up' | 'down'>(b, 'vote', (v) => v === 'up' || v === 'down', '"up" or "down"');
        await bot.feedback(sessionId, turnId, vote);
        return json(200, { ok: true });
      }
      case 'POST /api/rating': {
        const sessionId = sessionOf(ctx);
        const b = await body(ctx);
        const score = field<number>(b, 'score', (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5, 'a whole number 1–5');
        const comment = b.comment === undefined || b.comment === '' ? undefined : field<string>(b, 'comment', isText(500), 'text of at most 500 characters');
        await conversations.rate(sessionId, score, comment);
        await live.publish('agents', { type: 'rating', sessionId, score, comment: comment ?? null });
        core.events.emit('rating', { sessionId, score, comment });
        return json(200, { ok: true });
      }
      case 'POST /api/leave-message': {
        const sessionId = sessionOf(ctx);
        const b = await body(ctx);
        const text = field<string>(b, 'text', isText(2000), 'non-empty text of at most 2000 characters');
        const contact = field<string>(b, 'contact', isText(100), 'a phone number, e-mail or other contact of at most 100 characters');
        const message = { id: randomBytes(8).toString('hex'), sessionId, text, contact, at: Date.now() };
        await live.addMessage(message);
        await live.publish('agents', { type: 'left-message', sessionId, messageId: message.id });
        core.events.emit('left-message', message);
        return json(200, { ok: true, id: message.id });
      }
      default:
        return json(404, { error: `no route ${key}` });
    }
  };
}
