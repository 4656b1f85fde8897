// The CLI as users run it: npm start, match, validate, build, schema, usage errors (the other commands: cli-cases.test.ts, cli-chat.test.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, repoRoot, sampleKb, tempKb } from '../helpers';
import { kefu, userEnv } from './kefu';

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
    // --debug adds where the error came from, not the message and usage a second time.
    const d = kefu(['validate', sampleKb, '--nope', '--debug']);
    expect(d.code).toBe(2);
    expect(d.stderr.split("Unknown option '--nope'")).toHaveLength(2);
    expect(d.stderr.split('Usage: kefu validate')).toHaveLength(2);
    expect(d.stderr).toMatch(/\n {4}at /);
  });

  it('every command has --help with an example', () => {
    for (const cmd of ['chat', 'match', 'validate', 'test', 'eval', 'build', 'import', 'export', 'learn', 'schema', 'serve']) {
      const r = kefu([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(`Usage: kefu ${cmd}`);
    }
  });
});
