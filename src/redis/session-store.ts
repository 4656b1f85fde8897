/**
 * Sessions in Redis: one JSON value per session with a TTL, a set of the sessions that are
 * with a human (for agent consoles), and a lock per session so that two processes never
 * interleave the read-change-write of one conversation. A message costs two round trips:
 * lock + read in one script, write + unlock in another.
 *
 * While Redis is down the conversation goes on from this process's last copy; writes are
 * queued and flushed when Redis is back, unless another process wrote a newer state meanwhile.
 */
import EventEmitter from 'eventemitter3';
import { randomUUID } from 'node:crypto';
import { errorMessage, KefuError } from '../errors.js';
import { KeyedMutex, MemorySessionStore, type KefuSession, type KefuSessionStore } from '../bot/session.js';
import type { KefuRedis, KefuStoreEvents } from './connection.js';

export interface RedisSessionStoreOptions {
  /** A session unused this long expires. Default 30 minutes. */
  ttlMs?: number;
  /** How long a message waits for another process to finish with the same session. Default 10,000 ms. */
  lockWaitMs?: number;
}

const LOCK_TTL_MS = 30_000;

/** A lock this process holds: the session read with it, and the write to do when releasing it. */
interface Held {
  token: string | null;
  read?: string | null;
  write?: KefuSession;
}

export class RedisSessionStore extends EventEmitter<KefuStoreEvents> implements KefuSessionStore {
  private readonly ttlMs: number;
  private readonly lockWaitMs: number;
  private readonly mutex = new KeyedMutex();
  /** This process's latest copy of each session it served (what an outage continues from). */
  private readonly local: MemorySessionStore;
  /** Writes Redis did not take, by session id (only the latest matters). */
  private readonly pending = new Map<string, KefuSession>();
  private flushing = false;
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly redis: KefuRedis,
    options: RedisSessionStoreOptions = {},
  ) {
    super();
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
    this.lockWaitMs = options.lockWaitMs ?? 10_000;
    this.local = new MemorySessionStore({ ttlMs: this.ttlMs });
    redis.client.on('ready', () => void this.flush());
  }

  /** Writes waiting for Redis to come back. */
  get queued(): number {
    return this.pending.size;
  }

  async get(id: string): Promise<KefuSession | undefined> {
    const h = this.held.get(id);
    if (h?.write) return structuredClone(h.write);
    const mine = this.pending.get(id);
    if (mine) return structuredClone(mine);
    if (h && h.read !== undefined) {
      const raw = h.read;
      h.read = undefined;
      return raw ? (JSON.parse(raw) as KefuSession) : undefined;
    }
    try {
      const raw = await this.redis.client.get(this.key(id));
      return raw ? (JSON.parse(raw) as KefuSession) : undefined;
    } catch (err) {
      this.emit('degraded', { op: 'session-get', error: errorMessage(err), queued: false });
      return this.local.get(id);
    }
  }

  async set(session: KefuSession): Promise<void> {
    await this.local.set(session);
    const h = this.held.get(session.id);
    if (h?.token) {
      // Written together with the unlock, before the caller's reply goes out.
      h.write = structuredClone(session);
      return;
    }
    const human = session.mode !== 'bot';
    try {
      await this.redis.client
        .multi()
        .set(this.key(session.id), JSON.stringify(session), 'PX', this.ttlMs)
        [human ? 'sadd' : 'srem'](this.redis.key('with-human'), session.id)
        .exec()
        .then(throwOnError);
      this.pending.delete(session.id);
    } catch (err) {
      this.pending.set(session.id, structuredClone(session));
      this.emit('degraded', { op: 'session-set', error: errorMessage(err), queued: true });
    }
  }

  async delete(id: string): Promise<void> {
    this.pending.delete(id);
    await this.local.delete(id);
    await this.redis.client.multi().del(this.key(id)).srem(this.redis.key('with-human'), id).exec().then(throwOnError);
  }

  async withHuman(): Promise<KefuSession[]> {
    const setKey = this.redis.key('with-human');
    try {
      const ids = await this.redis.client.smembers(setKey);
      if (ids.length === 0) return [];
      const raws = await this.redis.client.mget(ids.map((id) => this.key(id)));
      const gone = ids.filter((_, i) => !raws[i]);
      if (gone.length > 0) await this.redis.client.srem(setKey, ...gone);
      return raws.flatMap((r) => (r ? [JSON.parse(r) as KefuSession] : [])).filter((s) => s.mode !== 'bot');
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
    const key = this.redis.key(`lock:${id}`);
    const token = randomUUID();
    const deadline = Date.now() + this.lockWaitMs;
    for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
      try {
        const got = await this.redis.client.kefuLockAndGet(key, this.key(id), token, LOCK_TTL_MS);
        if (got[0] === 1) return { token, read: got[1] };
      } catch (err) {
        // Redis is down: other processes cannot write this session either; go on without the lock.
        this.emit('degraded', { op: 'session-lock', error: errorMessage(err), queued: false });
        return { token: null };
      }
      if (Date.now() > deadline) {
        throw new KefuError('session-busy', `kefu: session "${id}" stayed locked by another process for ${this.lockWaitMs} ms; try again`);
      }
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
    }
  }

  private async unlock(id: string, h: Held): Promise<void> {
    if (!h.token) return;
    const lockKey = this.redis.key(`lock:${id}`);
    try {
      if (!h.write) {
        await this.redis.client.kefuReleaseLock(lockKey, h.token);
        return;
      }
      const s = h.write;
      await this.redis.client.kefuSaveAndUnlock(this.key(id), this.redis.key('with-human'), lockKey, id, JSON.stringify(s), this.ttlMs, s.mode !== 'bot' ? '1' : '0', h.token);
      this.pending.delete(id);
    } catch (err) {
      // The lock expires by itself; the write waits for Redis to come back.
      if (h.write) this.pending.set(id, h.write);
      this.emit('degraded', { op: h.write ? 'session-set' : 'session-unlock', error: errorMessage(err), queued: Boolean(h.write) });
    }
  }

  /** Write the queued sessions, unless another process stored a newer state meanwhile. */
  async flush(): Promise<number> {
    if (this.flushing || this.pending.size === 0) return 0;
    this.flushing = true;
    let flushed = 0;
    try {
      for (const [id, s] of [...this.pending]) {
        await this.redis.client.kefuSetSessionIfNewer(this.key(id), this.redis.key('with-human'), id, JSON.stringify(s), this.ttlMs, s.updatedAt, s.mode !== 'bot' ? '1' : '0');
        if (this.pending.get(id) === s) this.pending.delete(id);
        flushed++;
      }
      this.emit('recovered', { flushed });
    } catch (err) {
      this.emit('degraded', { op: 'session-flush', error: errorMessage(err), queued: true });
    } finally {
      this.flushing = false;
    }
    return flushed;
  }

  private key(id: string): string {
    return this.redis.key(`s:${id}`);
  }
}

/** MULTI/EXEC reports per-command errors in its result instead of rejecting. */
export function throwOnError(results: [Error | null, unknown][] | null): void {
  if (!results) throw new Error('transaction aborted');
  for (const [err] of results) if (err) throw err;
}
