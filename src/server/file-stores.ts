/**
 * `kefu serve` without Redis keeps its state in a folder (default `.kefu-serve/`), so a
 * restart — a deploy, a crash, `kill -9` — loses no conversation: the customer's transcript,
 * the queue, who claimed whom, the event stream a widget resumes, left messages.
 *
 * Each store is an append-only JSON Lines log replayed on start: a write is one line
 * appended (synchronously, so what a response acknowledged is in the file before the
 * response leaves), a torn last line from a crash is skipped, and the log is rewritten
 * (to a temp file, then renamed) when it grows to several times what it holds. Files are
 * private to the user (0600): transcripts hold what customers typed. One process per folder;
 * several processes serving one shop share Redis instead (`--redis`).
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KeyedMutex, type KefuSession, type KefuSessionStore, type MemorySessionStoreOptions } from '../bot/session.js';
import { MemoryLiveStore, type KefuLeftMessage, type KefuLiveEvent } from './live-store.js';

/** An append-only JSON Lines file, compacted when it holds `factor`× more than is live. */
class JsonlLog {
  private written = 0;

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) writeFileSync(file, '', { mode: 0o600 });
  }

  /** Every whole line that parses; a torn or foreign line is skipped. */
  read(): unknown[] {
    const out: unknown[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // The last line of a process killed mid-write.
      }
      this.written += line.length + 1;
    }
    return out;
  }

  append(record: unknown): void {
    const line = `${JSON.stringify(record)}\n`;
    appendFileSync(this.file, line);
    this.written += line.length;
  }

  /** Rewrite with `records` when the file is over 4× `liveBytes` (and over 1 MB). */
  maybeCompact(liveBytes: number, records: () => unknown[]): void {
    if (this.written < 1 << 20 || this.written < 4 * liveBytes) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    const text = records().map((r) => `${JSON.stringify(r)}\n`).join('');
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeFileSync(fd, text);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.written = text.length;
  }
}

type SessionRecord = { s: KefuSession } | { d: string };

/** Sessions (conversations, handoff queue, claims) in `<dir>/sessions.jsonl`. Same TTL and cap as MemorySessionStore. */
export class FileSessionStore implements KefuSessionStore {
  private readonly sessions = new Map<string, { session: KefuSession; bytes: number }>();
  private readonly log: JsonlLog;
  private readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  private readonly mutex = new KeyedMutex();
  private liveBytes = 0;

  constructor(dir: string, options: MemorySessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30 * 60_000;
    this.maxSessions = options.maxSessions ?? 10_000;
    this.now = options.now ?? Date.now;
    this.log = new JsonlLog(path.join(dir, 'sessions.jsonl'));
    for (const r of this.log.read() as SessionRecord[]) {
      if (r && typeof r === 'object' && 's' in r && r.s?.id) this.put(r.s, JSON.stringify(r).length);
      else if (r && typeof r === 'object' && 'd' in r) this.drop(r.d);
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  private put(session: KefuSession, bytes: number): void {
    this.drop(session.id);
    this.sessions.set(session.id, { session, bytes });
    this.liveBytes += bytes;
    while (this.sessions.size > this.maxSessions) this.drop(this.sessions.keys().next().value!);
  }

  private drop(id: string): void {
    const old = this.sessions.get(id);
    if (!old) return;
    this.liveBytes -= old.bytes;
    this.sessions.delete(id);
  }

  private expired(s: KefuSession): boolean {
    return this.now() - s.updatedAt > this.ttlMs;
  }

  async get(id: string): Promise<KefuSession | undefined> {
    const e = this.sessions.get(id);
    if (!e) return undefined;
    if (this.expired(e.session)) {
      this.drop(id);
      return undefined;
    }
    return structuredClone(e.session);
  }

  async set(session: KefuSession): Promise<void> {
    const record = { s: session };
    this.log.append(record);
    this.put(structuredClone(session), JSON.stringify(record).length);
    this.compact();
  }

  async delete(id: string): Promise<void> {
    if (!this.sessions.has(id)) return;
    this.log.append({ d: id });
    this.drop(id);
  }

  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(id, fn);
  }

  async withHuman(): Promise<KefuSession[]> {
    return [...this.sessions.values()].filter((e) => e.session.mode !== 'bot' && !this.expired(e.session)).map((e) => structuredClone(e.session));
  }

  private compact(): void {
    this.log.maybeCompact(this.liveBytes, () => [...this.sessions.values()].filter((e) => !this.expired(e.session)).map((e) => ({ s: e.session })));
  }
}

type LiveRecord = { e: KefuLiveEvent; stream: string } | { m: KefuLeftMessage };

/** Live events and left messages in `<dir>/live.jsonl`: a resumed event stream continues after a restart. */
export class FileLiveStore extends MemoryLiveStore {
  private readonly log: JsonlLog;
  private records = 0;

  constructor(dir: string, maxStreams?: number) {
    super(maxStreams);
    this.log = new JsonlLog(path.join(dir, 'live.jsonl'));
    for (const r of this.log.read() as LiveRecord[]) {
      if (r && typeof r === 'object' && 'e' in r && typeof r.stream === 'string') this.restoreEvent(r.stream, r.e);
      else if (r && typeof r === 'object' && 'm' in r) this.restoreMessage(r.m);
      this.records++;
    }
  }

  override async publish(stream: string, event: { type: string; [key: string]: unknown }): Promise<KefuLiveEvent> {
    const ev = await super.publish(stream, event);
    this.log.append({ stream, e: ev });
    this.records++;
    this.compact();
    return ev;
  }

  override async addMessage(message: KefuLeftMessage): Promise<void> {
    this.log.append({ m: message });
    this.records++;
    await super.addMessage(message);
  }

  private compact(): void {
    const kept = this.keptRecords();
    // Bytes are not tracked per event: compare counts, with the same 4× slack.
    if (this.records < 4 * kept.length + 1000) return;
    this.log.maybeCompact(0, () => kept);
    this.records = kept.length;
  }

  private keptRecords(): LiveRecord[] {
    const { streams, messages } = this.snapshot();
    return [...[...messages].reverse().map((m) => ({ m })), ...[...streams].flatMap(([stream, list]) => list.map((e) => ({ stream, e })))];
  }
}
