/**
 * One Redis connection shared by a bot process's stores, plus the KB change feed.
 *
 * Failure model: commands fail fast while Redis is down (no hidden offline queue, no
 * retries that could apply a write twice); each store keeps what it could not write in its
 * own queue and flushes it when the connection is back. Nothing here throws into the host
 * app at run time: problems are reported as `degraded` events.
 */
import EventEmitter from 'eventemitter3';
import { Redis } from 'ioredis';
import { errorMessage, KefuError } from '../errors.js';
import type { KefuKbChange } from '../learn/kb-change.js';
import type { KefuMatcher } from '../match/matcher.js';
import { KbSync, type KbSyncOptions } from './kb-sync.js';
import { RedisLearningStore } from './learning-store.js';
import { RELEASE_LOCK, RECORD_CAPTURE, SET_STATUS } from './lua.js';
import { RedisSessionStore, type RedisSessionStoreOptions } from './session-store.js';

export interface KefuRedisOptions {
  /** Prepended to every key, so several bots can share one Redis. Default `kefu:`. */
  prefix?: string;
  /** A command that gets no reply within this time fails (and its write is queued). Default 2,000 ms. */
  commandTimeoutMs?: number;
  /** How long `connectRedis` waits for the first connection. Default 5,000 ms. */
  connectTimeoutMs?: number;
}

/** What the stores report; the bot re-emits these as `store-degraded` / `store-recovered`. */
export interface KefuStoreEvents {
  /** Redis could not do `op`; `queued`: the write is kept in this process and retried. */
  degraded: (event: { op: string; error: string; queued: boolean }) => void;
  /** Redis is back and `flushed` queued writes went through. */
  recovered: (event: { flushed: number }) => void;
}

export interface KefuRedisEvents extends KefuStoreEvents {
  /** A KB change from another process (or this one) reached this process's matcher. */
  'kb-change': (event: { change: KefuKbChange; added: number; id: string }) => void;
}

export type ScriptedRedis = Redis & {
  kefuRecordCapture(key: string, id: string, capture: string): Promise<[string, number]>;
  kefuSetStatus(key: string, id: string, status: string, approvedAs: string): Promise<string | null>;
  kefuReleaseLock(key: string, token: string): Promise<number>;
};

/** `redis://user:secret@host` → `redis://user:***@host`, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/**
 * Connect to Redis and check it answers. Throws `redis-unreachable` (naming the URL, without
 * its password) if it does not within `connectTimeoutMs`; once connected, outages are
 * survived: stores queue their writes and the bot keeps answering from its index.
 * @example
 * import { connectRedis } from 'kefu/redis';
 * const redis = await connectRedis('redis://127.0.0.1:6379/0', { prefix: 'shop-a:' });
 * const bot = await createBot({ knowledgeBase: 'knowledge-base', sessions: redis.sessionStore() });
 * redis.syncKnowledgeBase(bot.matcher);
 */
export async function connectRedis(url: string, options: KefuRedisOptions = {}): Promise<KefuRedis> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new KefuError('bad-redis-url', `kefu: "${redactUrl(url)}" is not a Redis URL; expected redis://[user:password@]host[:port][/db]`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new KefuError('bad-redis-url', `kefu: "${redactUrl(url)}" is not a Redis URL; it must start with redis:// or rediss://`);
  }
  const client = new Redis(url, {
    lazyConnect: true,
    // Commands issued in the same tick (many conversations at once) go out in one write.
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: (times) => Math.min(50 * times, 1000),
  });
  const redis = new KefuRedis(client, url, options.prefix ?? 'kefu:');
  try {
    await withTimeout(client.connect(), options.connectTimeoutMs ?? 5000);
    await client.ping();
  } catch (err) {
    client.disconnect();
    throw new KefuError('redis-unreachable', `kefu: cannot reach Redis at ${redactUrl(url)}: ${errorMessage(err)}`);
  }
  return redis;
}

export class KefuRedis extends EventEmitter<KefuRedisEvents> {
  readonly client: ScriptedRedis;
  readonly prefix: string;
  readonly url: string;
  private syncs: KbSync[] = [];

  constructor(client: Redis, url: string, prefix: string) {
    super();
    this.client = client as ScriptedRedis;
    this.url = redactUrl(url);
    this.prefix = prefix;
    this.client.defineCommand('kefuRecordCapture', { numberOfKeys: 1, lua: RECORD_CAPTURE });
    this.client.defineCommand('kefuSetStatus', { numberOfKeys: 1, lua: SET_STATUS });
    this.client.defineCommand('kefuReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
    // ioredis emits 'error' on every failed reconnect; the stores report outages as events.
    this.client.on('error', () => undefined);
  }

  /** Whether commands can be sent right now. */
  get up(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * Sessions (transcripts, handoff state, feedback) in Redis with a TTL, one conversation
   * at a time across processes.
   * @example
   * const bot = await createBot({ knowledgeBase: 'knowledge-base', sessions: redis.sessionStore({ ttlMs: 3_600_000 }) });
   */
  sessionStore(options: RedisSessionStoreOptions = {}): RedisSessionStore {
    return new RedisSessionStore(this, options);
  }

  /**
   * The learning queue in Redis: every process's captures go into one set of groups.
   * @example
   * const learner = new KefuLearner(bot.matcher, { store: redis.learningStore() });
   */
  learningStore(): RedisLearningStore {
    return new RedisLearningStore(this);
  }

  /**
   * Tell every process (this one included) about a KB change; pass it to
   * `approveLearningItem(…, { publish: (c) => redis.publishKbChange(c) })`. Returns the change's id.
   */
  async publishKbChange(change: KefuKbChange): Promise<string> {
    const id = await this.client.xadd(this.key('kb:changes'), 'MAXLEN', '~', '10000', '*', 'change', JSON.stringify(change));
    return id!;
  }

  /** The id of the latest KB change ('0-0' when none): read it before loading the KB files, pass it as `since`. */
  async kbVersion(): Promise<string> {
    const last = await this.client.xrevrange(this.key('kb:changes'), '+', '-', 'COUNT', 1);
    return last[0]?.[0] ?? '0-0';
  }

  /**
   * Apply KB changes published by any process to `matcher` as they come (a blocking read
   * on a second connection; after an outage it catches up from the last change it saw).
   * @example
   * const since = await redis.kbVersion();
   * const bot = await createBot({ knowledgeBase: 'knowledge-base', sessions: redis.sessionStore() });
   * redis.syncKnowledgeBase(bot.matcher, { since });
   */
  syncKnowledgeBase(matcher: KefuMatcher, options: KbSyncOptions = {}): KbSync {
    const sync = new KbSync(this, matcher, options);
    this.syncs.push(sync);
    sync.start();
    return sync;
  }

  key(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** Stop syncing and close the connections (queued writes that never got through are lost). */
  async close(): Promise<void> {
    await Promise.all(this.syncs.map((s) => s.stop()));
    this.client.disconnect();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}
