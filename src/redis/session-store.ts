/**
 * Sessions in Redis (layout in session-log.ts): an append-only turn list and a small hash per
 * session, both with a TTL; a set of the sessions with a human (for agent consoles); and a
 * lock per session so that, while Redis is up, two processes never answer one conversation
 * from two different copies. A message costs two round trips: lock + read in one script,
 * append + unlock in another.
 *
 * While Redis is down the conversation goes on from this process's last copy, new turn ids
 * carry this process's tag, and the new turns are queued; when Redis is back they are
 * appended beside whatever the other processes appended meanwhile. A lock never makes a
 * caller fail: after `lockWaitMs` the message is served as during an outage.
 */
import EventEmitter from 'eventemitter3';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errorMessage } from '../errors.js';
import { KeyedMutex, MemorySessionStore, newSession, type KefuSession, type KefuSessionStore, type KefuTurn } from '../bot/session.js';
import type { KefuRedis, KefuStoreEvents } from './connection.js';
import { changedTurns, LOCK_AND_READ, MAX_LOG, mergeTurns, metaOf, READ, SAVE, sessionFrom, type RawSession } from './session-log.js';

export interface RedisSessionStoreOptions {
  /** A session unused this long expires. Default 30 minutes. */
  ttlMs?: number;
  /**
   * How long a message waits for another process to finish with the same session before it
   * is served from this process's copy (its turns are kept either way). Default 2,000 ms.
   */
  lockWaitMs?: number;
}

/** A lock left by a process that stalled or lost Redis expires after this long. */
const LOCK_TTL_MS = 30_000;

type SessionRedis = Redis & {
  kefuSessionLockAndRead(lock: string, hash: string, list: string, token: string, ttl: number): Promise<[0] | [1, ...RawSession]>;
  kefuSessionRead(hash: string, list: string): Promise<RawSession>;
  kefuSessionSave(hash: string, list: string, human: string, lock: string, ...args: (string | number)[]): Promise<number>;
};

/** A lock this process holds: the session read with it, and what to write when releasing it. */
interface Held {
  token: string | null;
  /** Served without the lock (Redis down, or the lock stayed taken): new turn ids get this process's tag. */
  unlocked: boolean;
  read?: KefuSession | null;
  write?: KefuSession;
}

/** What Redis has not taken yet for one session: its latest state and the turns to append. */
interface Pending {
  session: KefuSession;
  turns: Map<string, KefuTurn>;
}

export class RedisSessionStore extends EventEmitter<KefuStoreEvents> implements KefuSessionStore {
  private readonly ttlMs: number;
  private readonly lockWaitMs: number;
  private readonly client: SessionRedis;
  private readonly mutex = new KeyedMutex();
  /** The latest copy of each session this process read or wrote: what an outage continues from, and what `set` compares with. */
  private readonly local: MemorySessionStore;
  private readonly pending = new Map<string, Pending>();
  /** Locks that may be left in Redis (a reply lost with the connection): token → lock key, released when it is back. */
  private readonly staleLocks = new Map<string, string>();
  private readonly held = new Map<string, Held>();
  /** Appended to turn ids minted without the lock. */
  private readonly tag = `-${randomUUID().slice(0, 6)}`;
  private flushing = false;

  constructor(
    private readonly redis: KefuRedis,
    options: RedisSessionStoreOptions = {},
  ) {
    super();
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
    this.lockWaitMs = options.lockWaitMs ?? 2_000;
    this.local = new MemorySessionStore({ ttlMs: this.ttlMs });
    this.client = redis.client as unknown as SessionRedis;
    this.client.defineCommand('kefuSessionLockAndRead', { numberOfKeys: 3, lua: LOCK_AND_READ });
    this.client.defineCommand('kefuSessionRead', { numberOfKeys: 2, lua: READ });
    this.client.defineCommand('kefuSessionSave', { numberOfKeys: 4, lua: SAVE });
    redis.client.on('ready', () => void this.flush());
  }

  /** Sessions with writes waiting for Redis to come back. */
  get queued(): number {
    return this.pending.size;
  }

