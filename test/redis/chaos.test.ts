/**
 * Issue 18, item 7: two bot processes share 90 conversations (a customer's next message
 * reaches either one) while Redis (appendonly yes, appendfsync always) is SIGKILLed and
 * restarted 4 times for 3–10 s. Afterwards every acknowledged turn (the customer's question and the turn its reply
 * names) is in Redis, turn ids are unique per session, and no ask failed (no session-busy).
 * Ask latency during the outages is measured and printed, not asserted (the machine is shared).
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KefuTurn } from '../../src/index';
import { connectRedis } from '../../src/redis/index';
import { sampleKb } from '../helpers';
import { haveRedis, mustHaveRedis, startRedis } from './redis-server';
import { startWorker } from './workers';

interface AskRecord {
  sessionId: string;
  text: string;
  start: number;
  ms: number;
  turnId?: string;
  type?: string;
  error?: string;
}

const SESSIONS = 90; // 5,400 asks over 90 sessions: ~120 turns each, under the 200 a session keeps
const PER_WORKER = 2_700;
const OUTAGES_S = [3, 10, 6, 4];

if (!haveRedis && mustHaveRedis) {
  it('needs redis-server (CI=true: a missing Redis fails, never skips)', () => {
    throw new Error('redis-server not found: apt-get install -y redis-server (or set KEFU_REDIS_SERVER)');
  });
}

async function until(what: string, fn: () => Promise<boolean>, ms = 300_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function quantile(ms: number[], q: number): number {
  if (ms.length === 0) return NaN;
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

(haveRedis ? describe : describe.skip)('Redis SIGKILLed 4 times under two bot processes', () => {
  it(
    'every acknowledged turn is kept, no ask fails, ask latency during outages reported',
    async () => {
      const server = await startRedis();
      const kb = mkdtempSync(path.join(tmpdir(), 'kefu-chaos-kb-'));
      cpSync(sampleKb, kb, { recursive: true });
      const prefix = `kefu-chaos:${Date.now().toString(36)}:`;
      const workers = await Promise.all([startWorker(server.url, prefix, kb), startWorker(server.url, prefix, kb)]);
      const outages: { from: number; to: number }[] = [];
      try {
        const t0 = Date.now();
        await Promise.all(workers.map((w, i) => w.call('startLoad', 'ab'[i], SESSIONS, PER_WORKER, 6, 40)));
        const done = async () => (await Promise.all(workers.map((w) => w.call<number>('loadProgress')))).reduce((a, b) => a + b, 0);
        for (const [k, seconds] of OUTAGES_S.entries()) {
          const at = Math.round(((k * 2 + 1) / (OUTAGES_S.length * 2 + 1)) * 2 * PER_WORKER);
          await until(`${at} asks before outage ${k + 1}`, async () => (await done()) >= at);
          const from = Date.now();
          await server.kill();
          await new Promise((r) => setTimeout(r, seconds * 1000));
          await server.restart();
          outages.push({ from, to: Date.now() });
        }
        const records = (await Promise.all(workers.map((w) => w.call<AskRecord[]>('loadResults')))).flat();
        const wall = Date.now() - t0;
        const events = (await Promise.all(workers.map((w) => w.call<{ name: string; op?: string }[]>('events')))).flat();
        const byOp = new Map<string, number>();
        for (const e of events) byOp.set(`${e.name}${e.op ? `:${e.op}` : ''}`, (byOp.get(`${e.name}${e.op ? `:${e.op}` : ''}`) ?? 0) + 1);
        await until('both processes to flush their queues', async () => {
          const q = await Promise.all(workers.map((w) => w.call<{ sessions: number }>('queued')));
          return q.every((x) => x.sessions === 0);
        });

        // Read back through a fresh connection: nothing from the workers' own copies.
        const reader = await connectRedis(server.url, { prefix });
        const store = reader.sessionStore();
        const sessions = new Map<string, { texts: Set<string>; ids: Set<string>; duplicates: number; tagged: number }>();
        for (let i = 0; i < SESSIONS; i++) {
          const s = await store.get(`chaos-${i}`);
          const turns = s?.turns ?? [];
          // The raw log as well: two processes minting one id shows there as two different turns with that id
          // (the session read back keeps one of them, so it cannot show it).
          const log = (await reader.client.lrange(`${prefix}turns:chaos-${i}`, 0, -1)).map((j) => JSON.parse(j) as KefuTurn);
          sessions.set(`chaos-${i}`, {
            texts: new Set(turns.filter((t) => t.role === 'customer').map((t) => t.text)),
            ids: new Set(turns.map((t) => t.id)),
            duplicates: new Set(log.map((t) => JSON.stringify([t.id, t.role, t.at, t.text]))).size - new Set(log.map((t) => t.id)).size,
            tagged: turns.filter((t) => t.id.includes('-')).length,
          });
        }
        const errors = records.filter((r) => r.error);
        const acked = records.filter((r) => !r.error);
        const missing = acked.filter((r) => {
          const s = sessions.get(r.sessionId)!;
          return !s.texts.has(r.text) || !s.ids.has(r.turnId!);
        });
        // For a missing turn: is its id in the log with another turn's content (two processes minted it), or absent?
        for (const r of missing) {
          const log = (await reader.client.lrange(`${prefix}turns:${r.sessionId}`, 0, -1)).map((j) => JSON.parse(j) as KefuTurn);
          const same = log.filter((t) => t.id === r.turnId || t.text === r.text);
          console.log(`[redis chaos] missing ${r.sessionId} ${r.text} / ${r.turnId} asked at ${new Date(r.start).toISOString()} (${r.ms} ms): log has ${log.length} entries; with that id or text: ${JSON.stringify(same)}`);
        }
        const aofDelays = server.log().split('\n').filter((l) => /taking too long|truncated|AOF.*(error|corrupt)/i.test(l));
        writeFileSync(path.join(server.dir, 'redis.log'), server.log());
        if (missing.length > 0 || aofDelays.length > 0) console.log(`[redis chaos] log in ${server.dir}; SIGKILLs at ${outages.map((o) => new Date(o.from).toISOString()).join(', ')}; redis-server said:\n  ${aofDelays.join('\n  ')}`);
        await reader.close();
        const duplicateIds = [...sessions.values()].reduce((n, s) => n + s.duplicates, 0);
        const inOutage = (r: AskRecord) => outages.some((o) => r.start >= o.from && r.start <= o.to);
        const afterRestart = (r: AskRecord) => outages.some((o) => r.start > o.to && r.start <= o.to + 5_000);
        const lat = (rs: AskRecord[]) => rs.map((r) => r.ms);
        const during = lat(acked.filter(inOutage));
        const recovery = lat(acked.filter(afterRestart));
        const normal = lat(acked.filter((r) => !inOutage(r) && !afterRestart(r)));
        const fmt = (ms: number[]) => `n=${ms.length} p50 ${quantile(ms, 0.5)} ms, p99 ${quantile(ms, 0.99)} ms, max ${Math.max(...ms)} ms`;
        console.log(
          `[redis chaos] ${records.length} asks in ${(wall / 1000).toFixed(0)} s, ${OUTAGES_S.length} SIGKILLs (outages ${outages.map((o) => ((o.to - o.from) / 1000).toFixed(1)).join(' / ')} s); ` +
            `acknowledged ${acked.length}, missing afterwards ${missing.length}, errors ${errors.length}, duplicate turn ids ${duplicateIds}, turns minted without the lock ${[...sessions.values()].reduce((n, s) => n + s.tagged, 0)}\n` +
            `  store events: ${[...byOp].map(([k, n]) => `${k} ${n}`).join(', ')}\n` +
            `  ask latency during outages: ${fmt(during)}\n  first 5 s after each restart: ${fmt(recovery)}\n  otherwise: ${fmt(normal)}`,
        );
        expect(records.length).toBe(2 * PER_WORKER);
        expect(during.length).toBeGreaterThan(0);
        expect(errors.map((r) => r.error)).toEqual([]);
        expect(missing.map((r) => `${r.sessionId}: ${r.text} / ${r.turnId}`)).toEqual([]);
        expect(duplicateIds).toBe(0);
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
        await server.stop();
      }
    },
    20 * 60_000,
  );
});
