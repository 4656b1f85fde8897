/** The turn log's merge rules (src/redis/session-log.ts), without a server: what two processes' appends read back as. */
import { describe, expect, it } from 'vitest';
import type { KefuSession, KefuTurn } from '../../src/bot/session';
import { changedTurns, MAX_TURNS, mergeTurns, metaOf, sessionFrom } from '../../src/redis/session-log';

const turn = (id: string, at: number, extra: Partial<KefuTurn> = {}): KefuTurn => ({ id, role: 'customer', text: `q${id}`, at, ...extra });

describe('session turn log', () => {
  it('merges appends of two processes by id, in time order, keeping a vote an older copy lacks', () => {
    // A (t11-a, t12-a) and B (t7-b, t8-b) went on from different copies during an outage; B's queue was flushed last.
    const log = [turn('t1', 1), turn('t2', 2, { role: 'bot', feedback: 'up' }), turn('t11-a', 30), turn('t12-a', 31, { role: 'bot' }), turn('t7-b', 20), turn('t8-b', 21, { role: 'bot' }), turn('t2', 2, { role: 'bot' })];
    const merged = mergeTurns(log);
    expect(merged.map((t) => t.id)).toEqual(['t1', 't2', 't7-b', 't8-b', 't11-a', 't12-a']);
    expect(merged[1].feedback).toBe('up');
    // A later vote does replace an earlier one.
    expect(mergeTurns([turn('t2', 2, { feedback: 'up' }), turn('t2', 2, { feedback: 'down' })])[0].feedback).toBe('down');
    // Same time: log order (a reply stays after its question).
    expect(mergeTurns([turn('t3', 5), turn('t4', 5, { role: 'bot' })]).map((t) => t.id)).toEqual(['t3', 't4']);
    expect(mergeTurns(Array.from({ length: MAX_TURNS + 50 }, (_, i) => turn(`t${i + 1}`, i)))).toHaveLength(MAX_TURNS);
  });

  it('reads back a session whose turn counter never hands out an id twice', () => {
    const s: KefuSession = { id: 's', createdAt: 1, updatedAt: 9, mode: 'bot', failures: 0, turns: [], nextTurn: 5, turnTag: '-abc' };
    const { meta, next } = metaOf(s);
    expect(JSON.parse(meta)).not.toHaveProperty('turnTag');
    expect(JSON.parse(meta)).not.toHaveProperty('turns');
    const read = sessionFrom([[meta, String(next)], [JSON.stringify(turn('t4', 1)), JSON.stringify(turn('t12-abc', 2))]])!;
    expect(read.nextTurn).toBe(13);
    expect(read.turns.map((t) => t.id)).toEqual(['t4', 't12-abc']);
    expect(sessionFrom([[null, null], []])).toBeUndefined();
  });

  it('appends only turns that are new or changed', () => {
    const before: KefuSession = { id: 's', createdAt: 1, updatedAt: 1, mode: 'bot', failures: 0, turns: [turn('t1', 1), turn('t2', 2)], nextTurn: 3 };
    const now = structuredClone(before);
    now.turns[1].feedback = 'down';
    now.turns.push(turn('t3', 3));
    expect(changedTurns(before, now).map((t) => t.id)).toEqual(['t2', 't3']);
    expect(changedTurns(undefined, now)).toHaveLength(3);
  });
});
