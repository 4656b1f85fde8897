/**
 * Issue 18, items 5 and 8: one JSONL learning queue shared by several OS processes. Two
 * processes capture 500 distinct questions each (plus one question both keep asking) while
 * this process ignores and approves groups as they appear: afterwards every capture is
 * there, counted once, and no ignore or approval was written back as open. A lock left by
 * a SIGKILLed writer is taken over at once (its pid is gone), not waited out.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlLearningStore } from '../../src/index';
import { withFileLock } from '../../src/node/file-lock';
import { repoRoot, tempKb } from '../helpers';

const entry = path.join(repoRoot, 'dist/index.js');
const worker = path.join(__dirname, 'capture-worker.mjs');
const KB = { 'faq.yaml': 'faqs:\n  - id: pay\n    question: 怎么付款\n    answer: 支持微信和支付宝。\n  - id: ship\n    question: 多久发货\n    answer: 48小时内发货。\n' };

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('a JSONL learning queue shared by several processes', () => {
  it('two processes × 500 captures with concurrent ignore/approve: nothing lost or reverted', async () => {
    const kb = tempKb(KB);
    const file = path.join(kb, 'queue.jsonl');
    const N = 500;
    const EVERY = 10;
    const started = Date.now();
    const workers = [run([entry, kb, file, '1', String(N), String(EVERY)]), run([entry, kb, file, '2', String(N), String(EVERY)])];
    let finished = false;
    void Promise.all(workers).then(() => (finished = true));
    // Meanwhile: ignore every 3rd group seen, approve every 7th (never the shared one).
    const store = new JsonlLearningStore(file);
    const changed = new Map<string, 'ignored' | 'approved'>();
    let rounds = 0;
    while (!finished) {
      for (const item of await store.all()) {
        if (item.text === '可以用数字人民币付款吗' || changed.has(item.id) || item.status !== 'open') continue;
        const h = parseInt(item.id.slice(-4), 36);
        if (h % 3 === 0) (await store.setStatus(item.id, 'ignored'), changed.set(item.id, 'ignored'));
        else if (h % 7 === 0) (await store.setStatus(item.id, 'approved', { faqId: 'pay', kind: 'similar' }), changed.set(item.id, 'approved'));
      }
      rounds++;
      await new Promise((r) => setTimeout(r, 20));
    }
    const results = await Promise.all(workers);
    for (const r of results) expect(r.code, r.err).toBe(0);
    // The file as written: a later line for an id replaces the earlier ones, and replaced lines
    // never outnumber the live ones by more than the compaction slack.
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; count: number; status: string; channels: Record<string, number> });
    const items = [...new Map(lines.map((i) => [i.id, i])).values()];
    expect(lines.length - items.length).toBeLessThanOrEqual(items.length + 1);
    const shared = items.find((i) => i.text === '可以用数字人民币付款吗')!;
    const others = items.filter((i) => i !== shared);
    console.log(`${results.length} processes × ${N} captures + ${(2 * N) / EVERY} shared, ${changed.size} groups ignored/approved meanwhile in ${rounds} rounds: ${others.length} groups, shared count ${shared.count}, ${lines.length} lines, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(others).toHaveLength(2 * N);
    expect(others.every((i) => i.count === 1)).toBe(true);
    expect(shared.count).toBe((2 * N) / EVERY);
    expect(shared.channels).toEqual({ w1: N / EVERY, w2: N / EVERY });
    expect(changed.size).toBeGreaterThan(50);
    for (const [id, status] of changed) expect(items.find((i) => i.id === id)?.status, id).toBe(status);
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 300_000);

  it('takes over a lock whose owner is gone at once, and names a live owner when it gives up', async () => {
    const dir = tempKb({});
    const file = path.join(dir, 'q.jsonl');
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('close', r));
    writeFileSync(`${file}.lock`, `${dead.pid}\n${(await import('node:os')).hostname()}\n2020-01-01T00:00:00Z\n`);
    const t = Date.now();
    await withFileLock(file, async () => undefined);
    expect(Date.now() - t).toBeLessThan(5_000);
    expect(existsSync(`${file}.lock`)).toBe(false);
    // A live owner (this process's parent stands in) is waited for, then named.
    writeFileSync(`${file}.lock`, `${process.ppid}\n${(await import('node:os')).hostname()}\n${new Date().toISOString()}\n`);
    await expect(withFileLock(file, async () => undefined, { waitMs: 300 })).rejects.toMatchObject({ code: 'kb-locked', message: expect.stringContaining(`pid ${process.ppid}`) });
  });
});
