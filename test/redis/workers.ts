import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Worker {
  pid: number;
  call<T = unknown>(op: string, ...args: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

/** A bot in its own OS process (test/redis/bot-worker.mjs), sharing Redis with the others. */
export async function startWorker(url: string, prefix: string, kb: string): Promise<Worker> {
  const child: ChildProcess = fork(path.join(__dirname, 'bot-worker.mjs'), [url, prefix, kb], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bot worker exited early (${code})`)));
    child.on('message', (m: { ready?: boolean; pid?: number; id?: number; ok?: boolean; result?: unknown; error?: string }) => {
      if (m.ready) return resolve(m.pid!);
      const w = waiting.get(m.id!);
      waiting.delete(m.id!);
      if (m.ok) w?.resolve(m.result);
      else w?.reject(new Error(m.error));
    });
  });
  return {
    pid,
    call: <T>(op: string, ...args: unknown[]) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op, args });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
