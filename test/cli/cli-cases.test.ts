// kefu test, eval, import and export, as users run them.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sampleKb, tempKb } from '../helpers';
import { kefu } from './kefu';

describe('kefu test', () => {
  it('gates on the cases and writes JUnit XML', () => {
    const dir = tempKb({ 'cases.yaml': 'cases:\n  - question: 我想退货怎么弄\n    expect: return-apply\n  - question: 讲个笑话\n    expect: fallback\n  - question: 转人工\n    expect: handoff\n    reason: explicit-request\n' });
    const junit = path.join(dir, 'junit.xml');
    const r = kefu(['test', sampleKb, '--cases', path.join(dir, 'cases.yaml'), '--junit', junit]);
    expect(r.stdout).toContain('3/3 cases passed');
    expect(r.code).toBe(0);
    expect(readFileSync(junit, 'utf8')).toContain('<testsuite name="kefu" tests="3" failures="0"');
  });

  it('exits 1 when a case fails, saying what happened instead', () => {
    const dir = tempKb({ 'cases.yaml': 'cases:\n  - question: 怎么退货\n    expect: invoice-apply\n' });
    const r = kefu(['test', sampleKb, '--cases', path.join(dir, 'cases.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('expected invoice-apply, got return-apply');
  });

  it('rejects a case naming an FAQ the KB does not have', () => {
    const dir = tempKb({ 'cases.yaml': 'cases:\n  - question: 怎么退货\n    expect: no-such-faq\n' });
    const r = kefu(['test', sampleKb, '--cases', path.join(dir, 'cases.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('expect "no-such-faq" is neither an FAQ id of this KB');
  });
});

describe('kefu test --baseline', () => {
  it('fails when accuracy drops below a saved run', () => {
    const dir = tempKb({ 'cases.yaml': 'cases:\n  - question: 怎么退货\n    expect: return-apply\n  - question: 怎么退货呀\n    expect: invoice-apply\n' });
    const cases = path.join(dir, 'cases.yaml');
    const saved = path.join(dir, 'baseline.json');
    writeFileSync(saved, JSON.stringify({ accuracy: 0.9 }));
    const r = kefu(['test', sampleKb, '--cases', cases, '--min-accuracy', '0.5', '--baseline', saved]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('baseline 0.900: accuracy dropped');
    const again = path.join(dir, 'now.json');
    expect(kefu(['test', sampleKb, '--cases', cases, '--min-accuracy', '0.5', '--save-baseline', again]).code).toBe(0);
    expect(kefu(['test', sampleKb, '--cases', cases, '--min-accuracy', '0.5', '--baseline', again]).code).toBe(0);
  });
});

describe('kefu eval', () => {
  it('writes a self-contained HTML report with the plot and a recommended setting', () => {
    const dir = tempKb({});
    const out = path.join(dir, 'eval.html');
    const r = kefu(['eval', sampleKb, '--cases', path.join(repoRoot, 'test/cases/paraphrase.yaml'), path.join(repoRoot, 'test/cases/out-of-scope.yaml'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/recommended answer 0\.\d+/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toMatch(/thresholds: \{ answer: 0\.\d+, clarify: 0\.\d+ \}/);
  });
});

describe('kefu import / export', () => {
  it('round-trips the sample KB through a spreadsheet and back into KB files', () => {
    const dir = tempKb({});
    for (const ext of ['csv', 'xlsx']) {
      const sheet = path.join(dir, `faqs.${ext}`);
      const exported = kefu(['export', sampleKb, '--out', sheet]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toMatch(/✓ \d+ FAQs →/);
      const out = path.join(dir, `kb-${ext}`);
      const imported = kefu(['import', sheet, '--out', out]);
      expect(imported.code, imported.stderr).toBe(0);
      // Spreadsheets hold FAQs only: the KB-wide settings file comes along as it is.
      writeFileSync(path.join(out, '_settings.yaml'), readFileSync(path.join(sampleKb, '_settings.yaml')));
      const a = kefu(['match', sampleKb], '怎么退货\n發票怎麼開\n运费\n');
      const b = kefu(['match', out], '怎么退货\n發票怎麼開\n运费\n');
      expect(b.stdout).toBe(a.stdout);
      expect(kefu(['import', sheet, '--out', out]).code).toBe(1);
    }
  });

  it('reports bad rows with their row number and writes nothing', () => {
    const dir = tempKb({ 'bad.csv': 'id,question,answer\nreturn,怎么退货,去订单页\nbroken,发票怎么开,\n' });
    const r = kefu(['import', path.join(dir, 'bad.csv'), '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv:3.*answer/);
    expect(r.stderr).toContain('nothing written');
  });
});
