/**
 * Learning items in a JSON Lines file, one item a line, reviewable in git.
 *
 * A change appends the item's new state as one line; a later line for an id replaces the
 * earlier ones. So a capture costs the same with 10 groups queued or 10,000: rewriting the
 * whole file on every capture made a long queue quadratic (1,000 captures took 12 s). When
 * replaced lines outnumber the live ones, the file is compacted: rewritten with one line an
 * item through a temp file renamed over it (writeFileAtomic).
 *
 * Several processes may share one file (a `kefu chat --learn q.jsonl` running while someone
 * runs `kefu learn ignore … --learn q.jsonl`): every change takes `<file>.lock`, reads only
 * the bytes other processes appended since its last look, applies itself to that and appends.
 * A last line without its newline is a write in progress (or torn by a crash): readers skip
 * it unless it is a whole item; the next writer cuts a torn one off, so its item keeps its
 * previous line's state. Node only; created only when the host asks for it.
 */
import { mkdir, open, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { KefuError } from '../errors.js';
import { applyCapture, applyStatus, type KefuCaptureRecord, type KefuLearningItem, type KefuLearningStore } from '../learn/learner.js';
import { withFileLock } from './file-lock.js';
import { writeFileAtomic } from './write-atomic.js';

/** Compact when replaced lines outnumber live items and this many (a few captures need no rewrite). */
const COMPACT_MIN_REPLACED = 32;

/** What this process knows of the file: everything up to `bytes` (a line end) is parsed into `items`. */
interface View {
  /** Device and inode: a compaction (rename) makes a new file. */
  id: string;
  bytes: number;
  /** The last line read, to tell an appended file from a replaced one that reused the inode. */
  lastLine: Buffer;
  /** Lines in the file up to `bytes` (for error line numbers and compaction). */
  lines: number;
  /** Item by id, as its JSON line (parsed again for every caller: callers get their own copies). */
  items: Map<string, string>;
  /** A whole item after the last newline (a hand-written file without a final newline). */
  tail?: string;
  /** Bytes after `bytes` that are not a whole item: a write in progress, or torn by a crash. */
  torn: boolean;
}

const NL = 0x0a;
const empty = (): View => ({ id: 'none', bytes: 0, lastLine: Buffer.alloc(0), lines: 0, items: new Map(), torn: false });

export class JsonlLearningStore implements KefuLearningStore {
  private view: View | undefined;
  private dirMade = false;
  /** Reads and writes of this process's view, one at a time (a capture and a list may overlap). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async all(): Promise<KefuLearningItem[]> {
    const view = await this.serial(() => this.load());
    return [...view.items.values()].map((line) => JSON.parse(line) as KefuLearningItem);
  }

  async record(id: string, c: KefuCaptureRecord): Promise<{ item: KefuLearningItem; emerging: boolean }> {
    return this.change(id, (item) => applyCapture(item, id, c));
  }

  async setStatus(id: string, status: KefuLearningItem['status'], approvedAs?: KefuLearningItem['approvedAs']): Promise<KefuLearningItem> {
    return (await this.change(id, (item) => ({ item: applyStatus(item, id, status, approvedAs), emerging: false }))).item;
  }

  /** Under the lock: catch up with the file, change one item, append its line (or compact). */
  private async change(id: string, apply: (item: KefuLearningItem | undefined) => { item: KefuLearningItem; emerging: boolean }): Promise<{ item: KefuLearningItem; emerging: boolean }> {
    if (!this.dirMade) {
      await mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
      this.dirMade = true;
    }
    return withFileLock(this.file, () =>
      this.serial(async () => {
        const view = await this.load();
        const before = view.items.get(id);
        const r = apply(before === undefined ? undefined : (JSON.parse(before) as KefuLearningItem));
        const line = JSON.stringify(r.item);
        const live = view.items.size + (before === undefined ? 1 : 0);
        try {
          if (view.lines + 1 - live > Math.max(live, COMPACT_MIN_REPLACED)) await this.compact(view, id, line);
          else await this.append(view, id, line);
        } catch (err) {
          this.view = undefined; // read the file whole next time: it may hold part of this change
          throw err;
        }
        return { item: JSON.parse(line) as KefuLearningItem, emerging: r.emerging };
      }),
    );
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.turn.then(fn);
    this.turn = p.catch(() => undefined);
    return p;
  }

  private async append(view: View, id: string, line: string): Promise<void> {
    // We hold the lock, so bytes past the last line end are a crashed writer's torn line
    // (cut off) or a whole item written without its newline (given one).
    if (view.torn) await truncate(this.file, view.bytes);
    const hasTail = view.tail !== undefined;
    const text = Buffer.from(`${hasTail ? '\n' : ''}${line}\n`);
    const fh = await open(this.file, 'a');
    try {
      await fh.write(text);
      await fh.sync();
      if (view.id === 'none') {
        const s = await fh.stat({ bigint: true });
        view.id = `${s.dev}:${s.ino}`;
      }
    } finally {
      await fh.close();
    }
    // The tail's bytes (not counted in view.bytes until they had a newline) and ours.
    view.bytes += (hasTail ? Buffer.byteLength(view.tail!) : 0) + text.length;
    view.lines += hasTail ? 2 : 1;
    view.lastLine = Buffer.from(line);
    view.tail = undefined;
    view.torn = false;
    view.items.set(id, line);
  }

  private async compact(view: View, id: string, line: string): Promise<void> {
    const items = new Map(view.items).set(id, line);
    const lines = [...items.values()];
    const text = Buffer.from(lines.length ? `${lines.join('\n')}\n` : '');
    await writeFileAtomic(this.file, text);
    const s = await stat(this.file, { bigint: true });
    this.view = { id: `${s.dev}:${s.ino}`, bytes: text.length, lastLine: Buffer.from(lines.at(-1) ?? ''), lines: lines.length, items, torn: false };
  }

  /** The file as it is now: only the new bytes are read when it grew since the last look. */
  private async load(): Promise<View> {
    let fh;
    try {
      fh = await open(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return (this.view = empty());
    }
    try {
      const s = await fh.stat({ bigint: true });
      const id = `${s.dev}:${s.ino}`;
      const size = Number(s.size);
      const old = this.view;
      if (old && old.id === id && size >= old.bytes) {
        // Re-read the last line seen: a file compacted into a reused inode differs there.
        const from = old.lines > 0 ? old.bytes - old.lastLine.length - 1 : 0;
        const buf = Buffer.alloc(size - from);
        const { bytesRead } = await fh.read(buf, 0, buf.length, from);
        const seen = old.lines > 0 ? Buffer.concat([old.lastLine, Buffer.from('\n')]) : Buffer.alloc(0);
        if (bytesRead === buf.length && buf.subarray(0, seen.length).equals(seen)) return this.parse(buf.subarray(seen.length), old);
      }
      return this.parse(await fh.readFile(), { ...empty(), id });
    } finally {
      await fh.close();
    }
  }

  /**
   * Read `buf` (the file from `view.bytes` on) into `view`. Every line is checked before
   * `view` changes: a bad line is an error naming it, and changes nothing.
   */
  private parse(buf: Buffer, view: View): View {
    const found: [string, string][] = [];
    let lines = view.lines;
    let lastLine = view.lastLine;
    let start = 0;
    for (let end = buf.indexOf(NL); end !== -1; start = end + 1, end = buf.indexOf(NL, start)) {
      const text = buf.toString('utf8', start, end);
      const item = this.item(text, ++lines);
      if (item) found.push([item.id, text]);
      lastLine = buf.subarray(start, end);
    }
    let tail: string | undefined;
    let torn = false;
    if (start < buf.length) {
      // A whole item lacking its newline counts; anything else is a write still in progress.
      tail = buf.toString('utf8', start);
      let item: KefuLearningItem | undefined;
      try {
        item = this.item(tail, lines + 1);
      } catch {
        item = undefined;
      }
      if (item) found.push([item.id, tail]);
      else [tail, torn] = [undefined, true];
    }
    for (const [id, text] of found) view.items.set(id, text);
    Object.assign(view, { bytes: view.bytes + start, lines, lastLine: Buffer.from(lastLine), tail, torn });
    return (this.view = view);
  }

  private item(line: string, n: number): KefuLearningItem | undefined {
    if (!line.trim()) return undefined;
    let item: KefuLearningItem;
    try {
      item = JSON.parse(line) as KefuLearningItem;
    } catch {
      throw new KefuError('bad-learning-file', `kefu: ${this.file}:${n}: not a JSON learning item; fix or remove the line (nothing was changed)`);
    }
    if (!item || typeof item.id !== 'string' || typeof item.text !== 'string') {
      throw new KefuError('bad-learning-file', `kefu: ${this.file}:${n}: a learning item needs "id" and "text"`);
    }
    return item;
  }
}
