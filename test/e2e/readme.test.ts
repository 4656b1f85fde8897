/**
 * Doc tests: every fenced code block of README.md runs, against the built package, in a
 * temp app folder holding a copy of the sample KB and `node_modules/kefu` → this repo.
 * - ts/js: bundled-free (esbuild strips types) and run with node; names the README leaves
 *   to the host app (show, tickets, log…) are stand-ins. `console.log(…) // → text` lines
 *   must print exactly that text.
 * - sh: `$ cmd` lines run in a shell and their output (the lines below; … matches anything)
 *   must appear; other lines run when they are `kefu …`/`npx kefu …` commands.
 * - yaml: a KB file (`faqs:`) must pass `kefu validate`; test cases (`cases:`) must pass
 *   `kefu test` on the sample KB; a CI snippet's `npx kefu` steps must pass.
 * - Anything else, or a block that cannot run here, needs `<!-- doctest: skip (why) -->` on
 *   the line before its fence: an unmarked block nobody can run fails this test.
 * Also: every number in the README's Benchmark section appears in bench/RESULTS.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { cli, repoRoot, sampleKb } from '../helpers';

interface Block {
  lang: string;
  code: string;
  line: number;
  skip?: string;
}

export function readmeBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\S*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith(`${indent}${fence}`)) j++;
    const code = lines.slice(i + 1, j).map((l) => l.slice(indent.length)).join('\n');
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const skip = k >= 0 ? /<!--\s*doctest:\s*skip\s*\(?(.*?)\)?\s*-->/.exec(lines[k])?.[1] : undefined;
    blocks.push({ lang: lang.toLowerCase(), code, line: i + 1, skip: skip === undefined ? undefined : skip || 'no reason given' });
    i = j;
  }
  return blocks;
}

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const blocks = readmeBlocks(readme);

/** A fresh app folder: the sample KB, the test cases, and this repo as node_modules/kefu. */
function app(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-doc-'));
  cpSync(sampleKb, path.join(dir, 'knowledge-base'), { recursive: true });
  cpSync(path.join(repoRoot, 'test/cases'), path.join(dir, 'test/cases'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(repoRoot, path.join(dir, 'node_modules/kefu'), 'dir');
  return dir;
}

const KEFU_EXPORTS = Object.keys(createRequire(import.meta.url)(path.join(repoRoot, 'dist/index.cjs')) as object);

const env = { ...process.env, KEFU_CACHE_DIR: path.join(tmpdir(), 'kefu-doc-cache'), NO_COLOR: '1' };
const TIMEOUT = 300_000;

/** Host-app functions the README calls without defining them. */
const STAND_INS: Record<string, string> = {
  show: '(...a) => void a',
  offer: '(...a) => void a',
  tickets: '{ create: async (e) => void e }',
  agentUi: '{ relay: (...a) => void a }',
  alerting: '{ warn: (...a) => void a }',
  metrics: '{ count: (...a) => void a }',
  log: '{ warn: (...a) => void a, info: (...a) => void a }',
  alertManager: '(...a) => void a',
};

function runScript(block: Block) {
  const dir = app();
  const declared = (name: string) =>
    new RegExp(`\\b(?:const|let|var|function)\\s+${name}\\b`).test(block.code) || new RegExp(`^import\\s*\\{[^}]*\\b${name}\\b`, 'm').test(block.code);
  const prelude = Object.entries(STAND_INS)
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(block.code) && !declared(name))
    .map(([name, value]) => `const ${name} = ${value};`)
    .join('\n');
  // Imports first (kefu's own names the block uses without importing them, as a README
  // section continuing the one before does), then the stand-ins, then the rest.
  const missing = KEFU_EXPORTS.filter((name) => new RegExp(`\\b${name}\\b`).test(block.code) && !declared(name));
  const importLines = block.code.split('\n').filter((l) => /^import\s/.test(l));
  if (missing.length) importLines.unshift(`import { ${missing.join(', ')} } from 'kefu';`);
  const body = block.code.split('\n').filter((l) => !/^import\s/.test(l));
  const source = [...importLines, prelude, ...body].join('\n');
  const js = transformSync(source, { loader: block.lang.startsWith('t') ? 'ts' : 'js', format: 'esm', target: 'node20' }).code;
  const file = path.join(dir, `readme-${block.line}.mjs`);
  writeFileSync(file, js);
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', env, timeout: TIMEOUT });
  expect(r.status, `README.md:${block.line} (${block.lang}) exited ${r.status}\n${r.stderr}`).toBe(0);
  const expected = block.code
    .split('\n')
    .map((l) => /console\.log\(.*\/\/\s*→\s*(.+)$/.exec(l)?.[1].trim())
    .filter((x): x is string => x !== undefined);
  if (expected.length) expect(r.stdout.trim().split('\n').filter(Boolean), `README.md:${block.line}: what its console.log lines print`).toEqual(expected);
}

/** The CLI as `kefu` / `npx kefu` would run it in an app. */
function kefuArgs(command: string): string[] | undefined {
  const m = /^(?:npx\s+)?kefu\s+(.*)$/.exec(command.trim());
  if (!m) return undefined;
  return m[1].match(/'[^']*'|"[^"]*"|\S+/g)!.map((a) => a.replace(/^['"]|['"]$/g, ''));
}

