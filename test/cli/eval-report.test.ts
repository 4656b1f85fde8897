import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMatcher, type KefuMatch, type KefuMatcher } from '../../src/index';
import { loadCaseFiles, type KefuTestCase } from '../../src/cli/tools/cases';
import { EVAL_SERIES, escapeHtml, formatThreshold, renderEvalReport, thresholdsYaml } from '../../src/cli/tools/eval-report';
import { sweepThresholds, type EvalSweep } from '../../src/cli/tools/eval-sweep';

const root = path.resolve(__dirname, '../..');
const XSS = '<script>alert(1)</script>';

let matcher: KefuMatcher;
let cases: KefuTestCase[];
let caseFiles: string[];
let sweep: EvalSweep;
let html: string;

beforeAll(async () => {
  matcher = await createMatcher(path.resolve(__dirname, '../../knowledge-base'));
  const dir = path.join(root, 'test/cases');
  caseFiles = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
  const real = await loadCaseFiles(caseFiles, new Set(matcher.kb.faqs.map((f) => f.id)));
  // An out-of-scope question that looks like a return request: answered with high confidence,
  // so it lands among the worst cases and its markup must show as text.
  cases = [...real, { question: `${XSS} 怎么退货`, expect: 'fallback', file: 'synthetic.yaml', line: 1 }];
  sweep = sweepThresholds(matcher, cases);
  html = renderEvalReport(sweep, {
    kb: 'knowledge-base',
    cases: caseFiles.map((f) => path.relative(root, f)),
    date: '2025-01-01 12:00',
    segmenter: matcher.segmenterName,
  });
});

