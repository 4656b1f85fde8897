#!/usr/bin/env node
// Benchmark runner: kefu against NLP.js, MiniSearch and fuse.js on the evaluation sets
// in ../shared/eval (override with KEFU_EVAL_DIR). Every system runs on the same data in
// the same run, each (system, set) in its own forked worker process (bench/worker.mjs).
//
//   node bench/run.mjs [--sets zh-bq-dev,en-clinc-dev,zh-afqmc-scale,zh-scale-100k]
//                      [--systems kefu,nlpjs,minisearch,fuse] [--cap-seconds 120]
//                      [--limit-queries N] [--out bench/RESULTS.md | -] [--json FILE]
//                      [--no-ablation] [--seed 1]
//
// Writes Markdown to --out (default bench/RESULTS.md; '-' = stdout) and raw numbers to
// --json (default: results.json next to RESULTS.md, <name>.json next to another --out,
// none for '-'). Progress goes to stderr. KEFU_DIST=<file> imports kefu from elsewhere.
import { fork, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_SETS, SCALE_SET, SCALE_SIZES, SET_OPTIONS, SET_SYSTEMS, evalDir, repoRoot, setExists, loadSet, subsetSet, orderQueries } from './lib/data.mjs';
import { summarize, latencySummaryUs, reliabilityBins, expectedCalibrationError } from './metrics.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { SYSTEM_NAMES, LABELS } from './systems/index.mjs';
import { distPath } from './systems/kefu.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// Re-exec with --expose-gc when it is missing (the workers get it explicitly too).
if (typeof global.gc !== 'function' && !process.env.KEFU_BENCH_REEXEC) {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, KEFU_BENCH_REEXEC: '1' },
  });
  process.exit(r.status ?? 1);
}

const USAGE = `usage: node bench/run.mjs [--sets a,b] [--systems ${SYSTEM_NAMES.join(',')}] [--cap-seconds 120]
       [--limit-queries N] [--out bench/RESULTS.md|-] [--json FILE] [--no-ablation] [--seed 1]`;

function parseArgs(argv) {
  const opts = {
    sets: ALL_SETS.slice(),
    systems: SYSTEM_NAMES.slice(),
    capSeconds: 120,
    limitQueries: null,
    out: path.join('bench', 'RESULTS.md'),
    json: undefined,
    ablation: true,
    seed: 1,
  };
  const list = (v) => v.split(',').map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      i += 1;
      if (i >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[i];
    };
    switch (flag) {
      case '--sets': opts.sets = list(value()); break;
      case '--systems': opts.systems = list(value()); break;
      case '--cap-seconds': opts.capSeconds = Number(value()); break;
      case '--limit-queries': opts.limitQueries = Number(value()); break;
      case '--out': opts.out = value(); break;
      case '--json': opts.json = value(); break;
      case '--no-ablation': opts.ablation = false; break;
      case '--seed': opts.seed = Number(value()); break;
      case '-h':
      case '--help': console.log(USAGE); process.exit(0); break;
      default: throw new Error(`unknown argument: ${a}`);
    }
  }
  for (const s of opts.sets) if (!ALL_SETS.includes(s)) throw new Error(`unknown set: ${s} (known: ${ALL_SETS.join(', ')})`);
  for (const s of opts.systems) if (!SYSTEM_NAMES.includes(s)) throw new Error(`unknown system: ${s} (known: ${SYSTEM_NAMES.join(', ')})`);
  // Report order is fixed (kefu first), whatever the flag order.
  opts.systems = SYSTEM_NAMES.filter((s) => opts.systems.includes(s));
  opts.sets = ALL_SETS.filter((s) => opts.sets.includes(s));
  if (!(opts.capSeconds > 0)) throw new Error('--cap-seconds must be a positive number');
  if (opts.limitQueries != null && !(Number.isInteger(opts.limitQueries) && opts.limitQueries > 0)) {
    throw new Error('--limit-queries must be a positive integer');
  }
  if (!Number.isInteger(opts.seed)) throw new Error('--seed must be an integer');
  if (opts.json === undefined) {
    if (opts.out === '-') opts.json = null;
    else {
      const base = path.basename(opts.out);
      opts.json = path.join(path.dirname(opts.out), base === 'RESULTS.md' ? 'results.json' : base.replace(/\.md$/i, '') + '.json');
    }
  }
  return opts;
}

