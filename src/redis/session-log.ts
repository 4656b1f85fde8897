/**
 * How a session lives in Redis: its turns in an append-only list (one JSON turn per entry)
 * and everything else in a small hash. Writes append the turns that are new or changed
 * and never replace the list, so the writes of two processes, including the ones each
 * queued during an outage, merge instead of the last one erasing the other's turns.
 *
 *   <prefix>session:<id>  hash: meta (JSON without turns), at (updatedAt), next (nextTurn)
 *   <prefix>turns:<id>    list: turn JSON, oldest first; a turn written again (feedback) appears twice
 *   <prefix>lock:<id>     one process at a time per conversation while Redis is up
 */
import type { KefuSession, KefuTurn } from '../bot/session.js';

/** Turns a session keeps (as `bot.ask` does: the last 200). */
export const MAX_TURNS = 200;
/** Log entries kept per session: room for every kept turn written twice. */
export const MAX_LOG = 2 * MAX_TURNS + 100;

/**
 * Take a session's lock and read the session in one round trip.
 * KEYS = lock, hash, list; ARGV = token, lock ttl ms. Returns {0} when someone else holds the
 * lock, else {1, {meta, next}, turns}.
 */
export const LOCK_AND_READ = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return { 1, redis.call('HMGET', KEYS[2], 'meta', 'next'), redis.call('LRANGE', KEYS[3], 0, -1) }
end
return { 0 }
`;

/** KEYS = hash, list. Returns {{meta, next}, turns}. */
export const READ = `
return { redis.call('HMGET', KEYS[1], 'meta', 'next'), redis.call('LRANGE', KEYS[2], 0, -1) }
`;

/**
 * Append turns and store the rest of the session; release the lock if the token still holds it.
 * The rest is replaced when `force` (the writer held the lock, so it read the latest) or when
 * it is at least as recent as what Redis has (a write queued during an outage does not undo
 * a newer one); `next` only grows, so no turn id is handed out twice.
 * KEYS = hash, list, with-human set, lock; ARGV = id, meta JSON, updatedAt, next, human 1/0,
 * ttl ms, force 1/0, token or '', max log entries, turn JSON…  Returns 1 if the meta was written.
 */
export const SAVE = `
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or '0')
local newer = ARGV[7] == '1' or at <= tonumber(ARGV[3])
if newer then
  redis.call('HSET', KEYS[1], 'meta', ARGV[2], 'at', ARGV[3])
  if ARGV[5] == '1' then redis.call('SADD', KEYS[3], ARGV[1]) else redis.call('SREM', KEYS[3], ARGV[1]) end
end
local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if tonumber(ARGV[4]) > nxt then redis.call('HSET', KEYS[1], 'next', ARGV[4]) end
if #ARGV >= 10 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 10))
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[9]), -1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
if ARGV[8] ~= '' and redis.call('GET', KEYS[4]) == ARGV[8] then redis.call('DEL', KEYS[4]) end
if newer then return 1 end
return 0
`;

/** What READ / LOCK_AND_READ return for one session. */
export type RawSession = [[string | null, string | null], string[]];

/** The parts of a session that are stored beside its turns. */
export function metaOf(session: KefuSession): { meta: string; at: number; next: number; human: boolean } {
  const { turns: _turns, nextTurn, turnTag: _tag, ...rest } = session;
  return { meta: JSON.stringify(rest), at: session.updatedAt, next: nextTurn, human: session.mode !== 'bot' };
}

/** A session from its stored parts, or undefined when there is none (expired or never written). */
export function sessionFrom([[meta, next], log]: RawSession): KefuSession | undefined {
  if (!meta) return undefined;
  const rest = JSON.parse(meta) as Omit<KefuSession, 'turns' | 'nextTurn'>;
  const turns = mergeTurns(log.map((j) => JSON.parse(j) as KefuTurn));
  return { ...rest, turns, nextTurn: Math.max(Number(next ?? 1), nextAfter(turns)) };
}

/**
 * One transcript from log entries (and queued turns): a turn written more than once keeps its
 * first place and its latest content (a vote is never taken back by an older copy); turns are
 * then put in time order (stable, so a reply stays after its question), the last MAX_TURNS kept.
 */
export function mergeTurns(entries: KefuTurn[]): KefuTurn[] {
  const byId = new Map<string, KefuTurn>();
  for (const t of entries) {
    const seen = byId.get(t.id);
    byId.set(t.id, seen && seen.feedback && !t.feedback ? { ...t, feedback: seen.feedback } : t);
  }
  const turns = [...byId.values()].sort((a, b) => a.at - b.at);
  return turns.length > MAX_TURNS ? turns.slice(-MAX_TURNS) : turns;
}

/** The turns of `now` that `before` did not have, or had with other content. */
export function changedTurns(before: KefuSession | undefined, now: KefuSession): KefuTurn[] {
  if (!before) return now.turns;
  const old = new Map(before.turns.map((t) => [t.id, t]));
  return now.turns.filter((t) => {
    const o = old.get(t.id);
    return !o || JSON.stringify(o) !== JSON.stringify(t);
  });
}

/** One past the highest plain turn number (`t12` → 13), for sessions whose counter was lost. */
function nextAfter(turns: KefuTurn[]): number {
  let n = 0;
  for (const t of turns) {
    const m = /^t(\d+)/.exec(t.id);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return n + 1;
}