  async get(id: string): Promise<KefuSession | undefined> {
    const h = this.held.get(id);
    if (h?.write) return structuredClone(h.write);
    if (h && h.read !== undefined) {
      const read = h.read;
      h.read = undefined;
      return this.remember(id, read ?? undefined);
    }
    if (!h?.unlocked) {
      try {
        return await this.remember(id, sessionFrom(await this.client.kefuSessionRead(this.hashKey(id), this.listKey(id))));
      } catch (err) {
        this.emit('degraded', { op: 'session-get', error: errorMessage(err), queued: false });
      }
    }
    // This process's own copy; for a message (under `exclusive`) tagged so that its new turn ids cannot collide with another process's.
    const s = (await this.local.get(id)) ?? (this.pending.has(id) ? structuredClone(this.pending.get(id)!.session) : undefined);
    if (!h) return s;
    return { ...(s ?? newSession(id, Date.now())), turnTag: this.tag };
  }

  async set(session: KefuSession): Promise<void> {
    const s = structuredClone(session);
    delete s.turnTag;
    const turns = changedTurns(await this.local.get(s.id), s);
    await this.local.set(s);
    this.enqueue(s, turns);
    const h = this.held.get(s.id);
    // Under the lock: written together with the unlock, before the caller's reply goes out.
    if (h?.token) h.write = s;
    else await this.save(s.id, null);
  }

  async delete(id: string): Promise<void> {
    this.pending.delete(id);
    await this.local.delete(id);
    await this.client.multi().del(this.hashKey(id), this.listKey(id)).srem(this.redis.key('with-human'), id).exec().then(throwOnError);
  }

  async withHuman(): Promise<KefuSession[]> {
    const setKey = this.redis.key('with-human');
    try {
      const ids = await this.client.smembers(setKey);
      const read = await Promise.all(ids.map(async (id) => [id, this.withPending(id, sessionFrom(await this.client.kefuSessionRead(this.hashKey(id), this.listKey(id))))] as const));
      const gone = read.filter(([id, s]) => !s && !this.pending.has(id)).map(([id]) => id);
      if (gone.length > 0) await this.client.srem(setKey, ...gone);
      return read.flatMap(([, s]) => (s && s.mode !== 'bot' ? [s] : []));
    } catch (err) {
      this.emit('degraded', { op: 'session-list', error: errorMessage(err), queued: false });
      // Every set() updates the local copy first, so it already holds what is queued.
      return this.local.withHuman();
    }
  }

