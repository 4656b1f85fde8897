/**
 * The JSON Lines learning queue: a change appends one line (a later line for an id replaces
 * the earlier ones), so a capture costs the same however long the queue; replaced lines are
 * compacted away; another process's appends are read incrementally, its compactions whole;
 * a line torn by a crash never breaks the file.
 */
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlLearningStore } from '../../src/index';
import type { KefuCaptureRecord } from '../../src/learn/learner';
import { tempKb } from '../helpers';

const capture = (text: string, at = 1): KefuCaptureRecord => ({ text, at, reason: 'fallback', nearest: [], emerging: { count: 1000, windowMs: 60_000 } });
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const queue = () => path.join(tempKb({}), 'learn', 'q.jsonl');

describe('JsonlLearningStore', () => {
  it('appends one line a change, leaving the bytes before it as they were', async () => {
    const file = queue();
    const store = new JsonlLearningStore(file);
    await store.record('q-a', capture('支持数字人民币吗'));
    await store.record('q-b', capture('有线下门店吗'));
    const before = readFileSync(file);
    await store.record('q-a', capture('支持数字人民币吗', 2));
    const after = readFileSync(file);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(lines(file)).toHaveLength(3);
    const items = await new JsonlLearningStore(file).all();
    expect(items.map((i) => [i.id, i.count])).toEqual([
      ['q-a', 2],
      ['q-b', 1],
    ]);
  });

  it('compacts replaced lines away: one group asked 200 times stays a short file, one line after compaction', async () => {
    const file = queue();
    const store = new JsonlLearningStore(file);
    let longest = 0;
    for (let i = 0; i < 200; i++) {
      await store.record('q-a', capture('支持数字人民币吗', i));
      longest = Math.max(longest, lines(file).length);
    }
    expect(longest).toBeLessThanOrEqual(34);
    const [item] = await new JsonlLearningStore(file).all();
    expect(item.count).toBe(200);
    for (let i = 0; lines(file).length > 1; i++) await store.record('q-a', capture('支持数字人民币吗', 300 + i));
    expect(JSON.parse(lines(file)[0]!)).toMatchObject({ id: 'q-a' });
  });

  it('sees what another store appended (reading only the new bytes) and what it compacted (a new file)', async () => {
    const file = queue();
    const a = new JsonlLearningStore(file);
    const b = new JsonlLearningStore(file);
    await a.record('q-a', capture('支持数字人民币吗'));
    expect((await b.all()).map((i) => i.count)).toEqual([1]);
    await a.record('q-a', capture('支持数字人民币吗', 2));
    await a.setStatus('q-a', 'ignored');
    expect(await b.all()).toEqual([expect.objectContaining({ id: 'q-a', count: 2, status: 'ignored' })]);
    // b's change goes onto a's lines; a then compacts (a new inode), and b reads that whole.
    await b.record('q-c', capture('能开专票吗'));
    const ino = statSync(file).ino;
    for (let i = 0; statSync(file).ino === ino; i++) await a.record('q-a', capture('支持数字人民币吗', 10 + i));
    await b.record('q-c', capture('能开专票吗', 5));
    const items = await b.all();
    expect(items.map((i) => [i.id, i.count])).toEqual([
      ['q-a', (await a.all())[0]!.count],
      ['q-c', 2],
    ]);
    expect(items[0]!.status).toBe('ignored');
  });

  it('hands every caller its own copies', async () => {
    const store = new JsonlLearningStore(queue());
    await store.record('q-a', capture('支持数字人民币吗'));
    const [item] = await store.all();
    item!.count = 99;
    item!.variants.push({ text: 'x', count: 1 });
    expect((await store.all())[0]).toMatchObject({ count: 1, variants: [{ text: '支持数字人民币吗', count: 1 }] });
  });

  it('a line torn by a crashed writer: readers keep the group as it was, the next writer cuts the torn bytes off', async () => {
    const file = queue();
    const store = new JsonlLearningStore(file);
    await store.record('q-a', capture('支持数字人民币吗'));
    await store.record('q-b', capture('有线下门店吗'));
    const whole = readFileSync(file, 'utf8');
    const next = JSON.stringify({ ...(await store.all())[0], count: 7 });
    appendFileSync(file, next.slice(0, 25)); // killed mid-append: no closing brace, no newline
    const reader = new JsonlLearningStore(file);
    expect((await reader.all()).map((i) => i.count)).toEqual([1, 1]);
    await reader.record('q-b', capture('有线下门店吗', 2));
    expect(readFileSync(file, 'utf8').startsWith(whole)).toBe(true);
    expect(lines(file).map((l) => JSON.parse(l) as { id: string; count: number }).map((i) => [i.id, i.count])).toEqual([
      ['q-a', 1],
      ['q-b', 1],
      ['q-b', 2],
    ]);
  });

  it('reads a hand-written file without a final newline, and appends after it on a line of its own', async () => {
    const file = queue();
    await new JsonlLearningStore(file).record('q-a', capture('支持数字人民币吗'));
    writeFileSync(file, readFileSync(file, 'utf8').trimEnd());
    const store = new JsonlLearningStore(file);
    expect(await store.all()).toHaveLength(1);
    await store.record('q-b', capture('有线下门店吗'));
    expect(lines(file).map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['q-a', 'q-b']);
  });

  it('refuses a bad line that another process appended, naming it, and keeps what it had', async () => {
    const file = queue();
    const store = new JsonlLearningStore(file);
    await store.record('q-a', capture('支持数字人民币吗'));
    appendFileSync(file, 'not json\n');
    await expect(store.all()).rejects.toThrow(`kefu: ${file}:2: not a JSON learning item`);
    await expect(store.record('q-b', capture('有线下门店吗'))).rejects.toThrow(`${file}:2:`);
    expect(lines(file)).toHaveLength(2);
  });
});
