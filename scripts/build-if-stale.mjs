#!/usr/bin/env node
/**
 * `npm start`, `npm test` and `npm run bench` call this before running: it builds dist/ with
 * tsup only when the sources changed since the last build (a content hash of src/ and the
 * build config, kept in dist/.build-hash with the inputs' sizes and mtimes, so an untouched
 * tree is not even read), so a second start costs ~50 ms here instead of a full build. Quiet unless it builds: one line on stderr (stdout stays the program's), and
 * tsup's log only when the build fails. `--force` builds anyway (`npm run build` does).
 * Two runs at once (tests beside the benchmark) take turns through a lock directory.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['src', 'tsup.config.ts', 'tsconfig.json', 'package.json'];
const OUTPUTS = ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/browser.js', 'dist/redis.js', 'dist/cli/main.js', 'dist/cli/run.js'];
const stampFile = path.join(root, 'dist', '.build-hash');
const lockDir = path.join(root, '.kefu-build.lock');

function files(p) {
  const full = path.join(root, p);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [p];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => files(path.join(p, e.name)));
}

function sourceHash() {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap(files)) h.update(`${f}\0`).update(readFileSync(path.join(root, f))).update('\0');
  return h.digest('hex');
}

/** Sizes and mtimes of the inputs: when they match the stamp's, the sources are not read at all. */
function statSignature() {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap(files)) {
    const s = statSync(path.join(root, f));
    h.update(`${f}\0${s.size}\0${s.mtimeMs}\0`);
  }
  return h.digest('hex');
}

function stamp() {
  const [hash, stats] = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').split('\n') : [];
  return { hash, stats };
}

function fresh(hash) {
  return OUTPUTS.every((f) => existsSync(path.join(root, f))) && stamp().hash === hash;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(fn) {
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock left by a killed build (older than 10 minutes) is taken over.
      if (Date.now() - statSync(lockDir).mtimeMs > 600_000) rmSync(lockDir, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

const force = process.argv.includes('--force');
// Fast path (a second `npm start`): nothing touched since the last build, by size and mtime.
if (!force && OUTPUTS.every((f) => existsSync(path.join(root, f))) && stamp().stats === statSignature()) process.exit(0);
const hash = sourceHash();
if (!force && fresh(hash)) {
  writeFileSync(stampFile, `${hash}\n${statSignature()}\n`); // touched, not changed (a checkout): next time the fast path
  process.exit(0);
}

const code = withLock(() => {
  if (!force && fresh(sourceHash())) return 0; // built by the run we waited for
  const t0 = Date.now();
  process.stderr.write(`kefu: ${existsSync(path.join(root, 'dist/cli/main.js')) ? 'sources changed since the last build' : 'first build'}; building dist/ …`);
  const tsup = path.join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');
  const r = spawnSync(process.execPath, [tsup], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) {
    process.stderr.write(' failed:\n');
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n`);
    return 1;
  }
  writeFileSync(stampFile, `${hash}\n${statSignature()}\n`);
  process.stderr.write(` done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return 0;
});
process.exit(code);
