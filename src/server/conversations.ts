/**
 * What agents do to a conversation beyond what the bot does: claim it (one agent at a time),
 * transfer it, and the queue as customers and agents see it. Every change is a
 * read-change-write under the session store's lock, so two agents (in one process or two,
 * with Redis) can never both hold a conversation.
 */
import type { KefuBot } from '../bot/bot.js';
import type { KefuSession } from '../bot/session.js';
import type { KefuAgent } from './agents.js';
import { HttpError } from './http.js';

/** The agent holding a conversation, kept in the session beside the bot's handoff state. */
export interface Claim {
  agentId: string;
  agentName: string;
  at: number;
}

type WithClaim = KefuSession & { claim?: Claim; rating?: { score: number; comment?: string; at: number } };

export const claimOf = (s: KefuSession): Claim | undefined => (s as WithClaim).claim;

export class Conversations {
  constructor(private readonly bot: KefuBot) {}

  private async change<T>(sessionId: string, fn: (s: WithClaim) => T): Promise<T> {
    const store = this.bot.sessions;
    const run = async () => {
      const s = (await store.get(sessionId)) as WithClaim | undefined;
      if (!s) throw new HttpError(404, `no conversation "${sessionId}" (expired?)`);
      const out = fn(s);
      await store.set(s);
      return out;
    };
    return store.exclusive ? store.exclusive(sessionId, run) : run();
  }

  /** Take a waiting conversation. Someone else holding it → 409 naming them. Claiming one's own again is fine. */
  claim(sessionId: string, agent: KefuAgent): Promise<Claim> {
    return this.change(sessionId, (s) => {
      if (s.mode === 'bot') throw new HttpError(409, 'this conversation is back with the bot', { code: 'not-with-human' });
      if (s.claim && s.claim.agentId !== agent.id) throw new HttpError(409, `already taken by ${s.claim.agentName}`, { code: 'claimed', agent: s.claim.agentName });
      s.claim ??= { agentId: agent.id, agentName: agent.name, at: Date.now() };
      s.mode = 'human';
      if (s.handoff) Object.assign(s.handoff, { acceptedAt: s.handoff.acceptedAt ?? Date.now(), agentId: agent.id, delivered: true });
      return s.claim;
    });
  }

  /** 409 unless `agent` holds the conversation. */
  async mustHold(sessionId: string, agent: KefuAgent): Promise<KefuSession> {
    const s = await this.bot.session(sessionId);
    if (!s) throw new HttpError(404, `no conversation "${sessionId}" (expired?)`);
    const c = claimOf(s);
    if (!c || c.agentId !== agent.id) {
      throw new HttpError(409, c ? `taken by ${c.agentName}` : 'claim the conversation first', { code: c ? 'claimed' : 'not-claimed', agent: c?.agentName ?? null });
    }
    return s;
  }

  /** Give a held conversation to another agent, or (no `to`) back to the queue. */
  transfer(sessionId: string, from: KefuAgent, to?: KefuAgent): Promise<Claim | undefined> {
    return this.change(sessionId, (s) => {
      if (!s.claim || s.claim.agentId !== from.id) throw new HttpError(409, s.claim ? `taken by ${s.claim.agentName}` : 'claim the conversation first', { code: 'claimed' });
      if (to) {
        s.claim = { agentId: to.id, agentName: to.name, at: Date.now() };
        if (s.handoff) s.handoff.agentId = to.id;
        return s.claim;
      }
      s.claim = undefined;
      s.mode = 'waiting';
      if (s.handoff) Object.assign(s.handoff, { agentId: undefined, acceptedAt: undefined, requestedAt: Date.now() });
      return undefined;
    });
  }

  /** Forget the claim when the bot takes the conversation back. */
  release(sessionId: string): Promise<void> {
    return this.change(sessionId, (s) => {
      s.claim = undefined;
    });
  }

  rate(sessionId: string, score: number, comment?: string): Promise<void> {
    return this.change(sessionId, (s) => {
      if (!s.turns.some((t) => t.role === 'agent')) throw new HttpError(409, 'only a conversation with an agent can be rated', { code: 'no-agent' });
      s.rating = { score, comment, at: Date.now() };
    });
  }

  /** Waiting conversations (nobody holds them), most urgent and longest waiting first. */
  async waiting(): Promise<KefuSession[]> {
    return (await this.bot.handoffQueue()).filter((s) => s.mode === 'waiting' && !claimOf(s));
  }

  async heldBy(agent: KefuAgent): Promise<KefuSession[]> {
    return (await this.bot.handoffQueue()).filter((s) => claimOf(s)?.agentId === agent.id);
  }

  /** Where a customer stands: mode, place in the queue, how long they have waited, who serves them. */
  async status(sessionId: string): Promise<{ mode: string; position: number | null; queued: number; waitedMs: number | null; agent: string | null }> {
    const s = await this.bot.session(sessionId);
    if (!s) return { mode: 'bot', position: null, queued: 0, waitedMs: null, agent: null };
    if (s.mode !== 'waiting') return { mode: s.mode, position: null, queued: 0, waitedMs: null, agent: claimOf(s)?.agentName ?? null };
    const queue = await this.waiting();
    const k = queue.findIndex((q) => q.id === sessionId);
    return { mode: s.mode, position: k < 0 ? null : k + 1, queued: queue.length, waitedMs: Date.now() - (s.handoff?.requestedAt ?? s.updatedAt), agent: null };
  }
}
