/**
 * Conversation state, behind a store interface so that a server farm can keep it in Redis
 * (or anything else) while a single process keeps it in memory. Browser-safe.
 */
import type { FaqPriority } from '../kb/schema.js';
import type { KefuTaskState } from '../task/types.js';

export type KefuSessionMode = 'bot' | 'waiting' | 'human';

export type KefuHandoffReason = 'explicit-request' | 'repeated-failure' | 'negative-emotion' | 'faq-flagged' | 'task-failed';

export interface KefuTurn {
  /** Unique within the session: feedback names a turn by it. */
  id: string;
  role: 'customer' | 'bot' | 'agent';
  text: string;
  at: number;
  /** For bot turns: what kind of reply it was, and the FAQ it answered with. */
  type?: string;
  faqId?: string | null;
  confidence?: number;
  feedback?: 'up' | 'down';
}

export interface KefuPendingHandoff {
  reason: KefuHandoffReason;
  priority: FaqPriority;
  requestedAt: number;
  /** The host's handler has accepted the request (false: it threw or timed out; retried on the next message). */
  delivered: boolean;
  attempts: number;
  lastError?: string;
  acceptedAt?: number;
  agentId?: string;
}

export interface KefuSession {
  id: string;
  channel?: string;
  user?: { id?: string; name?: string; [key: string]: unknown };
  createdAt: number;
  updatedAt: number;
  mode: KefuSessionMode;
  /** Fallback or clarify replies in a row (small talk does not count, an answer resets it). */
  failures: number;
  turns: KefuTurn[];
  /** The FAQ last answered, for follow-ups; the candidates last offered, for "1"/"第二个". */
  lastFaqId?: string;
  offered?: string[];
  handoff?: KefuPendingHandoff;
  /** Per-session values for {variables} in answers (e.g. userName). */
  variables?: Record<string, string>;
  /** The task in progress (src/task/): it expires with the session. */
  task?: KefuTaskState;
  nextTurn: number;
  /**
   * Set by a shared store while it serves the session without its cross-process lock (Redis
   * down): appended to the ids of new turns, so two processes that both went on from their
   * own copy never hand out the same turn id. Not stored.
   */
  turnTag?: string;
}

/** Where sessions live. Implementations must return copies they own (the bot mutates what it gets, then calls `set`). */
export interface KefuSessionStore {
  get(id: string): Promise<KefuSession | undefined>;
  set(session: KefuSession): Promise<void>;
  delete(id: string): Promise<void>;
  /** Sessions waiting for or talking with a human, for agent consoles. */
  withHuman?(): Promise<KefuSession[]>;
  /**
   * Run `fn` while no other caller (in this process or, for shared stores, any other) holds
   * the same session, so two messages of one conversation never overwrite each other's turns.
   * Stores without it are used without locking.
   */
  exclusive?<T>(id: string, fn: () => Promise<T>): Promise<T>;
}

/** One-at-a-time per key, within this process. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const result = prev.then(fn, fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

export interface MemorySessionStoreOptions {
  /** A session unused this long is forgotten. Default 30 minutes. */
  ttlMs?: number;
  /** At most this many sessions; the least recently used go first. Default 10,000. */
  maxSessions?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * In-process sessions with a TTL and a maximum count, so a long-running server cannot grow
 * without bound. A Map keeps insertion order: touching a session re-inserts it, so the
 * first key is always the least recently used.
 */
export class MemorySessionStore implements KefuSessionStore {
  private readonly sessions = new Map<string, KefuSession>();
  private readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  private readonly mutex = new KeyedMutex();

  constructor(options: MemorySessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  async get(id: string): Promise<KefuSession | undefined> {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.now() - s.updatedAt > this.ttlMs) {
      this.sessions.delete(id);
      return undefined;
    }
    return structuredClone(s);
  }

  async set(session: KefuSession): Promise<void> {
    this.sessions.delete(session.id);
    this.sessions.set(session.id, structuredClone(session));
    while (this.sessions.size > this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
  }

  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(id, fn);
  }

  async withHuman(): Promise<KefuSession[]> {
    const now = this.now();
    return [...this.sessions.values()].filter((s) => s.mode !== 'bot' && now - s.updatedAt <= this.ttlMs).map((s) => structuredClone(s));
  }
}

export function newSession(id: string, now: number, extra: Pick<KefuSession, 'channel' | 'user'> = {}): KefuSession {
  return { id, createdAt: now, updatedAt: now, mode: 'bot', failures: 0, turns: [], nextTurn: 1, ...extra };
}
