/**
 * Learning items in a JSON Lines file (one item a line, reviewable in git). Each change
 * rewrites the file to a temp file and renames it over the old one, so a crash never
 * leaves it half-written. Node only; created only when the host asks for it.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KefuError } from '../errors.js';
import type { KefuLearningItem, KefuLearningStore } from '../learn/learner.js';

export class JsonlLearningStore implements KefuLearningStore {
  private items: Map<string, KefuLearningItem> | undefined;

  constructor(readonly file: string) {}

  async all(): Promise<KefuLearningItem[]> {
    return [...(await this.load()).values()].map((i) => structuredClone(i));
  }

  async put(item: KefuLearningItem): Promise<void> {
    const items = await this.load();
    items.set(item.id, structuredClone(item));
    const text = [...items.values()].map((i) => JSON.stringify(i)).join('\n');
    await mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, text ? `${text}\n` : '');
    await rename(tmp, this.file);
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
