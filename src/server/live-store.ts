/**
 * Where live events (what SSE streams carry) and left messages live: in this process, or in
 * Redis so that several `kefu serve` processes serve one shop (a customer on one, an agent
 * on another).
 *
 * Event ids are Redis stream ids, `<ms>-<n>`, in both stores: time-based, so after a restart
 * the new ids still sort after the ones a browser already saw and a resumed stream
 * (`Last-Event-ID`) neither repeats nor misses events.
 */
import type { KefuRedis } from '../redis/connection.js';

export interface KefuLiveEvent {
  /** `<ms>-<n>`: ordered, unique per stream, larger after a restart. */
  id: string;
  type: string;
  at: number;
  [key: string]: unknown;
}

export interface KefuLeftMessage {
  id: string;
  sessionId: string;
  text: string;
  contact: string;
  at: number;
}

export interface KefuLiveStore {
  /** Append to a stream (`agents`, or `s:<sessionId>`) and tell every subscriber, in every process. */
  publish(stream: string, event: { type: string; [key: string]: unknown }): Promise<KefuLiveEvent>;
  /** Tell live subscribers only (typing indicators): not kept, no id, never replayed. */
  signal(stream: string, event: { type: string; [key: string]: unknown }): Promise<void>;
  /** The stream's kept events after `after` (all kept when undefined). */
  since(stream: string, after?: string): Promise<KefuLiveEvent[]>;
  subscribe(fn: (stream: string, event: KefuLiveEvent) => void): () => void;
  addMessage(message: KefuLeftMessage): Promise<void>;
  /** Newest first. */
  messages(limit?: number): Promise<KefuLeftMessage[]>;
  close(): Promise<void>;
}

const KEEP_PER_STREAM = 100;
const KEEP_MESSAGES = 1000;

/** Compare two `<ms>-<n>` ids; malformed ids sort first. */
export function compareEventIds(a: string, b: string): number {
  const [am, an] = splitId(a);
  const [bm, bn] = splitId(b);
  return am - bm || an - bn;
}

function splitId(id: string): [number, number] {
  const m = /^(\d{1,16})-(\d{1,16})$/.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : [-1, -1];
}

export const isEventId = (v: unknown): v is string => typeof v === 'string' && /^\d{1,16}-\d{1,16}$/.test(v);

/** One process: streams in memory, the least recently written dropped beyond `maxStreams`. */
export class MemoryLiveStore implements KefuLiveStore {
  private readonly streams = new Map<string, KefuLiveEvent[]>();
  private readonly subscribers = new Set<(stream: string, event: KefuLiveEvent) => void>();
  private readonly left: KefuLeftMessage[] = [];
  private lastMs = 0;
  private lastN = 0;

  constructor(protected readonly maxStreams = 5000) {}

  async publish(stream: string, event: { type: string; [key: string]: unknown }): Promise<KefuLiveEvent> {
    const now = Date.now();
    if (now > this.lastMs) [this.lastMs, this.lastN] = [now, 0];
    else this.lastN++;
    const ev: KefuLiveEvent = { ...event, id: `${this.lastMs}-${this.lastN}`, at: now };
    this.keep(stream, ev);
    for (const fn of this.subscribers) fn(stream, ev);
    return ev;
  }

  /** Append to the stream (now the most recently written), within the caps. */
  private keep(stream: string, ev: KefuLiveEvent): void {
    const list = this.streams.get(stream) ?? [];
    this.streams.delete(stream);
    this.streams.set(stream, list);
    list.push(ev);
    if (list.length > KEEP_PER_STREAM) list.splice(0, list.length - KEEP_PER_STREAM);
    while (this.streams.size > this.maxStreams) this.streams.delete(this.streams.keys().next().value!);
  }

  async signal(stream: string, event: { type: string; [key: string]: unknown }): Promise<void> {
    const ev: KefuLiveEvent = { ...event, id: '', at: Date.now() };
    for (const fn of this.subscribers) fn(stream, ev);
  }

  async since(stream: string, after?: string): Promise<KefuLiveEvent[]> {
    const list = this.streams.get(stream) ?? [];
    return after ? list.filter((e) => compareEventIds(e.id, after) > 0) : [...list];
  }

