/** `kefu serve`'s default state folder: what one process wrote, the next one reads back. */
import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSession } from '../../src/bot/session';
import { compareEventIds } from '../../src/server/live-store';
import { FileLiveStore, FileSessionStore } from '../../src/server/file-stores';

const dir = () => mkdtempSync(path.join(tmpdir(), 'kefu-state-'));

describe('FileSessionStore', () => {
  it('a new store on the same folder has the sessions, claims and deletions of the old one', async () => {
    const d = dir();
    const a = new FileSessionStore(d);
    const s = { ...newSession('c-1', Date.now()), mode: 'human' as const, claim: { agentId: 'wang', agentName: '客服小王', at: 1 } };
    s.turns.push({ id: 't1', role: 'customer', text: '转人工', at: Date.now() });
    await a.set(s);
    await a.set(newSession('c-2', Date.now()));
    await a.delete('c-2');
    const b = new FileSessionStore(d);
    expect(await b.get('c-1')).toEqual(s);
    expect(await b.get('c-2')).toBeUndefined();
    expect((await b.withHuman()).map((x) => x.id)).toEqual(['c-1']);
    expect(statSync(path.join(d, 'sessions.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('skips a torn last line (a process killed mid-write) and keeps the rest', async () => {
    const d = dir();
    await new FileSessionStore(d).set(newSession('c-1', Date.now()));
    appendFileSync(path.join(d, 'sessions.jsonl'), '{"s":{"id":"c-2","turns":[{"te');
    const b = new FileSessionStore(d);
    expect((await b.get('c-1'))?.id).toBe('c-1');
    expect(await b.get('c-2')).toBeUndefined();
  });

  it('compacts a log that grew far beyond what it holds, losing nothing', async () => {
    const d = dir();
    const a = new FileSessionStore(d);
    const s = newSession('c-1', Date.now());
    for (let i = 0; i < 150; i++) {
      s.turns.push({ id: `t${i}`, role: 'customer', text: '我的快递怎么还没到'.repeat(20), at: Date.now() });
      await a.set(s);
    }
    const lines = readFileSync(path.join(d, 'sessions.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThan(150);
    expect((await new FileSessionStore(d).get('c-1'))?.turns).toHaveLength(150);
  });
});

describe('FileLiveStore', () => {
  it('replays events and left messages; ids after a restart sort after the old ones', async () => {
    const d = dir();
    const a = new FileLiveStore(d);
    const e1 = await a.publish('s:c-1', { type: 'agent-message', text: '您好' });
    await a.addMessage({ id: 'm1', sessionId: 'c-1', text: '请回电', contact: '13800000000', at: 1 });
    const b = new FileLiveStore(d);
    expect((await b.since('s:c-1')).map((e) => e.text)).toEqual(['您好']);
    expect(await b.since('s:c-1', e1.id)).toEqual([]);
    expect((await b.messages()).map((m) => m.id)).toEqual(['m1']);
    const e2 = await b.publish('s:c-1', { type: 'agent-message', text: '久等了' });
    expect(compareEventIds(e2.id, e1.id)).toBeGreaterThan(0);
    expect((await new FileLiveStore(d).since('s:c-1', e1.id)).map((e) => e.text)).toEqual(['久等了']);
  });
});
