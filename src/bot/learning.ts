/**
 * What a bot turn gives the learner (src/learn/): which replies are captured as unknown
 * questions, and which customer question an agent's reply or a down-vote is about. Browser-safe.
 */
import type { KefuCapture } from '../learn/learner.js';
import type { KefuSession } from './session.js';
import { asksForHuman } from './triggers.js';
import type { KefuReply } from './types.js';

/** The capture for a reply the bot could not answer well: a fallback, a clarify, or a handoff after failures or anger. */
export function captureOf(reply: KefuReply, s: KefuSession): KefuCapture | undefined {
  const reason = reply.type === 'fallback' ? 'fallback' : reply.type === 'clarify' ? 'clarify' : reply.type === 'handoff' && (reply.reason === 'repeated-failure' || reply.reason === 'negative-emotion') ? 'handoff' : undefined;
  if (!reason) return undefined;
  return { text: reply.input, reason, channel: s.channel, nearest: 'candidates' in reply ? reply.candidates.map(({ id, confidence }) => ({ id, confidence })) : undefined };
}

/** The customer's question a bot or agent turn answered (the last one before it that was not a request for a human). */
export function questionBefore(s: KefuSession, turnId: string): string | undefined {
  const k = s.turns.findIndex((t) => t.id === turnId);
  for (let i = (k < 0 ? s.turns.length : k) - 1; i >= 0; i--) {
    const t = s.turns[i];
    if (t.role === 'customer' && !asksForHuman(t.text)) return t.text;
  }
  return undefined;
}
