#!/usr/bin/env node
// Scale-out benchmark: answers per second of 1 and 2 bot processes sharing one Redis
// (sessions in Redis, every message a locked read-change-write), against 1 process with
// in-memory sessions. Starts its own redis-server (appendonly yes, fsync every second) on
// loopback. Writes its section of bench/RESULTS.md (between the scale-out markers) and
// bench/redis-results.json.
//
//   node bench/redis.mjs [--seconds 10] [--concurrency 32] [--out bench/RESULTS.md | -]
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const seconds = Number(arg('seconds', 10));
const concurrency = Number(arg('concurrency', 32));
const out = arg('out', path.join(here, 'RESULTS.md'));
const kb = path.join(root, 'knowledge-base');
const log = (s) => process.stderr.write(`[bench:redis] ${s}\n`);

const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
if (version.status !== 0) {
  log('redis-server not found (apt-get install -y redis-server): scale-out not measured');
  process.exit(process.env.CI ? 1 : 0);
}
const redisVersion = version.stdout.split(' ').find((w) => w.startsWith('v='))?.slice(2);

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-redis-'));
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
const admin = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
admin.on('error', () => undefined);
for (let i = 0; ; i++) {
  try {
    await admin.connect();
    break;
  } catch {
    if (i > 50) throw new Error('redis-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function redisCpuMs() {
  const info = await admin.info('cpu');
  const get = (k) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)[1]);
  return (get('used_cpu_user') + get('used_cpu_sys')) * 1000;
}

async function run(label, processes, withRedis) {
  const prefix = `bench-${label}-${Date.now()}:`;
  const workers = await Promise.all(
    Array.from({ length: processes }, () =>
      new Promise((resolve, reject) => {
        const w = fork(path.join(here, 'redis-worker.mjs'), [JSON.stringify({ url: withRedis ? url : undefined, prefix, concurrency, kb })], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        w.once('message', () => resolve(w));
        w.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
      }),
    ),
  );
  const redisBefore = await redisCpuMs();
  const results = workers.map((w) => new Promise((resolve) => w.once('message', resolve)));
  workers.forEach((w) => w.send('start'));
  await new Promise((r) => setTimeout(r, seconds * 1000));
  workers.forEach((w) => w.send('stop'));
  const rs = await Promise.all(results);
  const redisMs = (await redisCpuMs()) - redisBefore;
  const answers = rs.reduce((n, r) => n + r.answers, 0);
  const wallMs = Math.max(...rs.map((r) => r.wallMs));
  const row = {
    label,
    processes,
    sessions: withRedis ? 'Redis' : 'memory',
    answers,
    answersPerSecond: Math.round((answers / wallMs) * 1000),
    p50Ms: Math.max(...rs.map((r) => r.p50)),
    p99Ms: Math.max(...rs.map((r) => r.p99)),
    botCpuMsPerAnswer: rs.reduce((n, r) => n + r.cpuMs, 0) / answers,
    redisCpuMsPerAnswer: withRedis ? redisMs / answers : 0,
    cpuBusy: (rs.reduce((n, r) => n + r.cpuMs, 0) + (withRedis ? redisMs : 0)) / wallMs / os.cpus().length,
  };
  log(`${label}: ${row.answersPerSecond} answers/s, p50 ${row.p50Ms.toFixed(1)} ms, bot ${row.botCpuMsPerAnswer.toFixed(3)} ms CPU/answer, redis ${row.redisCpuMsPerAnswer.toFixed(3)} ms`);
  return row;
}

const rows = [];
try {
  rows.push(await run('1 process, memory sessions', 1, false));
  rows.push(await run('2 processes, memory sessions (not shared: the machine\'s ceiling)', 2, false));
  rows.push(await run('1 process, Redis', 1, true));
  rows.push(await run('2 processes, one Redis', 2, true));
} finally {
  admin.disconnect();
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

const [mem, mem2, one, two] = rows;
const f = (x, d = 2) => x.toFixed(d);
const section = `<!-- scale-out:start -->
## Scale-out: bot processes sharing one Redis

\`node bench/redis.mjs\` (part of \`npm run bench\`), ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, Node ${process.version}, redis-server ${redisVersion} on loopback (appendonly yes, fsync every second). Each process runs a real bot (nodejieba) on the sample KB with ${concurrency} customers at once, each asking 10 questions per conversation, for ${seconds} s; with Redis every message locks its session and reads its meta hash and turn list in one Lua script, then appends its new turns, writes the meta and unlocks in another (src/redis/session-log.ts: 2 round trips).

| setup | answers/s | p50 | p99 | bot CPU per answer | Redis CPU per answer | CPU busy (of ${os.cpus().length} cores) |
|---|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.label} | ${r.answersPerSecond} | ${f(r.p50Ms, 1)} ms | ${f(r.p99Ms, 1)} ms | ${f(r.botCpuMsPerAnswer, 3)} ms | ${r.sessions === 'Redis' ? `${f(r.redisCpuMsPerAnswer, 3)} ms` : '–'} | ${Math.round(r.cpuBusy * 100)}% |`).join('\n')}

What limits it: the bot processes' CPU. Redis adds ${f(one.botCpuMsPerAnswer - mem.botCpuMsPerAnswer, 3)} ms of bot CPU per answer (ioredis, JSON of the session) plus ${f(one.redisCpuMsPerAnswer, 3)} ms in redis-server, so one process goes from ${mem.answersPerSecond} to ${one.answersPerSecond} answers/s. Two processes sharing one Redis give ${f(two.answersPerSecond / one.answersPerSecond)}× one process; two processes that share nothing give ${f(mem2.answersPerSecond / mem.answersPerSecond)}× on this ${os.cpus().length}-core VM, which is the ceiling here (the two bot processes, redis-server and the OS share ${os.cpus().length} cores). Redis itself is far from its limit: ${f(two.redisCpuMsPerAnswer, 3)} ms per answer, ~${Math.round((two.redisCpuMsPerAnswer * two.answersPerSecond) / 10)}% of one core at ${two.answersPerSecond} answers/s; more throughput needs more cores for bot processes, not another Redis.
<!-- scale-out:end -->
`;

writeFileSync(path.join(here, 'redis-results.json'), JSON.stringify({ date: new Date().toISOString(), cores: os.cpus().length, node: process.version, redisVersion, seconds, concurrency, rows }, null, 2) + '\n');
if (out === '-') process.stdout.write(section);
else {
  const md = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const re = /<!-- scale-out:start -->[\s\S]*?<!-- scale-out:end -->\n?/;
  writeFileSync(out, re.test(md) ? md.replace(re, section) : `${md.trimEnd()}\n\n${section}`);
  log(`wrote the scale-out section of ${out}`);
}