describe('sweepThresholds on the sample KB and cases', () => {
  it('has 101 points from 0 to 1 in 0.01 steps, clarify at t/2', () => {
    expect(sweep.points).toHaveLength(101);
    sweep.points.forEach((p, i) => {
      expect(p.threshold).toBeCloseTo(i / 100, 10);
      expect(p.clarify).toBeCloseTo(p.threshold / 2, 10);
    });
  });

  it('keeps every rate in [0, 1], and answer + clarify + fallback = 1', () => {
    for (const p of sweep.points) {
      for (const s of EVAL_SERIES) {
        expect(p[s.key]).toBeGreaterThanOrEqual(0);
        expect(p[s.key]).toBeLessThanOrEqual(1);
      }
      expect(p.answerRate + p.clarifyRate + p.fallbackRate).toBeCloseTo(1, 10);
      expect(p.wrongAnswerRate).toBeLessThanOrEqual(p.answerRate + 1e-12);
      expect(p.accuracy + p.wrongAnswerRate).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('answers less (and never more wrongly) as the threshold rises', () => {
    for (let i = 1; i < sweep.points.length; i++) {
      expect(sweep.points[i].answerRate).toBeLessThanOrEqual(sweep.points[i - 1].answerRate);
      expect(sweep.points[i].wrongAnswerRate).toBeLessThanOrEqual(sweep.points[i - 1].wrongAnswerRate);
    }
  });

  it('recommends the threshold with the highest accuracy', () => {
    const rec = sweep.recommended;
    for (const p of sweep.points) expect(rec.accuracy).toBeGreaterThanOrEqual(p.accuracy);
    expect(sweep.points).toContain(rec.point);
    expect(rec.thresholds.answer).toBe(rec.point.threshold);
    expect(rec.thresholds.clarify).toBeCloseTo(rec.thresholds.answer / 2, 10);
    // Ties: no other point with the same accuracy has fewer wrong answers.
    for (const p of sweep.points) if (p.accuracy === rec.accuracy) expect(p.wrongAnswerRate).toBeGreaterThanOrEqual(rec.point.wrongAnswerRate);
  });

  it('at t = 0 answers every in-scope case but the close seconds, which clarify', () => {
    const p0 = sweep.points[0];
    expect(sweep.summary.inScope).toBeGreaterThan(100);
    // The close-second rule (match/decide.ts) clarifies a tie at any threshold; nothing else is held back.
    const closeSeconds = p0.counts.clarified;
    expect(closeSeconds / p0.counts.cases).toBeLessThan(0.1);
    expect(p0.counts.answered + p0.counts.clarified + p0.counts.fallback).toBe(p0.counts.cases);
    expect(p0.counts.answeredInScope).toBeGreaterThanOrEqual(sweep.summary.inScope - closeSeconds);
  });

  it('summarizes all cases, counting the clarify and handoff ones the sweep skips', () => {
    const s = sweep.summary;
    const count = (e: (c: KefuTestCase) => boolean) => cases.filter(e).length;
    expect(s.cases).toBe(cases.length);
    expect(s.outOfScope).toBe(count((c) => c.expect === 'fallback'));
    expect(s.clarify).toBe(count((c) => c.expect === 'clarify'));
    expect(s.handoff).toBe(count((c) => c.expect === 'handoff'));
    expect(s.inScope + s.outOfScope + s.clarify + s.handoff).toBe(s.cases);
    expect(sweep.points[0].counts.cases).toBe(s.inScope + s.outOfScope);
    expect(s.top3Recall).toBeGreaterThanOrEqual(s.top1Accuracy);
    expect(s.top3Recall).toBeLessThanOrEqual(1);
  });

  it('reports the current thresholds and how they do', () => {
    expect(sweep.current.thresholds).toEqual({ answer: matcher.thresholds.answer, clarify: matcher.thresholds.clarify });
    expect(sweep.current.point.threshold).toBe(matcher.thresholds.answer);
    expect(sweep.current.point.clarify).toBe(matcher.thresholds.clarify);
    expect(sweep.current.accuracy).toBeLessThanOrEqual(sweep.recommended.accuracy);
  });

  it('replays the matcher\'s own decision rule: at the thresholds in force it counts what match() decides', () => {
    const swept = cases.filter((c) => !['clarify', 'handoff'].includes(c.expect));
    const types = swept.map((c) => matcher.match(c.question).type);
    const count = (t: string) => types.filter((x) => x === t).length;
    expect(sweep.current.point.counts).toMatchObject({ answered: count('answer'), clarified: count('clarify'), fallback: count('fallback') });
    const right = swept.filter((c, i) => (c.expect === 'fallback' ? types[i] !== 'answer' : types[i] === 'answer' && matcher.match(c.question).id === c.expect)).length;
    expect(sweep.current.point.counts.right).toBe(right);
  });

  it('lists the 20 worst cases, worst first', () => {
    expect(sweep.worst).toHaveLength(20);
    const t = sweep.recommended.thresholds.answer;
    const severity = (r: (typeof sweep.worst)[number]) => (r.right ? t - r.confidence : r.confidence - t);
    for (let i = 1; i < sweep.worst.length; i++) expect(severity(sweep.worst[i])).toBeLessThanOrEqual(severity(sweep.worst[i - 1]));
    const xss = sweep.worst.find((r) => r.question.includes(XSS));
    expect(xss, 'the synthetic out-of-scope case should be a confident wrong answer').toBeDefined();
    expect(xss).toMatchObject({ scope: 'out', right: false, outcome: 'answer', pass: false, file: 'synthetic.yaml', line: 1 });
    for (const r of sweep.worst) {
      expect(cases.some((c) => c.question === r.question && c.expect === r.expect)).toBe(true);
      expect(['clarify', 'handoff']).not.toContain(r.expect);
    }
  });

  it('matches each swept case exactly once', () => {
    let calls = 0;
    const counting = { thresholds: matcher.thresholds, decisionInput: (text: string) => (calls++, matcher.decisionInput(text)) };
    sweepThresholds(counting, cases);
    expect(calls).toBe(sweep.summary.inScope + sweep.summary.outOfScope + sweep.summary.clarify);
  });
});

describe('sweepThresholds semantics (stub matcher)', () => {
  const stub = (table: Record<string, [string | null, number, string[]?]>, thresholds = { answer: 0.5, clarify: 0.2 }) => ({
    thresholds,
    // The first candidate scores `confidence`; the others (for top-3) score 0, so no close second.
    decisionInput: (text: string) => {
      const [id, confidence, more = []] = table[text];
      const ids = id === null ? [] : [id, ...more];
      return { ids, bare: false, candidates: ids.map((_, i) => (i === 0 ? { score: confidence, best: confidence, p: confidence } : { score: 0, best: 0, p: 0 })) };
    },
  });
  const c = (question: string, expectId: string): KefuTestCase => ({ question, expect: expectId, file: 'stub.yaml' });

  it('computes accuracy, wrong answers, clarify and fallback at each threshold', () => {
    const m = stub({ a: ['x', 0.9], b: ['y', 0.6, ['z', 'w']], c: ['x', 0.3], d: ['x', 0.7], e: [null, 0], g: ['x', 0.3] });
    const s = sweepThresholds(m, [c('a', 'x'), c('b', 'z'), c('c', 'x'), c('d', 'fallback'), c('e', 'fallback'), c('f', 'handoff'), c('g', 'clarify')], { steps: 10 });
    expect(s.points).toHaveLength(11);
    expect(s.summary).toMatchObject({ cases: 7, inScope: 3, outOfScope: 2, clarify: 1, handoff: 1 });
    expect(s.summary.top1Accuracy).toBeCloseTo(2 / 3);
    expect(s.summary.top3Recall).toBe(1);
    const at = (t: number) => s.points.find((p) => Math.abs(p.threshold - t) < 1e-9)!;
    // t = 0: a, b, c, d answered (e has no candidate); right: a, c; wrong: b, d.
    expect(at(0).counts).toMatchObject({ cases: 5, answered: 4, answeredInScope: 3, right: 3, wrong: 2, clarified: 0, fallback: 1 });
    expect(at(0).accuracy).toBeCloseTo(3 / 5);
    // t = 0.5: a (0.9), b (0.6), d (0.7) answered; c (0.3) clarified (≥ 0.25); e falls back.
    expect(at(0.5).counts).toMatchObject({ answered: 3, right: 2, wrong: 2, clarified: 1, fallback: 1 });
    // t = 0.8: only a answered; b, d clarified (≥ 0.4); c falls back (< 0.4). Right: a, d, e.
    expect(at(0.8).counts).toMatchObject({ answered: 1, right: 3, wrong: 0, clarified: 2, fallback: 2 });
    expect(at(0.8).accuracy).toBeCloseTo(3 / 5);
    // 3/5 right both at t ≤ 0.3 (2 wrong) and at 0.7 < t ≤ 0.9 (none wrong): the higher, safer band wins.
    expect(s.recommended.accuracy).toBe(Math.max(...s.points.map((p) => p.accuracy)));
    expect(s.recommended.thresholds).toEqual({ answer: 0.9, clarify: 0.45 });
    expect(s.current.thresholds).toEqual({ answer: 0.5, clarify: 0.2 });
    expect(s.current.point.counts).toMatchObject({ answered: 3, clarified: 1, fallback: 1 });
  });

  it('breaks accuracy ties by fewer wrong answers, then the higher threshold', () => {
    // In scope p (right, 0.4), q (wrong, 0.2); out of scope r (0.3).
    // t ≤ 0.2: p right, q wrong, r wrong → 1/3, 2 wrong.  0.2 < t ≤ 0.3: p right, r wrong → 1/3, 1 wrong.
    // 0.3 < t ≤ 0.4: p right, r right → 2/3.  t > 0.4: r right → 1/3, 0 wrong.
    const m = stub({ p: ['x', 0.4], q: ['y', 0.2], r: ['x', 0.3] });
    const s = sweepThresholds(m, [c('p', 'x'), c('q', 'x'), c('r', 'fallback')]);
    expect(s.recommended.thresholds.answer).toBe(0.4);
    expect(s.recommended.accuracy).toBeCloseTo(2 / 3);
    // Without p's help every point has 0 or 1 right: the highest threshold with 0 wrong wins.
    const s2 = sweepThresholds(stub({ q: ['y', 0.2], r: ['x', 0.3] }), [c('q', 'x'), c('r', 'fallback')]);
    expect(s2.recommended.accuracy).toBeCloseTo(1 / 2);
    expect(s2.recommended.point.wrongAnswerRate).toBe(0);
    expect(s2.recommended.thresholds.answer).toBe(1);
  });

  it('orders the worst cases by how far they sit on the wrong side of the recommended threshold', () => {
    // Recommended: 0.99 (c and d right, nothing answered wrong). Then b (right, 0.05) is 0.94 short,
    // c (right, 0.99) just makes it, a (wrong, 0.95) just misses being answered, d (out of scope, 0.6) is far below.
    const m = stub({ a: ['y', 0.95], b: ['x', 0.05], c: ['x', 0.99], d: ['z', 0.6] });
    const s = sweepThresholds(m, [c('a', 'x'), c('b', 'x'), c('c', 'x'), c('d', 'fallback')], { worst: 3 });
    expect(s.recommended.thresholds.answer).toBe(0.99);
    expect(s.worst.map((r) => r.question)).toEqual(['b', 'c', 'a']);
    expect(s.worst[0]).toMatchObject({ right: true, outcome: 'fallback', pass: false });
    expect(s.worst[1]).toMatchObject({ right: true, outcome: 'answer', pass: true });
    expect(s.worst[2]).toMatchObject({ right: false, bestId: 'y', outcome: 'clarify', pass: false });
  });

  it('handles an empty case list and rejects a bad step count', () => {
    const s = sweepThresholds(stub({}), []);
    expect(s.points).toHaveLength(101);
    expect(s.points.every((p) => p.accuracy === 0 && p.answerRate === 0)).toBe(true);
    expect(s.worst).toEqual([]);
    expect(() => renderEvalReport(s, { kb: 'kb', cases: [], date: 'today', segmenter: 'intl' })).not.toThrow();
    expect(() => sweepThresholds(stub({}), [], { steps: 0 })).toThrow(RangeError);
    expect(() => sweepThresholds(stub({}), [], { steps: 2.5 })).toThrow(RangeError);
  });
});

describe('renderEvalReport', () => {
  it('is one self-contained zh-CN UTF-8 page', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toMatch(/<meta charset="utf-8">/i);
    expect(html).not.toMatch(/<script[\s>]/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toMatch(/@import|url\(/);
    for (const font of ['PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC']) expect(html).toContain(font);
  });

  it('shows the summary and the YAML snippet to paste', () => {
    const { summary, recommended, current } = sweep;
    expect(html).toContain(`<div class="v">${summary.cases}</div>`);
    expect(html).toContain(`知识库内 ${summary.inScope}`);
    expect(html).toContain(`知识库外 ${summary.outOfScope}`);
    expect(html).toContain(`${(current.accuracy * 100).toFixed(1)}%`);
    expect(html).toContain(`${(recommended.accuracy * 100).toFixed(1)}%`);
    const yaml = thresholdsYaml(recommended.thresholds);
    expect(yaml).toMatch(/^thresholds: \{ answer: \d\.\d{2,3}, clarify: \d\.\d{2,3} \}$/);
    expect(html).toContain(yaml);
    expect(formatThreshold(0.5)).toBe('0.50');
    expect(formatThreshold(0.275)).toBe('0.275');
    expect(thresholdsYaml({ answer: 0.42, clarify: 0.21 })).toBe('thresholds: { answer: 0.42, clarify: 0.21 }');
  });

  it('draws an SVG line chart with a legend, axes and both threshold markers', () => {
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(EVAL_SERIES.length);
    for (const [, points] of svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)) {
      const xy = points.split(' ');
      expect(xy).toHaveLength(101);
      for (const p of xy) expect(p).toMatch(/^\d+\.\d,\d+\.\d$/);
    }
    for (const s of EVAL_SERIES) expect(svg).toContain(`>${escapeHtml(s.label)}</text>`);
    for (const tick of ['0.0', '0.5', '1.0', '0%', '50%', '100%']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('answer threshold');
    expect(svg).toContain(`推荐 ${formatThreshold(sweep.recommended.thresholds.answer)}`);
    expect(svg).toContain(`当前 ${formatThreshold(sweep.current.thresholds.answer)}`);
    // Every coordinate stays inside the view box.
    const [, , w, h] = svg.match(/viewBox="([^"]+)"/)![1].split(' ').map(Number);
    for (const [, attr, v] of svg.matchAll(/\b(x|x1|x2|cx|y|y1|y2|cy)="(-?[\d.]+)"/g)) {
      expect(Number(v)).toBeGreaterThanOrEqual(0);
      expect(Number(v)).toBeLessThanOrEqual(attr.startsWith('x') || attr === 'cx' ? w : h);
    }
  });

  it('escapes text from cases and the KB', () => {
    expect(html).not.toContain(XSS);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; 怎么退货');
    const evil = renderEvalReport(sweep, { kb: '<img src=x onerror=alert(1)>', cases: ['"a&b".yaml'], date: '<b>now</b>', segmenter: "it's" });
    expect(evil).not.toContain('<img');
    expect(evil).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(evil).toContain('&quot;a&amp;b&quot;.yaml');
    expect(evil).toContain('&lt;b&gt;now&lt;/b&gt;');
    expect(evil).toContain('it&#39;s');
  });

  it('lists the worst cases in a table', () => {
    const table = html.slice(html.indexOf('<h2>最差的'), html.indexOf('<details>'));
    expect(table.match(/<tr>\n/g)).toHaveLength(20);
    for (const r of sweep.worst) expect(table).toContain(escapeHtml(r.question));
  });

  it('writes to a file', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kefu-eval-')), 'report.html');
    writeFileSync(file, html);
    expect(readFileSync(file, 'utf8')).toBe(html);
  });
});
