// One benchmark job (one system on one data set) in its own process, forked by
// run.mjs with --expose-gc. The parent kills this process when the build (training)
// passes the cap; the query loop stops itself at the cap and reports what it did.
//
// Messages to the parent: {type:'build-start'}, {type:'built', ...},
// {type:'result', ...} or {type:'error', message}.
import { loadSet, subsetSet, orderQueries } from './lib/data.mjs';
import { SYSTEMS } from './systems/index.mjs';

const send = (msg) =>
  new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, () => resolve());
  });

const gc = () => {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
};

const MB = 1024 * 1024;

async function runJob(job) {
  const { system, setName, size, options = {}, capSeconds, limit, seed, warmup = 300 } = job;
  const set = subsetSet(loadSet(setName), size);
  const queries = orderQueries(set.queries, { seed, limit });
  const mod = await SYSTEMS[system]();
  const sys = await mod.create({ lang: set.lang, options, setName });

  if (sys.prepare) await sys.prepare();
  gc();
  // Typed arrays (kefu's postings and vectors) live outside the JS heap: count both.
  const indexBytes = (m) => m.heapUsed + m.arrayBuffers;
  const memBefore = indexBytes(process.memoryUsage());

  const counts = {
    entries: set.kb.length,
    queriesTotal: queries.length,
    inScopeTotal: queries.filter((q) => q.expected !== null).length,
  };
  await send({ type: 'build-start', ...counts });
  const t0 = process.hrtime.bigint();
  await sys.build(set.kb);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  const mem = process.memoryUsage();
  const built = {
    buildMs,
    indexMemoryMB: (indexBytes(mem) - memBefore) / MB,
    rssMB: mem.rss / MB,
    gcExposed: typeof global.gc === 'function',
  };
  await send({ type: 'built', ...built });

  const capMs = capSeconds * 1000;
  const callQuery = async (text) => {
    const r = sys.query(text);
    return r && typeof r.then === 'function' ? await r : r;
  };

  // Warm-up (JIT, lazy tables), the same for every system: up to `warmup` of the KB's own
  // questions (never the measured queries), at most 5 s or 5% of the cap.
  const warmupBudgetMs = Math.min(5000, capMs * 0.05);
  const w0 = performance.now();
  let warmed = 0;
  for (const text of set.kb.slice(0, warmup).map((e) => e.question)) {
    if (performance.now() - w0 > warmupBudgetMs) break;
    try {
      await callQuery(text);
    } catch {
      /* reported in the measured pass */
    }
    warmed += 1;
  }

  const records = [];
  const latencies = [];
  const cpuNs = []; // CPU time of the process (all threads) per query: wall minus waiting for a core
  let errors = 0;
  let firstError = null;
  let capped = false;
  const q0 = performance.now();
  for (const q of queries) {
    if (performance.now() - q0 >= capMs) {
      capped = true;
      break;
    }
    let r;
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    try {
      r = await callQuery(q.text);
    } catch (e) {
      errors += 1;
      firstError ??= String(e?.message ?? e);
      r = { id: null, score: null, candidates: [], type: sys.decides ? 'fallback' : undefined };
    }
    latencies.push(Number(process.hrtime.bigint() - t));
    const used = process.cpuUsage(c);
    cpuNs.push((used.user + used.system) * 1000);
    const rec = {
      expected: q.expected,
      id: r?.id ?? null,
      score: typeof r?.score === 'number' ? r.score : null,
      candidates: (r?.candidates ?? []).slice(0, 3).map((c) => c.id),
    };
    if (r?.type != null) rec.type = r.type;
    records.push(rec);
  }
  const queryWallMs = performance.now() - q0;

  return {
    type: 'result',
    ...built,
    ...counts,
    queriesDone: records.length,
    capped,
    warmupQueries: warmed,
    queryWallMs,
    errors,
    firstError,
    meta: sys.meta ?? {},
    records,
    latenciesNs: latencies,
    cpuNs,
  };
}

process.once('message', async (job) => {
  try {
    const result = await runJob(job);
    await send(result);
    process.exit(0);
  } catch (e) {
    await send({ type: 'error', message: String(e?.stack ?? e) });
    process.exit(1);
  }
});
