/**
 * KB changes travel in a Redis stream (`<prefix>kb:changes`). Each process reads it with a
 * blocking XREAD on its own connection and applies what it has not seen; a stream (unlike
 * pub/sub) keeps the changes, so a process that was cut off catches up when it reconnects.
 */
import type { Redis } from 'ioredis';
import { applyKbChange, type KefuKbChange } from '../learn/kb-change.js';
import { errorMessage } from '../errors.js';
import type { KefuMatcher } from '../match/matcher.js';
import type { KefuRedis } from './connection.js';

export interface KbSyncOptions {
  /** Apply changes after this stream id (from `redis.kbVersion()` read before loading the KB). Default: the latest at start. */
  since?: string;
  /** How long one blocking read waits before it is renewed. Default 2,000 ms. */
  blockMs?: number;
}

export class KbSync {
  private reader: Redis;
  private last: string | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wasDown = false;

  constructor(
    private readonly redis: KefuRedis,
    private readonly matcher: KefuMatcher,
    private readonly options: KbSyncOptions,
  ) {
    this.last = options.since;
    // A blocking read holds its connection: give it its own, which may queue while reconnecting.
    this.reader = redis.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
    this.reader.on('error', () => undefined);
  }

  /** The id of the last change applied here. */
  get version(): string | undefined {
    return this.last;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reader.disconnect();
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const key = this.redis.key('kb:changes');
    while (!this.stopped) {
      try {
        if (this.last === undefined) this.last = (await this.reader.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
        const res = await this.reader.xread('COUNT', 100, 'BLOCK', this.options.blockMs ?? 2000, 'STREAMS', key, this.last);
        if (this.wasDown) {
          this.wasDown = false;
          this.redis.emit('recovered', { flushed: 0 });
        }
        for (const [, entries] of res ?? []) {
          for (const [id, fields] of entries) {
            this.last = id;
            this.apply(id, fields);
          }
        }
      } catch (err) {
        if (this.stopped) return;
        if (!this.wasDown) this.redis.emit('degraded', { op: 'kb-sync', error: errorMessage(err), queued: false });
        this.wasDown = true;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  private apply(id: string, fields: string[]): void {
    const raw = fields[fields.indexOf('change') + 1];
    try {
      const change = JSON.parse(raw) as KefuKbChange;
      const added = applyKbChange(this.matcher, change);
      this.redis.emit('kb-change', { change, added, id });
    } catch (err) {
      this.redis.emit('degraded', { op: `kb-change ${id}`, error: errorMessage(err), queued: false });
    }
  }
}
