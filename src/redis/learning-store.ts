/**
 * The learning queue in Redis: one hash of groups (id → JSON). Each capture is applied by a
 * Lua script (atomic), so captures from any number of processes all count. While Redis is
 * down, captures are queued in this process and applied, in order, when it is back.
 */
import EventEmitter from 'eventemitter3';
import { errorMessage, KefuError } from '../errors.js';
import { applyCapture, applyStatus, type KefuCaptureRecord, type KefuLearningItem, type KefuLearningStore } from '../learn/learner.js';
import type { KefuRedis, KefuStoreEvents } from './connection.js';

export class RedisLearningStore extends EventEmitter<KefuStoreEvents> implements KefuLearningStore {
  /** Captures Redis did not take yet, in arrival order. */
  private readonly pending: { id: string; capture: KefuCaptureRecord }[] = [];
  /** The last complete list read from Redis (grouping continues from it during an outage). */
  private lastSeen = new Map<string, KefuLearningItem>();
  private flushing = false;

  constructor(private readonly redis: KefuRedis) {
    super();
    redis.client.on('ready', () => void this.flush());
  }

  /** Captures waiting for Redis to come back. */
  get queued(): number {
    return this.pending.length;
  }

  async all(): Promise<KefuLearningItem[]> {
    try {
      const raw = await this.redis.client.hgetall(this.key);
      this.lastSeen = new Map(Object.entries(raw).map(([id, json]) => [id, fromLua(JSON.parse(json))]));
    } catch (err) {
      this.emit('degraded', { op: 'learning-list', error: errorMessage(err), queued: false });
    }
    // Queued captures count too, as they will once flushed.
    const items = new Map([...this.lastSeen].map(([id, i]) => [id, structuredClone(i)]));
    for (const p of this.pending) items.set(p.id, applyCapture(items.get(p.id), p.id, p.capture).item);
    return [...items.values()];
  }

  async record(id: string, capture: KefuCaptureRecord): Promise<{ item: KefuLearningItem; emerging: boolean }> {
    if (this.pending.length === 0) {
      try {
        const [json, emerging] = await this.redis.client.kefuRecordCapture(this.key, id, JSON.stringify(capture));
        const item = fromLua(JSON.parse(json));
        this.lastSeen.set(id, item);
        return { item: structuredClone(item), emerging: emerging === 1 };
      } catch (err) {
        this.emit('degraded', { op: 'learning-record', error: errorMessage(err), queued: true });
      }
    }
    // Behind earlier queued captures (order matters for counts and spikes), or Redis is down.
    this.pending.push({ id, capture });
    void this.flush();
    const local = applyCapture(structuredClone(this.lastSeen.get(id)), id, capture);
    return local;
  }

  async setStatus(id: string, status: KefuLearningItem['status'], approvedAs?: KefuLearningItem['approvedAs']): Promise<KefuLearningItem> {
    await this.flush();
    const json = await this.redis.client.kefuSetStatus(this.key, id, status, approvedAs ? JSON.stringify(approvedAs) : '');
    if (json === null) return applyStatus(undefined, id, status);
    const item = fromLua(JSON.parse(json));
    this.lastSeen.set(id, item);
    return item;
  }

  /** Apply queued captures in order; stops at the first failure (and retries on the next reconnect). */
  async flush(): Promise<number> {
    if (this.flushing || this.pending.length === 0 || !this.redis.up) return 0;
    this.flushing = true;
    let flushed = 0;
    try {
      while (this.pending.length > 0) {
        const { id, capture } = this.pending[0];
        const [json] = await this.redis.client.kefuRecordCapture(this.key, id, JSON.stringify(capture));
        this.lastSeen.set(id, fromLua(JSON.parse(json)));
        this.pending.shift();
        flushed++;
      }
      this.emit('recovered', { flushed });
    } catch (err) {
      this.emit('degraded', { op: 'learning-flush', error: errorMessage(err), queued: true });
    } finally {
      this.flushing = false;
    }
    return flushed;
  }

  private get key(): string {
    return this.redis.key('learn:items');
  }
}

/** Lua's JSON encoder writes an empty array as {}. */
function fromLua(item: KefuLearningItem): KefuLearningItem {
  for (const k of ['variants', 'nearest', 'agentReplies', 'recent'] as const) {
    if (!Array.isArray(item[k])) (item as unknown as Record<string, unknown>)[k] = [];
  }
  if (typeof item.id !== 'string') throw new KefuError('bad-learning-item', 'kefu: a learning item in Redis has no id');
  return item;
}
