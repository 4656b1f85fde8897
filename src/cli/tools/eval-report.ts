/**
 * `kefu eval`'s report: one self-contained HTML page (summary, an inline SVG chart, the worst
 * cases) from a threshold sweep (eval-sweep.ts).
 */
import type { KefuThresholds } from '../../match/matcher.js';
import { roundTo, type EvalCaseRow, type EvalPoint, type EvalSweep } from './eval-sweep.js';

export interface EvalReportMeta {
  /** The KB path or name. */
  kb: string;
  /** The case files. */
  cases: string[];
  /** When the report was made (shown as given). */
  date: string;
  /** The word segmenter used (matcher.segmenterName). */
  segmenter: string;
}

/** The curves the chart draws, in legend order. */
export const EVAL_SERIES = [
  { key: 'accuracy', label: '准确率 accuracy', color: '#1d4ed8', width: 3, dash: '' },
  { key: 'answerRate', label: '直接回答率 answer rate', color: '#15803d', width: 2, dash: '' },
  { key: 'wrongAnswerRate', label: '答错率 wrong answers', color: '#dc2626', width: 2, dash: '' },
  { key: 'clarifyRate', label: '追问率 clarify rate', color: '#ea580c', width: 2, dash: '6 4' },
  { key: 'fallbackRate', label: '兜底率 fallback rate', color: '#6b7280', width: 2, dash: '2 4' },
] as const satisfies readonly { key: keyof EvalPoint; label: string; color: string; width: number; dash: string }[];

/** Escape text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** A threshold as the KB would write it: two decimals, three when needed (0.275). */
export function formatThreshold(x: number): string {
  const two = x.toFixed(2);
  return Math.abs(Number(two) - x) < 1e-9 ? two : String(roundTo(x, 4));
}

