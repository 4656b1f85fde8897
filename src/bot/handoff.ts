/**
 * Handoff mechanics the bot's state machine (bot.ts) relies on: priority order, the host's
 * handler bounded by a timeout, the agent queue's order. Browser-safe.
 */
import { errorMessage } from '../errors.js';
import type { FaqPriority } from '../kb/schema.js';
import type { KefuSession } from './session.js';
import type { KefuHandoffEvent } from './types.js';

export const PRIORITY_RANK: Record<FaqPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** The higher of two priorities. */
export function higherPriority(a: FaqPriority, b: FaqPriority): FaqPriority {
  return PRIORITY_RANK[b] > PRIORITY_RANK[a] ? b : a;
}

/**
 * Await the host's `onHandoff` for at most `timeoutMs`. A handler that throws, rejects or does
 * not settle in time leaves the request undelivered (kept and retried by `retryHandoffs`).
 */
export async function callHandoffHandler(handler: (event: KefuHandoffEvent) => void | Promise<void>, event: KefuHandoffEvent, timeoutMs: number): Promise<{ delivered: true } | { delivered: false; error: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => handler(event)),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`onHandoff did not settle within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { delivered: true };
  } catch (err) {
    return { delivered: false, error: errorMessage(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** The agent queue: most urgent first, then longest waiting. */
export function byQueueOrder(a: KefuSession, b: KefuSession): number {
  return PRIORITY_RANK[b.handoff?.priority ?? 'normal'] - PRIORITY_RANK[a.handoff?.priority ?? 'normal'] || (a.handoff?.requestedAt ?? 0) - (b.handoff?.requestedAt ?? 0);
}
