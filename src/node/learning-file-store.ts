/**
 * Learning items in a JSON Lines file (one item a line, reviewable in git). Each change
 * rewrites the file to a temp file and renames it over the old one, so a crash never
 * leaves it half-written. Node only; created only when the host asks for it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KefuError } from '../errors.js';
import { applyCapture, applyStatus, type KefuCaptureRecord, type KefuLearningItem, type KefuLearningStore } from '../learn/learner.js';

export class JsonlLearningStore implements KefuLearningStore {
  private items: Map<string, KefuLearningItem> | undefined;

  constructor(readonly file: string) {}

  async all(): Promise<KefuLearningItem[]> {
    return [...(await this.load()).values()].map((i) => structuredClone(i));
  }

  async record(id: string, c: KefuCaptureRecord): Promise<{ item: KefuLearningItem; emerging: boolean }> {
    const items = await this.load();
    const r = applyCapture(structuredClone(items.get(id)), id, c);
    await this.save(id, r.item);
    return { item: structuredClone(r.item), emerging: r.emerging };
  }

  async setStatus(id: string, status: KefuLearningItem['status'], approvedAs?: KefuLearningItem['approvedAs']): Promise<KefuLearningItem> {
    const item = applyStatus(structuredClone((await this.load()).get(id)), id, status, approvedAs);
    await this.save(id, item);
    return structuredClone(item);
  }

  /** Rewrite the whole file with `item` in place; the in-memory copy changes only once the file did. */
  private async save(id: string, item: KefuLearningItem): Promise<void> {
    const items = new Map(await this.load());
    items.set(id, item);
    const text = [...items.values()].map((i) => JSON.stringify(i)).join('\n');
    await mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, text ? `${text}\n` : '');
    await rename(tmp, this.file);
    this.items = items;
  }

  private async load(): Promise<Map<string, KefuLearningItem>> {
    if (this.items) return this.items;
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
    this.items = items;
    return items;
  }
}
