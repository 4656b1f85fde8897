// `kefu match` on the 100,000 FAQs of ../shared/eval/zh-scale-100k as one process: start,
// load the KB files, build, match its 3,243 questions from stdin. The KB is written at run
// time to a temporary folder as 20 YAML files of ~5,000 FAQs (nothing is copied into the
// repository). Run after `npm run build`:
//   node bench/match-scale.mjs [--files 20] [--semantic] [--cache] [--keep]
// Lexical (--no-semantic) and without the build cache (--no-cache) unless asked: a cold run.
// Prints CPU time (user + system, from /usr/bin/time when present), wall time, peak RSS and top-1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSet, repoRoot } from './lib/data.mjs';

const { values } = parseArgs({ options: { files: { type: 'string', default: '20' }, semantic: { type: 'boolean' }, cache: { type: 'boolean' }, keep: { type: 'boolean' } } });
const set = loadSet('zh-scale-100k');
const dir = mkdtempSync(path.join(tmpdir(), 'kefu-match-scale-'));
const files = Number(values.files);
const per = Math.ceil(set.kb.length / files);
for (let k = 0; k < files; k++) {
  const lines = ['faqs:'];
  for (const e of set.kb.slice(k * per, (k + 1) * per)) {
    lines.push(`- id: ${JSON.stringify(e.id)}`, `  question: ${JSON.stringify(e.question)}`, '  answer: "…"');
    if (e.similar.length) lines.push('  similar:', ...e.similar.map((s) => `  - ${JSON.stringify(s)}`));
  }
  writeFileSync(path.join(dir, `part-${String(k).padStart(2, '0')}.yaml`), `${lines.join('\n')}\n`);
}
const cli = path.join(repoRoot, 'dist/cli/main.js');
const args = [cli, 'match', dir, ...(values.semantic ? [] : ['--no-semantic']), ...(values.cache ? [] : ['--no-cache'])];
const timed = existsSync('/usr/bin/time');
const t0 = performance.now();
const r = spawnSync(timed ? '/usr/bin/time' : process.execPath, timed ? ['-f', '%U %S %M', process.execPath, ...args] : args, {
  input: `${set.queries.map((q) => q.text.replace(/\n/g, ' ')).join('\n')}\n`,
  encoding: 'utf8',
  maxBuffer: 1 << 28,
});
const wall = (performance.now() - t0) / 1000;
const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
let right = 0;
let inScope = 0;
set.queries.forEach((q, i) => {
  if (q.expected === null) return;
  inScope++;
  if (out[i]?.id === q.expected) right++;
});
const usage = timed ? r.stderr.trim().split('\n').at(-1).split(' ').map(Number) : null;
const cpu = usage ? `CPU ${(usage[0] + usage[1]).toFixed(1)} s (user ${usage[0]}, sys ${usage[1]}), peak RSS ${Math.round(usage[2] / 1024)} MB, ` : '';
console.log(`kefu match ${args.slice(2).join(' ').replace(dir, '<100k KB>')}: ${cpu}wall ${wall.toFixed(1)} s, exit ${r.status}, ${out.length} lines, top-1 ${(right / inScope).toFixed(4)}`);
if (r.status !== 0) console.log(r.stderr);
if (values.keep) console.log(`KB kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