  subscribe(fn: (stream: string, event: KefuLiveEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  async addMessage(message: KefuLeftMessage): Promise<void> {
    this.left.unshift(message);
    if (this.left.length > KEEP_MESSAGES) this.left.length = KEEP_MESSAGES;
  }

  async messages(limit = 100): Promise<KefuLeftMessage[]> {
    return this.left.slice(0, limit);
  }

  async close(): Promise<void> {
    this.subscribers.clear();
  }

  /** An event kept before (FileLiveStore's replay): stored, nobody told, later ids stay larger. */
  protected restoreEvent(stream: string, ev: KefuLiveEvent): void {
    if (!isEventId(ev?.id)) return;
    this.keep(stream, ev);
    const [ms, n] = splitId(ev.id);
    if (ms > this.lastMs || (ms === this.lastMs && n > this.lastN)) [this.lastMs, this.lastN] = [ms, n];
  }

  protected restoreMessage(message: KefuLeftMessage): void {
    this.left.unshift(message);
    if (this.left.length > KEEP_MESSAGES) this.left.length = KEEP_MESSAGES;
  }

  /** What is kept: streams oldest-written first, messages newest first. */
  protected snapshot(): { streams: Map<string, KefuLiveEvent[]>; messages: KefuLeftMessage[] } {
    return { streams: this.streams, messages: this.left };
  }
}

/**
 * Several processes: each stream is a Redis stream (XADD gives the id; kept a day), and every
 * event is also PUBLISHed on one channel that each process subscribes to once and fans out to
 * its own SSE connections.
 */
export class RedisLiveStore implements KefuLiveStore {
  private readonly subscribers = new Set<(stream: string, event: KefuLiveEvent) => void>();
  private readonly sub: KefuRedis['client'];
  private readonly channel: string;
  private readonly ready: Promise<unknown>;

  constructor(private readonly redis: KefuRedis) {
    this.channel = redis.key('live');
    this.sub = redis.client.duplicate({ enableOfflineQueue: true }) as KefuRedis['client'];
    this.sub.on('error', () => undefined);
    this.sub.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      let msg: { stream: string; event: KefuLiveEvent };
      try {
        msg = JSON.parse(raw);
      } catch {
        return;
      }
      for (const fn of this.subscribers) fn(msg.stream, msg.event);
    });
    this.ready = this.sub.subscribe(this.channel).catch(() => undefined);
  }

  /** Resolves once this process hears events from the others. */
  whenReady(): Promise<unknown> {
    return this.ready;
  }

  async publish(stream: string, event: { type: string; [key: string]: unknown }): Promise<KefuLiveEvent> {
    const at = Date.now();
    const key = this.redis.key(`live:${stream}`);
    const data = JSON.stringify({ ...event, at });
    const id = (await this.redis.client.xadd(key, 'MAXLEN', '~', String(KEEP_PER_STREAM), '*', 'e', data))!;
    await this.redis.client.expire(key, 86_400);
    const ev = { ...event, at, id } as KefuLiveEvent;
    await this.redis.client.publish(this.channel, JSON.stringify({ stream, event: ev }));
    return ev;
  }

  async signal(stream: string, event: { type: string; [key: string]: unknown }): Promise<void> {
    await this.redis.client.publish(this.channel, JSON.stringify({ stream, event: { ...event, id: '', at: Date.now() } }));
  }

  async since(stream: string, after?: string): Promise<KefuLiveEvent[]> {
    const rows = await this.redis.client.xrange(this.redis.key(`live:${stream}`), after ? `(${after}` : '-', '+');
    return rows.map(([id, fields]) => ({ ...(JSON.parse(fields[1]) as Omit<KefuLiveEvent, 'id'>), id }) as KefuLiveEvent);
  }

  subscribe(fn: (stream: string, event: KefuLiveEvent) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  async addMessage(message: KefuLeftMessage): Promise<void> {
    const key = this.redis.key('left-messages');
    await this.redis.client.lpush(key, JSON.stringify(message));
    await this.redis.client.ltrim(key, 0, KEEP_MESSAGES - 1);
  }

  async messages(limit = 100): Promise<KefuLeftMessage[]> {
    const rows = await this.redis.client.lrange(this.redis.key('left-messages'), 0, limit - 1);
    return rows.map((r) => JSON.parse(r) as KefuLeftMessage);
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    this.sub.disconnect();
  }
}
