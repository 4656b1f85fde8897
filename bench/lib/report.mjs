// Renders the benchmark results as Markdown. Pure: takes the runner's result object.
import { expectedCalibrationError } from '../metrics.mjs';

const DASH = '—';

export const rate = (x) => (x == null || Number.isNaN(x) ? DASH : x.toFixed(3));
export const int = (x) => (x == null || Number.isNaN(x) ? DASH : String(Math.round(x)));
const mb = (x, digits = 1) => (x == null || Number.isNaN(x) ? DASH : x.toFixed(digits));

export function threshold(t) {
  if (t == null || Number.isNaN(t)) return DASH;
  if (t === Infinity) return '∞ (answer none)';
  return Math.abs(t) >= 100 ? t.toFixed(1) : t.toFixed(3);
}

const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}

const MAIN_HEADER = [
  'system',
  'top-1',
  'top-3',
  'decision acc. (shipped)',
  'decision acc. (oracle) @t',
  'OOS rejection shipped / oracle',
  'p50 µs',
  'p99 µs',
  'build ms',
  'index memory MB',
  'RSS MB',
  'notes',
];

function mainCells(run) {
  const m = run.metrics ?? {};
  const ok = run.status === 'ok';
  return [
    ok ? rate(m.top1) : DASH,
    ok ? rate(m.top3) : DASH,
    ok ? rate(m.decisionShipped) : DASH,
    ok && m.decisionOracle != null ? `${rate(m.decisionOracle)} @${threshold(m.oracleThreshold)}` : DASH,
    ok ? `${rate(m.oosRejectionShipped)} / ${rate(m.oosRejectionOracle)}` : DASH,
    ok ? int(run.latency?.p50) : DASH,
    ok ? int(run.latency?.p99) : DASH,
    run.buildMs != null ? int(run.buildMs) : run.status === 'build-capped' && run.capMs ? `> ${run.capMs}` : DASH,
    run.indexMemoryMB != null ? mb(run.indexMemoryMB) : DASH,
    run.rssMB != null ? mb(run.rssMB, 0) : DASH,
    run.notes.join('; ') || '',
  ];
}

function header(res) {
  const e = res.env;
  const lines = [
    '# kefu benchmark: FAQ matching',
    '',
    `- Date: ${e.date}`,
    `- Machine: ${e.cpu}, ${e.cores} cores, ${e.platform}, Node ${e.node}`,
    `- kefu: ${e.kefu.version}, commit ${e.kefu.commit}${e.kefu.dirty ? ' (working tree has uncommitted changes)' : ''}; build: ${e.kefu.dist}`,
    ...(e.kefu.warning ? [`- **Warning:** ${e.kefu.warning}`] : []),
    `- Other systems: ${e.competitors.map((c) => `${c.label} (${c.pkg} ${c.version})`).join(', ')}`,
    `- Command: \`${e.command}\``,
    `- Data: \`${e.evalDir}\` (read at run time); queries in a fixed shuffled order (seed ${res.config.seed}) so that a capped or limited run scores a random sample${res.config.limitQueries != null ? `; **limited to the first ${res.config.limitQueries} queries of each set**` : ''}`,
    `- Cap: ${res.config.capSeconds} s per system per set, for training and for queries separately`,
  ];
  return lines.join('\n');
}

const METHOD = `
How to read: top-1 / top-3 over in-scope queries; decision accuracy over all queries
(in-scope: answered with the expected entry; out-of-scope: not answered; clarify counts as
not answered); "shipped" uses the system's own defaults (kefu: \`type === 'answer'\`; NLP.js:
intent not 'None', i.e. score ≥ its default threshold 0.5; MiniSearch and fuse.js have no
decision of their own); "oracle" answers iff score ≥ t with t swept over every score on the
same set (an upper bound; t = ∞ means answering nothing is best). Latency: in-process,
\`process.hrtime.bigint()\` around each query after the build and a warm-up on up to 300 of the KB's own questions (at most 5 s; the same for every system); one
process per system and set; notes give the CPU time a query (\`process.cpuUsage()\`, all threads),
which leaves out the time a query waited for a core on a loaded machine. Build: index build only; dictionary loads (nodejieba) are
reported in notes. Index memory: (heapUsed + arrayBuffers) after build − before build, both after \`global.gc()\` (typed arrays live outside the JS heap).
RSS: the process's resident set after the build (includes Node itself and the data).
MiniSearch: BM25 over every sentence (Chinese: nodejieba words + character bigrams; English:
lower-cased words), FAQ score = best sentence. fuse.js: default options over every sentence,
score = 1 − fuse score. NLP.js: NlpManager, one intent per FAQ, defaults. "kefu (lexical)"
(zh-afqmc-scale): kefu with semantic matching off, the path of a KB run without the model.`.trim();