/** The YAML line to paste into the KB's settings. */
export function thresholdsYaml(t: KefuThresholds): string {
  return `thresholds: { answer: ${formatThreshold(t.answer)}, clarify: ${formatThreshold(t.clarify)} }`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A single self-contained HTML page (no scripts, no external assets) showing the sweep. */
export function renderEvalReport(sweep: EvalSweep, meta: EvalReportMeta): string {
  const { summary, recommended, current } = sweep;
  const e = escapeHtml;
  const gain = recommended.accuracy - current.accuracy;
  const swept = summary.inScope + summary.outOfScope;
  const caseFiles = meta.cases.map((f) => `<code>${e(f)}</code>`).join(' ');
  const advice =
    swept === 0
      ? '没有可扫描的用例（需要 expect 为 FAQ id 或 fallback 的用例）。'
      : Math.abs(gain) < 1e-9 && Math.abs(recommended.thresholds.answer - current.thresholds.answer) < 1e-9
        ? '当前阈值已是最佳。'
        : gain > 1e-9
          ? `改用推荐阈值，准确率提高 ${(gain * 100).toFixed(1)} 个百分点。`
          : '推荐阈值与当前阈值准确率相同，但答错更少或阈值更高。';

  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>kefu 阈值评估 · ${e(meta.kb)}</title>
<style>
:root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #ffffff; --soft: #f8fafc; --accent: #7c3aed; --good: #15803d; --bad: #dc2626; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.65 -apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1040px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: .02em; }
h2 { font-size: 19px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); font-size: 13px; margin: 0; }
.meta code { font-size: 12px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 20px 0 0; }
.card { background: var(--soft); border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.card .k { color: var(--muted); font-size: 13px; }
.card .v { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .s { color: var(--muted); font-size: 12px; }
.card.rec { border-color: #c4b5fd; background: #f5f3ff; }
.advice { margin: 16px 0 8px; }
pre.yaml { background: #0f172a; color: #e2e8f0; padding: 12px 16px; border-radius: 8px; font-size: 14px; overflow-x: auto; margin: 8px 0; }
.chart { border: 1px solid var(--line); border-radius: 10px; padding: 8px; background: #fff; }
.chart svg { display: block; width: 100%; height: auto; font-family: inherit; }
.note { color: var(--muted); font-size: 13px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { padding: 7px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.q { min-width: 16em; word-break: break-word; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; white-space: nowrap; }
td.src { color: var(--muted); font-size: 12px; white-space: nowrap; }
.ok { color: var(--good); font-weight: 600; }
.ko { color: var(--bad); font-weight: 600; }
.bar { display: inline-block; width: 48px; height: 6px; background: var(--line); border-radius: 3px; margin-left: 6px; vertical-align: middle; overflow: hidden; }
.bar i { display: block; height: 100%; background: #64748b; }
details { margin-top: 12px; }
summary { cursor: pointer; color: var(--muted); }
@media print { main { padding: 0; } .chart { break-inside: avoid; } }
</style>
</head>
<body>
<main>
<h1>kefu 阈值评估报告</h1>
<p class="meta">知识库 <code>${e(meta.kb)}</code> · 分词 ${e(meta.segmenter)} · ${e(meta.date)}</p>
<p class="meta">用例文件 ${caseFiles || '—'}</p>

<h2>概要</h2>
<div class="cards">
  <div class="card"><div class="k">用例</div><div class="v">${summary.cases}</div><div class="s">知识库内 ${summary.inScope} · 知识库外 ${summary.outOfScope} · 追问 ${summary.clarify} · 转人工 ${summary.handoff}（后两类不参与扫描）</div></div>
  <div class="card"><div class="k">当前阈值准确率</div><div class="v">${pct(current.accuracy)}</div><div class="s">answer ${formatThreshold(current.thresholds.answer)} · clarify ${formatThreshold(current.thresholds.clarify)} · 答错 ${pct(current.point.wrongAnswerRate)}</div></div>
  <div class="card rec"><div class="k">推荐阈值准确率</div><div class="v">${pct(recommended.accuracy)}</div><div class="s">answer ${formatThreshold(recommended.thresholds.answer)} · clarify ${formatThreshold(recommended.thresholds.clarify)} · 答错 ${pct(recommended.point.wrongAnswerRate)}</div></div>
  <div class="card"><div class="k">Top-1 / Top-3 命中</div><div class="v">${pct(summary.top1Accuracy)} / ${pct(summary.top3Recall)}</div><div class="s">知识库内用例，与阈值无关</div></div>
</div>
<p class="advice">${e(advice)} 推荐设置（粘贴到知识库的 <code>_settings.yaml</code>）：</p>
<pre class="yaml"><code>${e(thresholdsYaml(recommended.thresholds))}</code></pre>

<h2>阈值曲线</h2>
<div class="chart">
${renderChart(sweep)}
</div>
<p class="note">横轴为直接回答阈值 t，追问区间取 [t/2, t)。准确率 = 知识库内用例以正确 FAQ 直接回答、知识库外用例未被直接回答的比例；答错率 = 以错误 FAQ 回答或回答了知识库外问题的比例。只模拟阈值：单个 FAQ 的 <code>threshold</code> 与“两个 FAQ 分数接近时追问”的规则不在扫描之内，结果可能与 <code>kefu test</code> 略有不同。</p>

<h2>最差的 ${sweep.worst.length} 个用例</h2>
<p class="note">按离正确处理有多远排序：最佳匹配错误（或问题在知识库外）的，置信度高出推荐阈值越多越靠前；最佳匹配正确的，置信度低于推荐阈值越多越靠前。“推荐阈值下”为推荐阈值下的处理结果。</p>
${renderWorstTable(sweep.worst)}

<details>
<summary>全部扫描数据（${sweep.points.length} 个阈值）</summary>
${renderPointsTable(sweep.points)}
</details>
</main>
</body>
</html>
`;
}

const OUTCOME_LABEL = { answer: '直接回答', clarify: '追问', fallback: '兜底' } as const;

function renderWorstTable(rows: readonly EvalCaseRow[]): string {
  if (rows.length === 0) return '<p class="note">没有可列出的用例。</p>';
  const body = rows
    .map((r, i) => {
      const src = `${r.file.split(/[\\/]/).pop() ?? r.file}${r.line !== undefined ? `:${r.line}` : ''}`;
      const top1 = r.scope === 'out' ? '<span class="ko">✗</span> 应兜底' : r.right ? '<span class="ok">✓</span>' : `<span class="ko">✗</span>${r.top3 ? ' (top-3 内)' : ''}`;
      return `<tr>
  <td class="num">${i + 1}</td>
  <td class="q">${escapeHtml(r.question)}</td>
  <td class="id">${escapeHtml(r.expect)}</td>
  <td class="id">${r.bestId === null ? '—' : escapeHtml(r.bestId)}</td>
  <td class="num">${r.confidence.toFixed(3)}<span class="bar"><i style="width:${(Math.max(0, Math.min(1, r.confidence)) * 100).toFixed(0)}%"></i></span></td>
  <td>${top1}</td>
  <td>${OUTCOME_LABEL[r.outcome]} ${r.pass ? '<span class="ok">✓</span>' : '<span class="ko">✗</span>'}</td>
  <td class="src" title="${escapeHtml(r.file)}">${escapeHtml(src)}</td>
</tr>`;
    })
    .join('\n');
  return `<table>
<thead><tr><th>#</th><th>问题</th><th>期望</th><th>最佳匹配</th><th>置信度</th><th>最佳匹配对错</th><th>推荐阈值下</th><th>位置</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}

function renderPointsTable(points: readonly EvalPoint[]): string {
  const rows = points
    .map(
      (p) =>
        `<tr><td class="num">${formatThreshold(p.threshold)}</td><td class="num">${formatThreshold(p.clarify)}</td>${EVAL_SERIES.map((s) => `<td class="num">${pct(p[s.key])}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table>
<thead><tr><th>answer</th><th>clarify</th>${EVAL_SERIES.map((s) => `<th>${escapeHtml(s.label)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

/** The line chart: x = answer threshold 0..1, y = rate 0..1, with markers at the recommended and current thresholds. */
function renderChart(sweep: EvalSweep): string {
  const W = 960;
  const H = 540;
  const m = { top: 36, right: 28, bottom: 116, left: 64 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const x = (t: number) => m.left + Math.max(0, Math.min(1, t)) * pw;
  const y = (r: number) => m.top + (1 - Math.max(0, Math.min(1, r))) * ph;
  const n = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="chart-title chart-desc">`);
  out.push(`<title id="chart-title">各回答阈值下的准确率、回答率、答错率、追问率与兜底率</title>`);
  out.push(
    `<desc id="chart-desc">推荐阈值 ${formatThreshold(sweep.recommended.thresholds.answer)}（准确率 ${pct(sweep.recommended.accuracy)}），当前阈值 ${formatThreshold(sweep.current.thresholds.answer)}（准确率 ${pct(sweep.current.accuracy)}）。</desc>`,
  );
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="#fcfcfd" stroke="#d1d5db"/>`);

  // Grid, ticks and tick labels.
  for (let i = 0; i <= 10; i++) {
    const v = i / 10;
    const gx = n(x(v));
    const gy = n(y(v));
    const major = i % 5 === 0;
    out.push(`<line x1="${gx}" y1="${m.top}" x2="${gx}" y2="${m.top + ph}" stroke="${major ? '#d1d5db' : '#eef0f3'}"/>`);
    out.push(`<line x1="${m.left}" y1="${gy}" x2="${m.left + pw}" y2="${gy}" stroke="${major ? '#d1d5db' : '#eef0f3'}"/>`);
    out.push(`<line x1="${gx}" y1="${m.top + ph}" x2="${gx}" y2="${m.top + ph + 6}" stroke="#6b7280"/>`);
    out.push(`<line x1="${m.left - 6}" y1="${gy}" x2="${m.left}" y2="${gy}" stroke="#6b7280"/>`);
    out.push(`<text x="${gx}" y="${m.top + ph + 22}" text-anchor="middle" font-size="13" fill="#374151">${v.toFixed(1)}</text>`);
    out.push(`<text x="${m.left - 10}" y="${n(y(v) + 4)}" text-anchor="end" font-size="13" fill="#374151">${Math.round(v * 100)}%</text>`);
  }
  out.push(`<text x="${n(m.left + pw / 2)}" y="${m.top + ph + 48}" text-anchor="middle" font-size="14" fill="#111827">直接回答阈值 answer threshold（追问阈值 = 回答阈值 / 2）</text>`);
  out.push(`<text transform="translate(18 ${n(m.top + ph / 2)}) rotate(-90)" text-anchor="middle" font-size="14" fill="#111827">比例 rate</text>`);

  // Curves.
  const pts = sweep.points;
  for (const s of EVAL_SERIES) {
    const path = pts.map((p) => `${n(x(p.threshold))},${n(y(p[s.key]))}`).join(' ');
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="${s.width}" stroke-linejoin="round" stroke-linecap="round"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${path}"/>`);
  }

  // Markers: recommended and current answer thresholds.
  const rec = sweep.recommended.thresholds.answer;
  const cur = sweep.current.thresholds.answer;
  const close = Math.abs(x(rec) - x(cur)) < 120;
  const marker = (t: number, color: string, dash: string, label: string, row: number) => {
    const mx = x(t);
    const anchor = mx > m.left + pw - 110 ? 'end' : mx < m.left + 110 ? 'start' : 'middle';
    out.push(`<line x1="${n(mx)}" y1="${m.top}" x2="${n(mx)}" y2="${m.top + ph}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    const lx = anchor === 'start' ? mx + 4 : anchor === 'end' ? mx - 4 : mx;
    out.push(`<text x="${n(lx)}" y="${n(row === 0 ? m.top - 10 : m.top + 18)}" text-anchor="${anchor}" font-size="13" font-weight="600" fill="${color}"${row === 0 ? '' : ' paint-order="stroke" stroke="#fcfcfd" stroke-width="4"'}>${escapeHtml(label)}</text>`);
  };
  marker(cur, '#374151', '5 4', `当前 ${formatThreshold(cur)}`, close ? 1 : 0);
  marker(rec, '#7c3aed', '', `推荐 ${formatThreshold(rec)}`, 0);
  const recPoint = sweep.recommended.point;
  out.push(`<circle cx="${n(x(rec))}" cy="${n(y(recPoint.accuracy))}" r="5" fill="#7c3aed" stroke="#fff" stroke-width="2"/>`);

  // Hover bands: one <title> per threshold (no script needed).
  const band = pw / Math.max(1, pts.length - 1);
  for (const p of pts) {
    const tip = `t = ${formatThreshold(p.threshold)}（追问 ≥ ${formatThreshold(p.clarify)}）\n${EVAL_SERIES.map((s) => `${s.label}: ${pct(p[s.key])}`).join('\n')}`;
    const x0 = Math.max(m.left, x(p.threshold) - band / 2);
    const x1 = Math.min(m.left + pw, x(p.threshold) + band / 2);
    out.push(`<rect x="${n(x0)}" y="${m.top}" width="${n(x1 - x0)}" height="${ph}" fill="transparent"><title>${escapeHtml(tip)}</title></rect>`);
  }

  // Legend: the five curves, then the two markers.
  const items: { label: string; color: string; width: number; dash: string }[] = [
    ...EVAL_SERIES,
    { label: `推荐阈值 ${formatThreshold(rec)}`, color: '#7c3aed', width: 2, dash: '' },
    { label: `当前阈值 ${formatThreshold(cur)}`, color: '#374151', width: 2, dash: '5 4' },
  ];
  const perRow = 4;
  const colW = pw / perRow;
  items.forEach((it, i) => {
    const lx = m.left + (i % perRow) * colW;
    const ly = m.top + ph + 76 + Math.floor(i / perRow) * 24;
    out.push(`<line x1="${n(lx)}" y1="${ly}" x2="${n(lx + 28)}" y2="${ly}" stroke="${it.color}" stroke-width="${it.width + (i < EVAL_SERIES.length ? 0.5 : 0)}"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`);
    out.push(`<text x="${n(lx + 36)}" y="${ly + 5}" font-size="13" fill="#1f2937">${escapeHtml(it.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
