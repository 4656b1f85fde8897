/**
 * The package as an app installs it: `npm pack` of this repository, installed into a fresh
 * app folder with `--omit=optional` (no nodejieba, no onnxruntime-node: what an app gets
 * when the C++ build fails or optional packages are left out). The app must get dist/, the
 * `kefu` command through npx, one clear notice per missing part, and answers.
 * The install reads npm's local cache first (`--prefer-offline`): `npm install` of this
 * repository already put every dependency there, so no network is needed.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers';

const HANG_GUARD = 600_000;

/** The environment of a user's shell: none of the npm_* settings of the npm running these tests (its .npmrc says yes=true). */
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'KEFU_SEGMENTER' && k !== 'KEFU_CACHE_DIR'));
env.NO_COLOR = '1';

function run(cmd: string, args: string[], options: SpawnSyncOptions & { input?: string } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env, timeout: HANG_GUARD, maxBuffer: 64 << 20, ...options });
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), error: r.error };
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim());

describe('the packed package in an app', () => {
  let tarball: string;
  let files: string[];
  let app: string;

  beforeAll(() => {
    // dist/ is fresh (`npm test` builds it first) and the browser tests build the widget's
    // vendor/ files; prepack's forced rebuild of both is for a fresh clone.
    if (!existsSync(path.join(repoRoot, 'examples/widget/vendor/kefu.widget.js'))) {
      const b = run(process.execPath, ['scripts/build-browser-bundle.mjs', '--quiet'], { cwd: repoRoot });
      expect(b.status, b.stderr).toBe(0);
    }
    const out = mkdtempSync(path.join(tmpdir(), 'kefu-pack-'));
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], { cwd: repoRoot });
    expect(pack.status, `npm pack failed:\n${pack.stderr}`).toBe(0);
    const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(out, info[0]!.filename);
    files = info[0]!.files.map((f) => f.path);

    app = mkdtempSync(path.join(tmpdir(), 'kefu-app-'));
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
    const install = run('npm', ['install', tarball, '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app });
    expect(install.status, `npm install of the tarball failed:\n${install.stdout}\n${install.stderr}`).toBe(0);
  }, HANG_GUARD);

  it('ships dist/ (library, CLI, types), the sample KB, the model and the widget; prepack builds', () => {
    for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/browser.js', 'dist/server.js', 'dist/redis.js', 'dist/cli/main.js', 'dist/cli/run.js', 'knowledge-base/_settings.yaml', 'schema/kb.schema.json', 'models/bge-small-zh-v1.5/model_quantized.onnx', 'examples/widget/kefu-widget.js', 'examples/widget/vendor/kefu.widget.js', 'examples/widget/vendor/kb-index.lite.json', 'src/server/console/agent.html']) {
      expect(files, `the tarball lacks ${f}`).toContain(f);
    }
    expect(files.filter((f) => /^(test|bench|scripts)\//.test(f) || (f.startsWith('src/') && !f.startsWith('src/server/console/')))).toEqual([]);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepack, 'npm pack from a fresh clone must build dist/ and the widget engine').toMatch(/build-if-stale\.mjs --force && node scripts\/build-browser-bundle\.mjs/);
    expect(existsSync(path.join(app, 'node_modules/nodejieba')), '--omit=optional left nodejieba out').toBe(false);
  });

  it('`npx kefu chat` answers, with one notice for nodejieba and one for onnxruntime-node on stderr', () => {
    const r = run('npx', ['--no-install', 'kefu', 'chat', 'node_modules/kefu/knowledge-base'], { cwd: app, input: '怎么退货\n' });
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout)).toHaveLength(1);
    expect(r.stdout).toMatch(/^机器人> .*申请售后.*\[return-apply 0\.\d+\]/);
    const notices = lines(r.stderr);
    expect(notices.filter((l) => /^kefu: nodejieba is not available \(the optional dependency nodejieba is not installed\); kefu segments Chinese with Intl\.Segmenter/.test(l)), r.stderr).toHaveLength(1);
    expect(notices.filter((l) => /^kefu: semantic matching is off, matching lexically: onnxruntime-node is not available/.test(l)), r.stderr).toHaveLength(1);
    expect(notices, 'nothing else on stderr').toHaveLength(2);
  });

  it('the API answers and says so once: a KEFU_NO_NODEJIEBA warning and bot.info().segmenterFallback', () => {
    writeFileSync(
      path.join(app, 'ask.mjs'),
      `import { createBot } from 'kefu';
const bot = await createBot({ knowledgeBase: 'node_modules/kefu/knowledge-base' });
const again = await createBot({ knowledgeBase: 'node_modules/kefu/knowledge-base' });
const r = await bot.ask('怎么退货', { sessionId: 'u1' });
console.log(JSON.stringify({ type: r.type, id: r.id, again: (await again.ask('多久发货', { sessionId: 'u2' })).type, fallback: bot.info().segmenterFallback }));
`,
    );
    const r = run(process.execPath, ['ask.mjs'], { cwd: app });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { type: string; id: string; again: string; fallback: string };
    expect(out).toMatchObject({ type: 'answer', id: 'return-apply', again: 'answer' });
    expect(out.fallback).toMatch(/nodejieba/);
    expect(r.stderr.match(/\[KEFU_NO_NODEJIEBA\]/g), r.stderr).toHaveLength(1);
  });

  it('with onnxruntime-node but without nodejieba: one notice, semantic matching on', () => {
    const ort = path.join(repoRoot, 'node_modules/onnxruntime-node');
    if (!existsSync(ort)) {
      if (process.env.CI === 'true') throw new Error('CI=true but onnxruntime-node is not installed in this repository');
      return;
    }
    if (!existsSync(path.join(app, 'node_modules/onnxruntime-node'))) symlinkSync(ort, path.join(app, 'node_modules/onnxruntime-node'), 'dir');
    const r = run('npx', ['--no-install', 'kefu', 'chat', 'node_modules/kefu/knowledge-base', '--debug'], { cwd: app, input: '怎么退货\n' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^机器人> .*\[return-apply 0\.\d+\]/m);
    expect(r.stderr.match(/nodejieba is not available/g), r.stderr).toHaveLength(1);
    // The index cached by the lexical runs above has no vectors: it is rebuilt with them, not reused.
    expect(r.stderr).toMatch(/kefu: semantic matching: onnxruntime-node \(bge-small-zh-v1\.5.*\), cosine weight [\d.]+ fitted on this KB/);
    expect(r.stderr).not.toMatch(/semantic matching is off/);
  });
});