function runKefu(dir: string, command: string, line: number, input?: string) {
  const args = kefuArgs(command)!;
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env, input, timeout: TIMEOUT });
  expect(r.status, `README.md:${line}: \`${command}\` exited ${r.status}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function runShell(block: Block) {
  const dir = app();
  const lines = block.code.replace(/\\\n\s*/g, ' ').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const prompt = /^\$\s+(.*)$/.exec(line);
    if (prompt) {
      const out: string[] = [];
      while (i + 1 < lines.length && !lines[i + 1].startsWith('$ ')) out.push(lines[++i]);
      // `npm start` belongs to this repository: run it here; other commands in the app folder.
      const cwd = /\bnpm (start|test|run)\b/.test(prompt[1]) ? repoRoot : dir;
      const stdout = execFileSync('sh', ['-c', prompt[1].replace(/(^|\|\s*)(npx )?kefu /g, `$1${process.execPath} ${cli} `)], { cwd, encoding: 'utf8', env, timeout: TIMEOUT });
      for (const expected of out.filter((l) => l.trim())) {
        const pieces = expected.split('…').map((p) => p.trim()).filter(Boolean);
        let at = 0;
        for (const p of pieces) {
          const found = stdout.indexOf(p, at);
          expect(found, `README.md:${block.line}: \`${prompt[1]}\` should print ${JSON.stringify(p)}; printed:\n${stdout}`).toBeGreaterThanOrEqual(0);
          at = found + p.length;
        }
      }
      continue;
    }
    const command = line.replace(/\s+#.*$/, '').trim();
    const piped = /^echo\s+(\S+)\s*\|\s*(.*)$/.exec(command);
    if (piped && kefuArgs(piped[2])) runKefu(dir, piped[2], block.line, `${piped[1]}\n`);
    else if (kefuArgs(command)) runKefu(dir, command, block.line);
  }
}

function runYaml(block: Block) {
  const dir = app();
  if (/^\s*faqs:/m.test(block.code)) {
    const kbDir = path.join(dir, 'example-kb');
    mkdirSync(kbDir);
    writeFileSync(path.join(kbDir, 'kb.yaml'), block.code);
    runKefu(dir, 'kefu validate example-kb', block.line);
  } else if (/^\s*cases:/m.test(block.code)) {
    writeFileSync(path.join(dir, 'cases.yaml'), block.code);
    runKefu(dir, 'kefu test knowledge-base --cases cases.yaml', block.line);
  } else if (/^\s*- run:/m.test(block.code)) {
    const steps = [...block.code.matchAll(/^\s*- run:\s*(.+)$/gm)].map((m) => m[1].trim()).filter((c) => kefuArgs(c));
    expect(steps.length, `README.md:${block.line}: a CI snippet without kefu steps`).toBeGreaterThan(0);
    for (const step of steps) runKefu(dir, step, block.line);
  } else {
    throw new Error(`README.md:${block.line}: a YAML block that is neither a KB, test cases nor a CI snippet; mark it <!-- doctest: skip (why) -->`);
  }
}

describe('README code blocks', () => {
  it('are found, and every one is runnable or marked with a reason', () => {
    expect(blocks.length).toBeGreaterThan(10);
    for (const b of blocks) {
      const runnable = ['ts', 'typescript', 'js', 'javascript', 'sh', 'bash', 'shell', 'yaml', 'yml'].includes(b.lang);
      expect(runnable || b.skip !== undefined, `README.md:${b.line}: a \`${b.lang || 'plain'}\` block cannot run: add <!-- doctest: skip (why) --> above it`).toBe(true);
    }
  });

  for (const b of blocks.filter((x) => x.skip === undefined)) {
    it(`README.md:${b.line} (${b.lang}) runs as written`, () => {
      if (['ts', 'typescript', 'js', 'javascript'].includes(b.lang)) runScript(b);
      else if (['sh', 'bash', 'shell'].includes(b.lang)) runShell(b);
      else runYaml(b);
    });
  }

  it('every number in the Benchmark section is in bench/RESULTS.md of the same commit', () => {
    const section = /^## Benchmark\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
    expect(section, 'README.md has a "## Benchmark" section').toBeDefined();
    const results = readFileSync(path.join(repoRoot, 'bench/RESULTS.md'), 'utf8').replace(/(\d),(\d{3})/g, '$1$2');
    const numbers = [...section!.replace(/`[^`]*`/g, '').matchAll(/(?<![\w.-])\d[\d,]*(?:\.\d+)?(?![\w-])/g)].map((m) => m[0].replace(/,/g, ''));
    expect(numbers.length).toBeGreaterThan(3);
    for (const n of numbers) expect(results, `README's Benchmark section quotes ${n}, which bench/RESULTS.md does not have`).toMatch(new RegExp(`(?<![\\d.])${n.replace('.', '\\.')}(?![\\d])`));
  });
});
