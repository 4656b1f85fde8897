/**
 * Learning items in a JSON Lines file (one item a line, reviewable in git). Several
 * processes may share one file (a `kefu chat --learn q.jsonl` running while someone runs
 * `kefu learn ignore … --learn q.jsonl`): every change takes `<file>.lock`, re-reads the
 * file, applies itself to what is there now and rewrites it through a temp file renamed
 * over the old one, so no process writes back an item another one changed, and a crash
 * never leaves the file half-written. Reads reuse the parsed file while it is unchanged
 * on disk. Node only; created only when the host asks for it.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KefuError } from '../errors.js';
import { applyCapture, applyStatus, type KefuCaptureRecord, type KefuLearningItem, type KefuLearningStore } from '../learn/learner.js';
import { withFileLock } from './file-lock.js';
import { writeFileAtomic } from './write-atomic.js';

/** The file's identity on disk: any write by anyone (a rename makes a new inode) changes it. */
type Stamp = string;

export class JsonlLearningStore implements KefuLearningStore {
  private cache: { stamp: Stamp; items: Map<string, KefuLearningItem> } | undefined;

  constructor(readonly file: string) {}

  async all(): Promise<KefuLearningItem[]> {
    return [...(await this.load()).values()].map((i) => structuredClone(i));
  }

  async record(id: string, c: KefuCaptureRecord): Promise<{ item: KefuLearningItem; emerging: boolean }> {
    return this.change(id, (item) => applyCapture(item, id, c));
  }

  async setStatus(id: string, status: KefuLearningItem['status'], approvedAs?: KefuLearningItem['approvedAs']): Promise<KefuLearningItem> {
    return (await this.change(id, (item) => ({ item: applyStatus(item, id, status, approvedAs), emerging: false }))).item;
  }

  /** Re-read under the lock, change one item, rewrite the file. */
  private async change(id: string, apply: (item: KefuLearningItem | undefined) => { item: KefuLearningItem; emerging: boolean }): Promise<{ item: KefuLearningItem; emerging: boolean }> {
    await mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
    return withFileLock(this.file, async () => {
      const items = new Map(await this.load());
      const r = apply(structuredClone(items.get(id)));
      items.set(id, r.item);
      await this.write(items);
      return { item: structuredClone(r.item), emerging: r.emerging };
    });
  }

  private async write(items: Map<string, KefuLearningItem>): Promise<void> {
    const text = [...items.values()].map((i) => JSON.stringify(i)).join('\n');
    await writeFileAtomic(this.file, text ? `${text}\n` : '');
    this.cache = { stamp: await this.stamp(), items };
  }

  private async stamp(): Promise<Stamp> {
    try {
      const s = await stat(this.file, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
      throw err;
    }
  }

  private async load(): Promise<Map<string, KefuLearningItem>> {
    const stamp = await this.stamp();
    if (this.cache && this.cache.stamp === stamp) return this.cache.items;
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const items = new Map<string, KefuLearningItem>();
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let item: KefuLearningItem;
      try {
        item = JSON.parse(line) as KefuLearningItem;
      } catch {
        throw new KefuError('bad-learning-file', `kefu: ${this.file}:${i + 1}: not a JSON learning item; fix or remove the line (nothing was changed)`);
      }
      if (!item || typeof item.id !== 'string' || typeof item.text !== 'string') {
        throw new KefuError('bad-learning-file', `kefu: ${this.file}:${i + 1}: a learning item needs "id" and "text"`);
      }
      items.set(item.id, item);
    });
    this.cache = { stamp, items };
    return items;
  }
}
