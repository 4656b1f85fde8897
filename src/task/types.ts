/**
 * The public shapes of multi-turn tasks: what replies carry, what host actions receive, and
 * what a session remembers between messages. Browser-safe.
 */
import type { KefuSession } from '../bot/session.js';

export type KefuTaskStatus = 'collecting' | 'confirming' | 'done' | 'failed' | 'cancelled';

/** Carried by every reply during a task (`reply.task`), and printed by `kefu chat --json`. */
export interface KefuTaskInfo {
  id: string;
  status: KefuTaskStatus;
  /** Required slots still without a value, in the order they will be asked for. */
  missing: string[];
  /** The values collected so far. */
  slots: Record<string, string>;
  /** 'refused': the host's action said no (a business rule, e.g. the order has shipped). */
  outcome?: 'refused';
}

/** What a host action gets besides the slot values. */
export interface KefuActionContext {
  sessionId: string;
  taskId: string;
  /** A copy of the conversation (user, channel, transcript). */
  session: Readonly<KefuSession>;
  /** The customer's variables (bot and session variables merged), e.g. userName, customerId. */
  variables: Record<string, string>;
  /** Aborted when the action exceeds `actionTimeoutMs`: pass it to fetch() and friends. */
  signal: AbortSignal;
  /** The bot's clock. */
  now: Date;
}

/**
 * A host action. Return a result object for the answer template ({result.status}); return
 * `{ refused: true, reason }` when a business rule says no; throw (or time out) on failure.
 */
export type KefuAction<R = unknown> = (slots: Record<string, string>, ctx: KefuActionContext) => R | Promise<R>;

/** A value the customer can pick instead of typing it (e.g. one of their recent orders). */
export interface KefuChoice {
  value: string;
  /** Shown after the value, e.g. '连衣裙 · 已发货'. */
  label?: string;
}

/** Gives the choices for slots of one entity type, e.g. `{ 'order-number': (ctx) => recentOrders(ctx.variables.customerId) }`. */
export type KefuChoiceProvider = (ctx: Omit<KefuActionContext, 'signal' | 'taskId'>) => KefuChoice[] | Promise<KefuChoice[]>;

export interface KefuTaskOptions {
  /** The host's actions, by the names tasks use in `action:`. A task whose action is missing is ignored (its questions go to FAQs). */
  actions?: Record<string, KefuAction>;
  /** Choices offered instead of asking (recent orders…), by entity type. */
  choices?: Record<string, KefuChoiceProvider>;
  /** An action running longer fails (onError). Default 10,000 ms. */
  actionTimeoutMs?: number;
  /** Read short follow-ups in the context of the last answer (default: the KB's `followUps`, else true). */
  followUps?: boolean;
}

/** A task in progress, kept in the session (so it expires with it). JSON-safe. */
export interface KefuTaskState {
  id: string;
  /** 'offered': a refusal offered the task's `next`; a yes starts it with these slots. 'failed': handed over. */
  status: 'collecting' | 'confirming' | 'offered' | 'failed';
  slots: Record<string, string>;
  awaiting?: string;
  /** Unusable answers to the slot awaited. */
  attempts: number;
  /** Unrelated questions answered meanwhile. */
  interruptions: number;
  choices?: KefuChoice[];
}

export interface KefuPurchaseIntentEvent {
  sessionId: string;
  text: string;
  /** Product names found (the KB's `entities.products`), possibly none. */
  products: string[];
  /** The words that showed the intent, e.g. ['有货吗']. */
  cues: string[];
  count?: number;
  /** A buying statement (我要买两件) rather than a question about it (有货吗). */
  direct: boolean;
}

export interface KefuTaskEvents {
  /** Every change of a task's status. */
  task: (event: { sessionId: string; task: KefuTaskInfo & { error?: string } }) => void;
  'purchase-intent': (event: KefuPurchaseIntentEvent) => void;
}
