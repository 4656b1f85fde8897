/**
 * Server-Sent Events over a fetch Response: backlog after `Last-Event-ID` (or `?after=`),
 * then live events from the live store, with a cap on open streams per client and per pool
 * (customers and agents are separate pools, so a flood of customer streams never locks the
 * agents out).
 */
import { compareEventIds, isEventId, type KefuLiveEvent, type KefuLiveStore } from './live-store.js';
import { json } from './http.js';

export interface StreamLimits {
  /** Open streams in this pool, all clients together. */
  pool: number;
  /** Open streams one client (address or agent) may hold. */
  perClient: number;
}

export class StreamPool {
  private readonly byClient = new Map<string, number>();
  private total = 0;
  readonly closers = new Set<() => void>();

  constructor(readonly limits: StreamLimits) {}

  /** Take a slot, or undefined when the client or the pool is full. */
  take(client: string): (() => void) | undefined {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.limits.perClient || this.total >= this.limits.pool) return undefined;
    this.byClient.set(client, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
    };
  }

  get open(): number {
    return this.total;
  }
}

const enc = new TextEncoder();

/** `after` from Last-Event-ID or the query; anything that is not an event id means "from the start". */
export function resumeFrom(req: Request, url: URL): string | undefined {
  const v = req.headers.get('last-event-id') ?? url.searchParams.get('after') ?? undefined;
  return isEventId(v) ? v : undefined;
}

/**
 * The events of `stream` after `after`: as SSE when the client accepts text/event-stream,
 * else one JSON page `{ events, last }` (for polling).
 */
export async function eventStream(req: Request, url: URL, live: KefuLiveStore, stream: string, pool: StreamPool, client: string): Promise<Response> {
  const after = resumeFrom(req, url);
  if (!(req.headers.get('accept') ?? '').includes('text/event-stream')) {
    const events = await live.since(stream, after);
    return json(200, { events, last: events.at(-1)?.id ?? after ?? null });
  }
  const release = pool.take(client);
  if (!release) return json(429, { error: 'too many open event streams; poll with Accept: application/json instead' }, { 'retry-after': '10' });

  let last = after;
  let unsubscribe = () => {};
  let ping: ReturnType<typeof setInterval> | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  const stop = () => {
    unsubscribe();
    clearInterval(ping);
    pool.closers.delete(end);
    release();
  };
  const end = () => {
    stop();
    try {
      controllerRef?.close();
    } catch {
      /* already closed */
    }
  };
  const send = (ev: KefuLiveEvent) => {
    // Signals (typing) have no id: sent as they come, never moving the resume point.
    if (ev.id && last && compareEventIds(ev.id, last) <= 0) return;
    if (ev.id) last = ev.id;
    try {
      controllerRef?.enqueue(enc.encode(`${ev.id ? `id: ${ev.id}\n` : ''}data: ${JSON.stringify(ev)}\n\n`));
    } catch {
      stop();
    }
  };
  const body = new ReadableStream<Uint8Array>({
    start: async (controller) => {
      controllerRef = controller;
      pool.closers.add(end);
      controller.enqueue(enc.encode('retry: 2000\n\n'));
      // Subscribe before reading the backlog; `send` drops what both deliver.
      const early: KefuLiveEvent[] = [];
      let replaying = true;
      unsubscribe = live.subscribe((s, ev) => {
        if (s !== stream) return;
        if (replaying) early.push(ev);
        else send(ev);
      });
      try {
        for (const ev of await live.since(stream, after)) send(ev);
      } catch {
        /* backlog unavailable (store down): live events still flow */
      }
      replaying = false;
      for (const ev of early.sort((a, b) => compareEventIds(a.id, b.id))) send(ev);
      ping = setInterval(() => {
        try {
          controller.enqueue(enc.encode(': ping\n\n'));
        } catch {
          stop();
        }
      }, 15_000);
    },
    cancel: stop,
  });
  return new Response(body, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store, no-transform', 'x-accel-buffering': 'no', 'x-content-type-options': 'nosniff' },
  });
}