  /** One at a time per session: first within this process, then across processes by a Redis lock. */
  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(id, async () => {
      const h = await this.lock(id);
      this.held.set(id, h);
      try {
        return await fn();
      } finally {
        this.held.delete(id);
        await this.unlock(id, h);
      }
    });
  }

  private async lock(id: string): Promise<Held> {
    const key = this.lockKey(id);
    const token = randomUUID();
    const deadline = Date.now() + this.lockWaitMs;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      // Not connected: the command is refused without being sent, so it cannot leave a lock behind.
      const sent = this.client.status === 'ready';
      try {
        const got = await this.client.kefuSessionLockAndRead(key, this.hashKey(id), this.listKey(id), token, LOCK_TTL_MS);
        if (got[0] === 1) return { token, unlocked: false, read: sessionFrom([got[1], got[2]]) ?? null };
      } catch (err) {
        // Redis is down (other processes cannot lock either), or the reply was lost: the lock may be set.
        if (sent) this.staleLocks.set(token, key);
        this.emit('degraded', { op: 'session-lock', error: errorMessage(err), queued: false });
        return { token: null, unlocked: true };
      }
      if (Date.now() > deadline) {
        // Held by a process that stalled or lost Redis mid-message: serve from this copy rather than fail the customer.
        this.emit('degraded', { op: 'session-lock-wait', error: `session "${id}" stayed locked for ${this.lockWaitMs} ms`, queued: false });
        return { token: null, unlocked: true };
      }
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
    }
  }

  private async unlock(id: string, h: Held): Promise<void> {
    if (!h.token) return;
    if (h.write && this.pending.has(id)) {
      await this.save(id, h.token);
      return;
    }
    try {
      await this.redis.client.kefuReleaseLock(this.lockKey(id), h.token);
    } catch (err) {
      this.staleLocks.set(h.token, this.lockKey(id));
      this.emit('degraded', { op: 'session-unlock', error: errorMessage(err), queued: false });
    }
  }

  /** Add a write to the queue of its session (every write goes through it, so a failure leaves it queued). */
  private enqueue(s: KefuSession, turns: KefuTurn[]): void {
    const p = this.pending.get(s.id) ?? { session: s, turns: new Map() };
    p.session = s;
    for (const t of turns) p.turns.set(t.id, t);
    this.pending.set(s.id, p);
  }

  /**
   * Write a session's queue; with `token` the meta is written unconditionally and the lock
   * released. Returns false (and keeps the queue) when Redis did not take it.
   */
  private async save(id: string, token: string | null): Promise<boolean> {
    const p = this.pending.get(id);
    if (!p) return true;
    const { session, turns } = p;
    const sent = [...turns.values()];
    const m = metaOf(session);
    try {
      await this.client.kefuSessionSave(
        this.hashKey(id),
        this.listKey(id),
        this.redis.key('with-human'),
        this.lockKey(id),
        id,
        m.meta,
        m.at,
        m.next,
        m.human ? '1' : '0',
        this.ttlMs,
        token ? '1' : '0',
        token ?? '',
        MAX_LOG,
        ...sent.slice(-MAX_LOG).map((t) => JSON.stringify(t)),
      );
    } catch (err) {
      if (token) this.staleLocks.set(token, this.lockKey(id));
      this.emit('degraded', { op: 'session-set', error: errorMessage(err), queued: true });
      return false;
    }
    // Whatever was queued meanwhile stays queued.
    for (const t of sent) if (p.turns.get(t.id) === t) p.turns.delete(t.id);
    if (p.session === session && p.turns.size === 0 && this.pending.get(id) === p) this.pending.delete(id);
    if (!this.flushing && (this.pending.size > 0 || this.staleLocks.size > 0)) void this.flush();
    return true;
  }

  /** Append the queued turns of every session and release locks left behind; returns how many sessions were written. */
  async flush(): Promise<number> {
    if (this.flushing || (this.pending.size === 0 && this.staleLocks.size === 0)) return 0;
    this.flushing = true;
    let flushed = 0;
    try {
      for (const id of [...this.pending.keys()]) {
        // A session in the middle of a message is written by its unlock.
        if (this.held.get(id)?.token) continue;
        if (!(await this.save(id, null))) return flushed;
        flushed++;
      }
      // Locks only after the writes: a message whose write failed minted its turn ids under its lock,
      // and another process that took the lock before that write is in would read the old counter
      // and mint the same ids (its turn then takes the place of this one in the transcript).
      for (const [token, key] of [...this.staleLocks]) {
        await this.redis.client.kefuReleaseLock(key, token);
        this.staleLocks.delete(token);
      }
      if (flushed > 0) this.emit('recovered', { flushed });
    } catch (err) {
      this.emit('degraded', { op: 'session-flush', error: errorMessage(err), queued: this.pending.size > 0 });
    } finally {
      this.flushing = false;
    }
    return flushed;
  }

  /** Keep what was read as this process's copy (queued writes merged in), and return it. */
  private async remember(id: string, read: KefuSession | undefined): Promise<KefuSession | undefined> {
    const s = this.withPending(id, read);
    if (s) await this.local.set(s);
    return s ? structuredClone(s) : undefined;
  }

  /** A session read from Redis with what this process has queued for it and Redis does not have yet. */
  private withPending(id: string, read: KefuSession | undefined): KefuSession | undefined {
    const p = this.pending.get(id);
    if (!p) return read;
    if (!read) return structuredClone(p.session);
    const base = p.session.updatedAt > read.updatedAt ? p.session : read;
    return { ...structuredClone(base), turns: mergeTurns([...read.turns, ...structuredClone([...p.turns.values()])]), nextTurn: Math.max(read.nextTurn, p.session.nextTurn) };
  }

  private hashKey(id: string): string {
    return this.redis.key(`session:${id}`);
  }

  private listKey(id: string): string {
    return this.redis.key(`turns:${id}`);
  }

  private lockKey(id: string): string {
    return this.redis.key(`lock:${id}`);
  }
}

/** MULTI/EXEC reports per-command errors in its result instead of rejecting. */
export function throwOnError(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('transaction aborted');
  for (const [err] of results) if (err) throw err;
}
