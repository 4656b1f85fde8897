/**
 * A lock file beside the file being changed (`<file>.lock`, created exclusively) so writers
 * in several processes take turns. The lock names its owner (pid, host, time); a lock whose
 * owner on this host is gone, or that is older than `staleMs`, is taken over — by renaming
 * it aside first, so of two processes that find the same stale lock only one breaks it, and
 * a fresh lock that replaced it in between is put back, not deleted.
 */
import { hostname } from 'node:os';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { KefuError } from '../errors.js';

export interface FileLockOptions {
  /** Give up after this long (default 15 s) with a KefuError 'kb-locked'. */
  waitMs?: number;
  /** A lock older than this is stale whoever holds it (default 30 s). */
  staleMs?: number;
}

const HOST = hostname();

function ownerGone(content: string): boolean {
  const [pid, host] = content.split('\n');
  const n = Number(pid);
  if (host !== HOST || !Number.isInteger(n) || n <= 0) return false;
  if (n === process.pid) return false;
  try {
    process.kill(n, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Take over `lock` if it is still the stale one we read (`seen`); true when it is gone. */
async function breakStale(lock: string, seen: string): Promise<void> {
  const aside = `${lock}.${process.pid}.${Date.now().toString(36)}.stale`;
  try {
    await rename(lock, aside);
  } catch {
    return; // someone else broke or released it
  }
  const content = await readFile(aside, 'utf8').catch(() => seen);
  // A fresh lock slipped in between our read and the rename: give it back (link fails if
  // yet another lock exists already, in which case that one is the live one).
  if (content !== seen) await link(aside, lock).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/**
 * Run `fn` holding `<file>.lock`.
 * @example
 * await withFileLock('knowledge-base/payment.yaml', async () => { … read, change, write … });
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  const waitMs = options.waitMs ?? 15_000;
  const staleMs = options.staleMs ?? 30_000;
  const started = Date.now();
  const mine = `${process.pid}\n${HOST}\n${new Date().toISOString()}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lock, 'wx');
      await fh.writeFile(mine);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const seen = await readFile(lock, 'utf8').catch(() => undefined);
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      // An empty lock younger than a second is one being written right now.
      if (seen !== undefined && ((seen && ownerGone(seen)) || age > staleMs)) await breakStale(lock, seen);
      else if (Date.now() - started > waitMs) {
        const owner = seen?.split('\n')[0];
        throw new KefuError('kb-locked', `kefu: ${file} is locked by another writer${owner ? ` (pid ${owner})` : ''} for ${Math.round(age / 1000)} s (${lock}); try again, or remove the lock if no kefu process is running`);
      } else await new Promise((r) => setTimeout(r, 5 + Math.random() * 10 * Math.min(attempt + 1, 8)));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