const log = (...a) => console.error('[bench]', ...a);

function tryExec(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

function pkgVersion(pkg) {
  try {
    return JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function quoteArg(a) {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

function environment(opts) {
  const kefuPkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const dist = distPath();
  const distInfo = existsSync(dist)
    ? `${path.relative(repoRoot, dist).startsWith('..') ? dist : path.relative(repoRoot, dist)} (built ${statSync(dist).mtime.toISOString()})`
    : `${dist} missing`;
  const commit = tryExec('git', ['rev-parse', '--short', 'HEAD']) ?? 'none (no commit yet)';
  const porcelain = tryExec('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'package.json']);
  let command = `node bench/run.mjs ${process.argv.slice(2).map(quoteArg).join(' ')}`.trim();
  if (process.env.npm_lifecycle_event === 'bench') command += '   (via npm run bench)';
  if (process.env.KEFU_DIST) command = `KEFU_DIST=${quoteArg(process.env.KEFU_DIST)} ${command}`;
  const competitors = [
    ['nlpjs', 'node-nlp'],
    ['minisearch', 'minisearch'],
    ['fuse', 'fuse.js'],
  ]
    .filter(([s]) => opts.systems.includes(s))
    .map(([s, pkg]) => ({ system: s, label: LABELS[s], pkg, version: pkgVersion(pkg) }));
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    kefu: { version: kefuPkg.version, commit, dirty: Boolean(porcelain), dist: distInfo },
    competitors,
    command,
    evalDir: evalDir(),
  };
}

const QUERY_GRACE_MS = 60_000; // beyond the worker's own query cap and warm-up
const STARTUP_LIMIT_MS = 180_000; // loading data + dictionaries before the build starts

function runWorker(job, capSeconds) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = fork(path.join(here, 'worker.mjs'), [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    let tail = '';
    const keep = (d) => {
      tail = (tail + d.toString()).slice(-4000);
    };
    child.stdout.on('data', keep); // systems' own logs are swallowed
    child.stderr.on('data', keep);
    const state = { killedFor: null, counts: null, built: null, result: null, error: null, buildStartAt: null };
    let timer = setTimeout(() => {
      state.killedFor = 'startup';
      child.kill('SIGKILL');
    }, STARTUP_LIMIT_MS);
    child.on('message', (m) => {
      if (m.type === 'build-start') {
        clearTimeout(timer);
        state.counts = m;
        state.buildStartAt = Date.now();
        timer = setTimeout(() => {
          state.killedFor = 'build';
          child.kill('SIGKILL');
        }, capSeconds * 1000);
      } else if (m.type === 'built') {
        clearTimeout(timer);
        state.built = m;
        timer = setTimeout(() => {
          state.killedFor = 'queries';
          child.kill('SIGKILL');
        }, capSeconds * 1000 + QUERY_GRACE_MS);
      } else if (m.type === 'result') {
        state.result = m;
      } else if (m.type === 'error') {
        state.error = m.message;
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ...state, code, signal, wallMs: Date.now() - started, buildWallMs: state.buildStartAt ? Date.now() - state.buildStartAt : null, tail });
    });
    child.send(job);
  });
}

function firstLine(s) {
  return String(s ?? '').split('\n').find((l) => l.trim())?.trim() ?? '';
}

/** Turns a worker outcome into a report row (metrics computed here, from the records). */
function toRun(job, outcome, capSeconds, expectedCounts) {
  const run = {
    set: job.setName,
    size: job.size,
    isFullSize: job.size == null,
    system: job.system,
    label: job.variant ? `${LABELS[job.system]} (${job.variant})` : LABELS[job.system],
    variant: job.variant ?? null,
    options: job.options,
    status: 'ok',
    entries: null,
    counts: null,
    metrics: null,
    latency: null,
    buildMs: null,
    dictLoadMs: null,
    indexMemoryMB: null,
    rssMB: null,
    queriesDone: null,
    queriesTotal: null,
    capped: false,
    queryWallMs: null,
    wallMs: outcome.wallMs,
    notes: [],
    meta: {},
  };
  const r = outcome.result;
  if (outcome.counts || expectedCounts) {
    const c = outcome.counts ?? expectedCounts;
    run.entries = c.entries;
    run.queriesTotal = c.queriesTotal;
    run.counts = { entries: c.entries, queries: c.queriesTotal, inScope: c.inScopeTotal, outOfScope: c.queriesTotal - c.inScopeTotal };
  }
  if (r) {
    Object.assign(run, {
      entries: r.entries,
      buildMs: r.buildMs,
      indexMemoryMB: r.indexMemoryMB,
      rssMB: r.rssMB,
      queriesDone: r.queriesDone,
      queriesTotal: r.queriesTotal,
      capped: r.capped,
      queryWallMs: r.queryWallMs,
      meta: r.meta ?? {},
    });
    run.metrics = summarize(r.records);
    run.latency = latencySummaryUs(r.latenciesNs);
    // On a shared machine a question's wall time includes waiting for a core; its CPU time does not.
    if (r.cpuNs?.length) {
      run.cpuLatency = latencySummaryUs(r.cpuNs);
      run.notes.push(`CPU a query p50 ${Math.round(run.cpuLatency.p50)} µs, p99 ${Math.round(run.cpuLatency.p99)} µs`);
    }
    if (r.capped) run.notes.push(`${r.queriesDone} of ${r.queriesTotal} queries (capped)`);
    run.records = r.records; // in memory only (reliability); not written to JSON
    if (r.meta?.dictLoadMs != null) {
      run.dictLoadMs = r.meta.dictLoadMs;
      run.notes.push(`${r.meta.dictName ?? 'dictionary'} dictionary load ${Math.round(r.meta.dictLoadMs)} ms (not in build)`);
    }
    // which matching path ran: semantic (the model) or lexical (and why)
    const emb = r.meta?.embedding;
    if (job.system === 'kefu' && emb) run.notes.push(emb.path === 'lexical' ? `lexical (${job.options?.semantic === false ? `semantic off for this ${job.variant ? 'row' : 'set'}` : emb.reason})` : `semantic: ${emb.name}`);
    if (job.system === 'kefu' && r.meta?.modelLoadMs != null) run.notes.push(`model load ${Math.round(r.meta.modelLoadMs)} ms (not in build)`);
    if (job.system === 'kefu' && r.meta?.vectorCache) run.notes.push(r.meta.vectorCache === 'warm' ? 'warm build (KB vectors and a large KB\'s principal components from bench/.cache)' : 'cold build (KB embedded, vectors cached for the next run)');
    // CPU beside the wall time: the machine may be shared while the bench runs
    if (job.system === 'kefu' && r.meta?.buildCpuMs != null) run.notes.push(`build CPU ${Math.round(r.meta.buildCpuMs)} ms (all threads)`);
    if (job.system === 'nlpjs' && run.metrics.inScope) {
      // The intent NLP.js returns ('None' under its threshold) as top-1, for comparison
      // with figures that score that intent rather than the classification ranking.
      const ins = r.records.filter((x) => x.expected != null);
      const hit = ins.filter((x) => x.type === 'answer' && x.id === x.expected).length;
      run.metrics.top1ReturnedIntent = hit / ins.length;
      run.notes.push(`top-1 of the returned intent ('None' = miss): ${(hit / ins.length).toFixed(3)}`);
    }
    if (r.errors) run.notes.push(`${r.errors} query errors: ${firstLine(r.firstError).slice(0, 120)}`);
    if (!r.gcExposed) run.notes.push('heap measured without gc');
  } else if (outcome.killedFor === 'build') {
    run.status = 'build-capped';
    run.capMs = capSeconds * 1000;
    run.notes.push(`training exceeded ${capSeconds} s cap`);
    run.buildMs = null;
  } else if (outcome.killedFor === 'queries') {
    run.status = 'killed';
    run.notes.push(`query phase did not finish within ${capSeconds} s cap + ${QUERY_GRACE_MS / 1000} s (killed, no results)`);
  } else if (outcome.killedFor === 'startup') {
    run.status = 'killed';
    run.notes.push(`did not start building within ${STARTUP_LIMIT_MS / 1000} s (killed)`);
  } else {
    run.status = 'error';
    const msg = outcome.error ?? (firstLine(outcome.tail) || `worker exited with ${outcome.signal ?? outcome.code}`);
    run.notes.push(`error: ${firstLine(msg).slice(0, 200)}`);
    run.errorDetail = outcome.error ?? outcome.tail;
  }
  if (outcome.built && !r) {
    Object.assign(run, { buildMs: outcome.built.buildMs, indexMemoryMB: outcome.built.indexMemoryMB, rssMB: outcome.built.rssMB });
  }
  return run;
}

const setCache = new Map();
/** What a job runs on, computed here too so that a failed job's row still says it. */
function expectedCounts(job) {
  try {
    if (!setCache.has(job.setName)) setCache.set(job.setName, loadSet(job.setName));
    const set = subsetSet(setCache.get(job.setName), job.size);
    const queries = orderQueries(set.queries, { seed: job.seed, limit: job.limit });
    return {
      entries: set.kb.length,
      queriesTotal: queries.length,
      inScopeTotal: queries.filter((q) => q.expected !== null).length,
    };
  } catch {
    return null;
  }
}

async function runJob(job, opts) {
  const tag = `${job.setName}${job.size ? `@${job.size}` : ''} ${job.system}${job.variant ? ` (${job.variant})` : ''}${job.options?.ablate?.length ? ` ablate=${job.options.ablate.join(',')}` : ''}`;
  log(`${tag}: start`);
  const outcome = await runWorker(job, opts.capSeconds);
  const run = toRun(job, outcome, opts.capSeconds, expectedCounts(job));
  const m = run.metrics;
  log(
    `${tag}: ${run.status}` +
      (run.buildMs != null ? `, build ${(run.buildMs / 1000).toFixed(1)} s` : '') +
      (run.queryWallMs != null ? `, ${run.queriesDone}/${run.queriesTotal} queries in ${(run.queryWallMs / 1000).toFixed(1)} s` : '') +
      (m ? `, top-1 ${m.top1?.toFixed(3)}` : '') +
      (run.notes.length ? ` [${run.notes.join('; ')}]` : ''),
  );
  if (run.errorDetail) log(run.errorDetail);
  return run;
}

function stripForJson(run) {
  const { records, errorDetail, ...rest } = run;
  return { ...rest, errorDetail: errorDetail ? String(errorDetail).slice(0, 2000) : undefined };
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  const dir = evalDir();
  const missing = opts.sets.filter((s) => !setExists(s, dir));
  if (missing.length) {
    console.error(`evaluation data missing in ${dir}: ${missing.join(', ')} (set KEFU_EVAL_DIR)`);
    process.exit(2);
  }
  const t0 = Date.now();
  const env = environment(opts);
  const base = { capSeconds: opts.capSeconds, limit: opts.limitQueries, seed: opts.seed };

  const runs = [];
  for (const setName of opts.sets) {
    const sizes = setName === SCALE_SET ? SCALE_SIZES : [null];
    for (const size of sizes) {
      for (const system of opts.systems) {
        if (SET_SYSTEMS[setName] && !SET_SYSTEMS[setName].includes(system)) continue;
        runs.push(await runJob({ ...base, setName, size, system, options: { ...SET_OPTIONS[setName]?.[system] } }, opts));
        // kefu without the model beside it: the lexical-only path, for a KB that runs without
        // the embedder (at 10,000 FAQs its latency has a bar of its own).
        if (system === 'kefu' && setName === SCALE_SET && size == null && SET_OPTIONS[setName]?.kefu?.semantic !== false) {
          runs.push(await runJob({ ...base, setName, size, system, variant: 'lexical', options: { semantic: false } }, opts));
        }
      }
    }
  }

  // kefu ablations: the full system is the main run; one run per ablate name.
  let ablation = null;
  const ABLATION_SETS = ['zh-bq-dev', 'en-clinc-dev'].filter((s) => opts.sets.includes(s));
  if (opts.ablation && opts.systems.includes('kefu') && ABLATION_SETS.length) {
    const fullRuns = Object.fromEntries(ABLATION_SETS.map((s) => [s, runs.find((r) => r.set === s && r.system === 'kefu' && r.isFullSize && !r.variant)]));
    const names = Object.values(fullRuns).find((r) => Array.isArray(r?.meta?.ablations))?.meta.ablations ?? null;
    ablation = { sets: ABLATION_SETS, rows: [{ name: 'none (full system)', bySet: fullRuns }], runs: [], note: null };
    if (!names) {
      ablation.note = 'Not run: kefu did not load or its build exports no `ABLATIONS` array.';
    } else {
      for (const name of names) {
        const row = { name, bySet: {} };
        for (const setName of ABLATION_SETS) {
          const run = await runJob({ ...base, setName, size: null, system: 'kefu', options: { ablate: [name] } }, opts);
          row.bySet[setName] = run;
          ablation.runs.push(run);
        }
        ablation.rows.push(row);
      }
    }
  }

  // kefu reliability over every full-size set.
  let reliability = null;
  const kefuRuns = runs.filter((r) => r.system === 'kefu' && !r.variant && r.isFullSize && r.status === 'ok' && r.records?.length);
  if (kefuRuns.length) {
    const all = kefuRuns.flatMap((r) => r.records);
    reliability = {
      bins: reliabilityBins(all),
      sets: kefuRuns.map((r) => ({ set: r.set, queries: r.records.length, ece: expectedCalibrationError(reliabilityBins(r.records)) })),
    };
  }

  const builds = [...new Set([...runs, ...(ablation?.runs ?? [])].map((r) => r.meta?.distBuiltAt).filter(Boolean))].sort();
  if (builds.length > 1) {
    env.kefu.warning = `kefu's build changed during this run (${builds.length} builds, ${builds[0]} … ${builds[builds.length - 1]}): its rows mix builds; rerun for clean numbers`;
    log(`warning: ${env.kefu.warning}`);
  }
  const res = {
    env,
    config: { sets: opts.sets, systems: opts.systems, capSeconds: opts.capSeconds, limitQueries: opts.limitQueries, seed: opts.seed, ablation: opts.ablation },
    scaleSet: opts.sets.includes(SCALE_SET) ? SCALE_SET : null,
    runs,
    ablation,
    reliability,
    totalWallMs: Date.now() - t0,
  };
  const md = renderMarkdown(res);
  if (opts.out === '-') process.stdout.write(md);
  else {
    mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    // Keep the sections other scripts write (bench/redis.mjs, bench/local-mode.mjs) when regenerating the rest.
    const before = existsSync(opts.out) ? readFileSync(opts.out, 'utf8') : '';
    const kept = ['scale-out', 'local-mode'].map((name) => new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`).exec(before)?.[0]).filter(Boolean);
    writeFileSync(opts.out, [md.trimEnd(), ...kept].join('\n\n') + '\n');
    log(`wrote ${opts.out}`);
  }
  if (opts.json) {
    const json = {
      ...res,
      runs: runs.map(stripForJson),
      ablation: ablation && {
        sets: ablation.sets,
        note: ablation.note,
        rows: ablation.rows.map((row) => ({ name: row.name, bySet: Object.fromEntries(Object.entries(row.bySet).map(([s, r]) => [s, r ? { status: r.status, metrics: r.metrics, notes: r.notes } : null])) })),
        runs: ablation.runs.map(stripForJson),
      },
    };
    mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
    writeFileSync(opts.json, JSON.stringify(json, (k, v) => (v === Infinity ? 'Infinity' : v), 2) + '\n');
    log(`wrote ${opts.json}`);
  }
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
