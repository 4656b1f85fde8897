/**
 * The agent API (every route needs credentials; the handler checks them first).
 *
 *   GET  /api/agent/me                         → { id, name, agents }
 *   GET  /api/agent/queue                      → { waiting: [...], mine: [...] } (waiting: nobody holds it)
 *   GET  /api/agent/conversation?sessionId=…   → transcript, claim, KB suggestions for the latest question
 *   GET  /api/agent/messages                   → left messages, newest first
 *   GET  /api/agent/events                     → SSE (fetch with the Authorization header)
 *   POST /api/agent/claim     {sessionId}      → 409 { agent } when someone else holds it
 *   POST /api/agent/reply     {sessionId, text}  (only by the agent holding it: 409 otherwise)
 *   POST /api/agent/transfer  {sessionId, to?}   (to: an agent id; none → back to the queue)
 *   POST /api/agent/handback  {sessionId}
 *   POST /api/agent/typing    {sessionId}
 */
import type { KefuSession } from '../bot/session.js';
import type { KefuAgent } from './agents.js';
import { claimOf } from './conversations.js';
import { field, HttpError, isId, isText, json, readJson } from './http.js';
import type { RouteContext, ServerCore } from './handler.js';
import { eventStream } from './sse.js';

export function agentRoutes(core: ServerCore): (ctx: RouteContext) => Promise<Response> {
  const { bot, live, conversations, limits } = core;

  const summary = (s: KefuSession) => {
    const last = [...s.turns].reverse().find((t) => t.role === 'customer');
    return {
      sessionId: s.id,
      mode: s.mode,
      reason: s.handoff?.reason ?? null,
      priority: s.handoff?.priority ?? 'normal',
      requestedAt: s.handoff?.requestedAt ?? s.updatedAt,
      agent: claimOf(s)?.agentName ?? null,
      lastMessage: last?.text ?? '',
      channel: s.channel ?? null,
    };
  };

  /** KB answers for the customer's latest message the KB relates to (转人工 matches nothing, so earlier ones are tried). */
  const suggestionsFor = async (s: KefuSession) => {
    const floor = bot.matcher.thresholds.clarify;
    for (const t of s.turns.filter((t) => t.role === 'customer').reverse().slice(0, 5)) {
      const found = (await bot.suggest(t.text)).filter((x) => x.confidence >= floor).slice(0, 3);
      if (found.length) return found.map((x) => ({ id: x.id, question: x.question, answer: x.answer, confidence: x.confidence, for: t.id }));
    }
    return [];
  };

  const agentById = (id: string): KefuAgent | undefined => core.auth.agents.find((a) => a.id === id) ?? core.seen.get(id);

  return async (ctx) => {
    const { req, path } = ctx;
    const agent = ctx.agent!;
    const key = `${req.method} ${path}`;
    const body = () => readJson(req, limits);
    const sessionIdIn = (b: Record<string, unknown>) => field<string>(b, 'sessionId', isId, 'a conversation id');
    switch (key) {
      case 'GET /api/agent/me':
        return json(200, { id: agent.id, name: agent.name, agents: core.auth.agents.length ? core.auth.agents : [...core.seen.values()] });
      case 'GET /api/agent/queue': {
        const [waiting, mine] = await Promise.all([conversations.waiting(), conversations.heldBy(agent)]);
        return json(200, { waiting: waiting.map(summary), mine: mine.map(summary) });
      }
      case 'GET /api/agent/conversation': {
        const sessionId = ctx.url.searchParams.get('sessionId');
        if (!isId(sessionId)) throw new HttpError(400, '"sessionId" must be a conversation id');
        const s = await bot.session(sessionId!);
        if (!s) throw new HttpError(404, `no conversation "${sessionId}" (expired?)`);
        const rating = (s as { rating?: unknown }).rating ?? null;
        return json(200, {
          ...summary(s),
          claim: claimOf(s) ?? null,
          mineToAnswer: claimOf(s)?.agentId === agent.id,
          transcript: s.turns.slice(-100).map((t) => ({ id: t.id, role: t.role, text: t.text, at: t.at, type: t.type ?? null })),
          suggestions: await suggestionsFor(s),
          rating,
        });
      }
      case 'GET /api/agent/messages':
        return json(200, { messages: await live.messages(200) });
      case 'GET /api/agent/events':
        return eventStream(req, ctx.url, live, 'agents', core.agentStreams, agent.id);
      case 'POST /api/agent/claim': {
        const sessionId = sessionIdIn(await body());
        const claim = await conversations.claim(sessionId, agent);
        await live.publish('agents', { type: 'claimed', sessionId, agentId: agent.id, agent: agent.name });
        await live.publish(`s:${sessionId}`, { type: 'agent-joined', agent: agent.name });
        return json(200, { ok: true, claim });
      }
      case 'POST /api/agent/reply': {
        const b = await body();
        const sessionId = sessionIdIn(b);
        const text = field<string>(b, 'text', isText(2000), 'non-empty text of at most 2000 characters');
        // A reply to a conversation nobody holds claims it; one someone else holds is refused.
        const s = await bot.session(sessionId);
        if (s && !claimOf(s)) await conversations.claim(sessionId, agent);
        else await conversations.mustHold(sessionId, agent);
        const turn = await bot.agentReply(sessionId, text, agent.id);
        await live.publish(`s:${sessionId}`, { type: 'agent-message', text, agent: agent.name, turnId: turn.id });
        await live.publish('agents', { type: 'agent-message', sessionId, agentId: agent.id });
        return json(200, { ok: true, turnId: turn.id });
      }
      case 'POST /api/agent/transfer': {
        const b = await body();
        const sessionId = sessionIdIn(b);
        const to = b.to === undefined || b.to === null ? undefined : agentById(field<string>(b, 'to', isId, 'an agent id'));
        if (b.to && !to) throw new HttpError(400, `no agent "${String(b.to)}"`);
        const claim = await conversations.transfer(sessionId, agent, to);
        await live.publish('agents', { type: 'transferred', sessionId, from: agent.id, to: to?.id ?? null, agent: to?.name ?? null });
        return json(200, { ok: true, claim: claim ?? null });
      }
      case 'POST /api/agent/handback': {
        const sessionId = sessionIdIn(await body());
        await conversations.mustHold(sessionId, agent);
        const text = await bot.handback(sessionId);
        await conversations.release(sessionId);
        await live.publish(`s:${sessionId}`, { type: 'handback', text });
        await live.publish('agents', { type: 'handback', sessionId, agentId: agent.id });
        return json(200, { ok: true, text });
      }
      case 'POST /api/agent/typing': {
        const sessionId = sessionIdIn(await body());
        await conversations.mustHold(sessionId, agent);
        await live.signal(`s:${sessionId}`, { type: 'agent-typing', agent: agent.name });
        return json(200, { ok: true });
      }
      default:
        return json(404, { error: `no route ${key}` });
    }
  };
}