export function renderMarkdown(res) {
  const out = [header(res), '', METHOD, ''];
  const bySet = new Map();
  for (const r of res.runs) {
    if (!bySet.has(r.set)) bySet.set(r.set, []);
    bySet.get(r.set).push(r);
  }

  for (const set of res.config.sets) {
    const runs = (bySet.get(set) ?? []).filter((r) => r.isFullSize);
    if (!runs.length) continue;
    const r0 = runs.find((r) => r.status === 'ok') ?? runs[0];
    const counts = r0.counts
      ? ` (${r0.counts.entries} entries; ${r0.counts.queries} queries: ${r0.counts.inScope} in scope, ${r0.counts.outOfScope} out of scope)`
      : '';
    out.push(`## ${set}${counts}`, '');
    out.push(table(MAIN_HEADER, runs.map((r) => [r.label, ...mainCells(r)])), '');
  }

  const scaleRuns = res.runs.filter((r) => r.set === res.scaleSet);
  if (scaleRuns.length) {
    out.push(`## Scale: ${res.scaleSet} at ${[...new Set(scaleRuns.map((r) => r.entries ?? r.size))].join(' / ')} entries`, '');
    const rows = [];
    for (const sys of res.config.systems) {
      for (const r of scaleRuns.filter((x) => x.system === sys).sort((a, b) => (a.entries ?? 0) - (b.entries ?? 0))) {
        const q = r.counts ? `${r.counts.queries} (${r.counts.inScope}/${r.counts.outOfScope})` : DASH;
        rows.push([r.label, int(r.entries ?? r.size), q, ...mainCells(r)]);
      }
    }
    out.push(table(['system', 'entries', 'queries (in/oos)', ...MAIN_HEADER.slice(1)], rows), '');
  }

  if (res.ablation) {
    out.push('## kefu ablations', '');
    if (res.ablation.note) out.push(res.ablation.note, '');
    if (res.ablation.rows.length) {
      const sets = res.ablation.sets;
      const head = ['ablate'];
      for (const s of sets) head.push(`${s} top-1`, `${s} top-3`, `${s} decision acc.`, `${s} Δ top-1`);
      head.push('notes');
      const rows = res.ablation.rows.map((row) => {
        const cells = [row.name];
        const notes = [];
        for (const s of sets) {
          const run = row.bySet[s];
          const full = res.ablation.rows[0].bySet[s];
          const ok = run && run.status === 'ok';
          const m = ok ? run.metrics : {};
          const delta =
            ok && full?.status === 'ok' && row !== res.ablation.rows[0]
              ? (m.top1 - full.metrics.top1 >= 0 ? '+' : '') + (m.top1 - full.metrics.top1).toFixed(3)
              : DASH;
          cells.push(ok ? rate(m.top1) : DASH, ok ? rate(m.top3) : DASH, ok ? rate(m.decisionShipped) : DASH, delta);
          if (run && run.notes.length) notes.push(`${s}: ${run.notes.filter((n) => !/dictionary load/.test(n)).join('; ')}`);
        }
        cells.push(notes.filter((n) => !/: $/.test(n)).join(' · '));
        return cells;
      });
      out.push(table(head, rows), '');
    }
  }

  if (res.reliability) {
    const rel = res.reliability;
    out.push('## kefu reliability (confidence vs observed accuracy of the top-1)', '');
    out.push(
      `Over ${rel.sets.map((s) => `${s.set} (${s.queries} queries)`).join(', ')}. "Right if answered" is over all queries` +
        ' (an out-of-scope query is never right to answer); "top-1 acc." over in-scope queries only.' +
        ' The eval queries are not used for fitting: kefu calibrates on each KB\'s own similar questions.',
      '',
    );
    const rows = rel.bins.map((b) => [
      `${b.lo.toFixed(1)}–${b.hi.toFixed(1)}`,
      int(b.n),
      rate(b.meanConfidence),
      rate(b.rightIfAnswered),
      int(b.nInScope),
      rate(b.top1InScope),
    ]);
    out.push(table(['confidence', 'queries', 'mean confidence', 'right if answered (all)', 'in-scope queries', 'top-1 acc. (in-scope)'], rows), '');
    const ece = expectedCalibrationError(rel.bins);
    out.push(
      `Expected calibration error (all queries): ${rate(ece)}` +
        (rel.sets.length > 1 ? `; per set: ${rel.sets.map((s) => `${s.set} ${rate(s.ece)}`).join(', ')}` : ''),
      '',
    );
  }

  out.push('## Run times', '');
  out.push(
    table(
      ['set', 'entries', 'system', 'options', 'status', 'build s', 'queries s', 'process wall s'],
      res.runs
        .concat(res.ablation?.runs ?? [])
        .map((r) => [
          r.set,
          int(r.entries ?? r.size),
          r.label,
          r.options?.ablate?.length ? `ablate ${r.options.ablate.join(',')}` : '',
          r.status,
          r.buildMs != null ? (r.buildMs / 1000).toFixed(1) : DASH,
          r.queryWallMs != null ? (r.queryWallMs / 1000).toFixed(1) : DASH,
          (r.wallMs / 1000).toFixed(1),
        ]),
    ),
    '',
  );
  out.push(`Total: ${(res.totalWallMs / 1000).toFixed(0)} s.`, '');
  return out.join('\n');
}
