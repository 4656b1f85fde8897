import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoRoot, sampleKb, tempKb } from '../helpers';

// The CLI as users start it: without the huge-pages tunable the e2e group sets (vitest.config.ts),
// so its launcher restarts itself with it (src/cli/main.ts).
const { GLIBC_TUNABLES: _tunable, ...userEnv } = process.env;

function kefu(args: string[], input?: string, env: NodeJS.ProcessEnv = userEnv) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', cwd: repoRoot, env, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm start', () => {
  it('answers piped questions from the bundled KB and exits', () => {
    const r = spawnSync('npm', ['start', '--silent'], { input: '怎么退货\n', encoding: 'utf8', cwd: repoRoot, env: userEnv, timeout: 300_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('申请售后');
    // Only the bot's reply on stdout: no build log, no npm banner (a build, if any, says one line on stderr).
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('kefu match', () => {
  it('writes one JSON line per input line, in order, empty lines included', () => {
    const r = kefu(['match', sampleKb], '怎么退货\n\n今天天气怎么样\n發票怎麼開\n');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.text)).toEqual(['怎么退货', '', '今天天气怎么样', '發票怎麼開']);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(['text', 'type', 'id', 'confidence', 'candidates']);
      expect(l.confidence).toBeGreaterThanOrEqual(0);
      expect(l.confidence).toBeLessThanOrEqual(1);
      for (const c of l.candidates) expect(Object.keys(c)).toEqual(['id', 'confidence']);
    }
    expect(lines[0]).toMatchObject({ type: 'answer', id: 'return-apply' });
    expect(lines[1]).toMatchObject({ type: 'fallback', id: null, candidates: [] });
    expect(lines[2].type).toBe('fallback');
    expect(lines[3]).toMatchObject({ type: 'answer', id: 'invoice-apply' });
  });

  it('exits 1 with the problems on stderr and nothing on stdout when the KB is invalid', () => {
    const dir = tempKb({ 'kb.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n' });
    const r = kefu(['match', dir], '怎么退货\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('kb.yaml:2 faq "a" (faqs[0].answer): missing required field "answer"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('kefu validate', () => {
  it('exits 0 on the sample KB', () => {
    const r = kefu(['validate', sampleKb]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ \d+ files, \d+ FAQs: 0 errors, 0 warnings/);
  });

  it('exits 1 and prints one line per problem with file, line, id and field', () => {
    const dir = tempKb({ 'a.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    answer: x\n', 'b.yaml': 'faqs:\n  - id: a\n    question: 怎么换货\n    answer: y\n' });
    const r = kefu(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${path.join(dir, 'b.yaml')}:2 faq "a" (faqs[0].id): id "a" is already used at`);
  });

  it('passes warnings unless --strict, and speaks JSON with --format json', () => {
    const dir = tempKb({ 'a.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    similar: [怎么退货?]\n    answer: x\n' });
    expect(kefu(['validate', dir]).code).toBe(0);
    expect(kefu(['validate', dir, '--strict']).code).toBe(1);
    const json = JSON.parse(kefu(['validate', dir, '--format', 'json']).stdout);
    expect(json).toMatchObject({ valid: true, faqs: 1, errors: 0, warnings: 1 });
  });
});

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

describe('kefu chat', () => {
  it('answers piped lines as one conversation; --json prints reply objects', () => {
    const r = kefu(['chat', sampleKb, '--json'], '你好\n怎么退货\n转人工\n');
    expect(r.code).toBe(0);
    const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(replies.map((x) => x.type)).toEqual(['small-talk', 'answer', 'handoff']);
    expect(replies[2].reason).toBe('explicit-request');
    expect(replies[0].text).toContain('示例商城');
  });
});

describe('kefu chat commands and handoff', () => {
  it('never swallows a message after a handoff; /agent plays the human, /bot hands back, /reset and /help work', () => {
    const r = kefu(['chat', sampleKb], '转人工\nhelp\n/agent\n您好，我是客服小王\n/bot\n怎么退货\n/reset\n/agent\n/foo\n/help\n');
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toContain('[handoff: explicit-request, normal]');
    expect(out).toMatch(/正在等待客服接入.*\/agent/); // 'help' typed while waiting: answered with what happens and how to go on
    expect(out).toContain('客服> 您好，我是客服小王');
    expect(out).toContain('人工客服已结束服务');
    expect(out).toContain('[return-apply');
    expect(out).toContain('（新对话）');
    expect(out).toContain('/agent 在机器人转人工之后可用');
    expect(out).toContain('未知命令 /foo');
    expect(out).toContain('/reset   start a new conversation');
    expect(out).not.toMatch(/\x1b\[/); // no colour when not on a terminal
  });
});

describe('kefu build', () => {
  it('writes an index that kefu match loads with identical answers', () => {
    const dir = tempKb({});
    const out = path.join(dir, 'index.json');
    // Built and embedded cold (no index cache, not the e2e run's shared vector cache, see
    // vitest.config.ts); the match against the sample KB below may reuse both, so this also
    // checks that reused vectors answer as freshly embedded ones.
    const { KEFU_VECTOR_CACHE: _shared, ...cold } = userEnv;
    expect(kefu(['build', sampleKb, '--out', out, '--no-cache'], undefined, cold).code).toBe(0);
    const questions = '怎么退货\n發票怎麼開\nfapiao zenme kai\n讲个笑话\n';
    expect(kefu(['match', out], questions).stdout).toBe(kefu(['match', sampleKb], questions).stdout);
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

describe('examples/handoff.mjs', () => {
  it('plays a whole conversation with a handoff, an agent reply and a handback', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'examples/handoff.mjs')], { encoding: 'utf8', cwd: repoRoot, timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('[queue] u-42 needs a human: negative-emotion');
    expect(r.stdout).toContain('（机器人保持安静，消息已转给人工）');
    expect(r.stdout).toContain('[handback] u-42');
  });
});

describe('kefu learn', () => {
  it('chat --learn records what the bot could not answer, redacted and grouped; learn list/ignore review it', () => {
    const dir = tempKb({});
    const queue = path.join(dir, 'queue.jsonl');
    // two questions the sample KB does not cover (it has no jobs page), one with a phone number
    expect(kefu(['chat', sampleKb, '--learn', queue], '你们店招兼职吗\n兼职还招人吗，我电话13812345678\n').code).toBe(0);
    const list = kefu(['learn', 'list', sampleKb, '--learn', queue]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/×2 {2}(你们店招兼职吗|兼职还招人吗，我电话【手机号】)/);
    expect(readFileSync(queue, 'utf8')).not.toContain('13812345678');
    const id = JSON.parse(kefu(['learn', 'list', sampleKb, '--learn', queue, '--format', 'json']).stdout)[0].id;
    expect(kefu(['learn', 'ignore', sampleKb, id, '--learn', queue]).code).toBe(0);
    expect(kefu(['learn', 'list', sampleKb, '--learn', queue]).stdout).toContain('0 open groups');
    expect(kefu(['learn', 'frob', sampleKb, '--learn', queue]).code).toBe(2);
  });

  it('npm start writes nothing: no queue unless --learn is given', () => {
    const before = spawnSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).stdout;
    kefu(['chat', sampleKb], '今天天气怎么样\n');
    expect(spawnSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).stdout).toBe(before);
  });
});

describe('kefu schema', () => {
  it('prints the JSON Schema that is committed as schema/kb.schema.json', () => {
    const r = kefu(['schema']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(path.join(repoRoot, 'schema/kb.schema.json'), 'utf8')));
  });
});

describe('usage errors', () => {
  it('exit 2 with help for unknown commands, options and missing arguments', () => {
    expect(kefu(['frobnicate']).code).toBe(2);
    expect(kefu(['match']).code).toBe(2);
    const r = kefu(['validate', sampleKb, '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--nope'");
  });

  it('every command has --help with an example', () => {
    for (const cmd of ['chat', 'match', 'validate', 'test', 'eval', 'build', 'import', 'export', 'learn', 'schema', 'serve']) {
      const r = kefu([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(`Usage: kefu ${cmd}`);
    }
  });
});
