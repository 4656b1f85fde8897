/**
 * A real redis-server for the tests: `.ci/run` starts one on loopback and passes its URL in
 * KEFU_TEST_REDIS_URL; tests that kill Redis start their own (same binary, `appendonly yes`,
 * `appendfsync always`).
 * Without redis-server the tests are skipped locally and fail with CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const REDIS_SERVER = process.env.KEFU_REDIS_SERVER ?? 'redis-server';
export const redisVersion = (() => {
  const r = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(' ').find((w) => w.startsWith('v='))?.slice(2) : undefined;
})();
export const haveRedis = Boolean(redisVersion);
/** With CI=true a missing Redis must fail, not skip. */
export const mustHaveRedis = Boolean(process.env.CI) && process.env.CI !== 'false';

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** SIGKILL (no shutdown save: only what the AOF already holds survives). */
  kill(): Promise<void>;
  /** Start again on the same port and data folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** What redis-server printed so far, over every start (its warnings say when it delayed the AOF). */
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Start a private redis-server with the persistence under which Redis replies only after the
 * write is in its log file: `appendfsync always`. With `everysec`, while an fsync of the log is
 * slow (a busy disk) Redis holds back even the write for up to 2 s and replies meanwhile, so a
 * SIGKILL can lose what it acknowledged; the tests that kill Redis check our code, not that.
 */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-redis-'));
  let proc: ChildProcess | undefined;
  let log = '';
  const launch = async () => {
    proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      proc!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        log += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc!.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${out}`));
      });
    });
  };
  const exited = () => new Promise<void>((resolve) => (proc!.exitCode !== null || proc!.signalCode ? resolve() : proc!.once('exit', () => resolve())));
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill: async () => {
      proc!.kill('SIGKILL');
      await exited();
    },
    restart: launch,
    stop: async () => {
      proc!.kill('SIGTERM');
      await exited();
    },
    log: () => log,
  };
}
