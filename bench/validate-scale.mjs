// `kefu validate` on one FAQ with many similar questions (default 100,000), the case where
// the near-duplicate lint used to compare all pairs. The questions are generated here from
// a few word lists (nothing read from ../shared). Run after `npm run build`:
//   node bench/validate-scale.mjs [--questions 100000] [--keep]
// Prints the CPU and wall time of `kefu validate` with and without lint (no build cache).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './lib/data.mjs';

/** `n` distinct questions about one thing, each from a prefix, an item, an action and an ending. */
export function similarQuestions(n) {
  const prefixes = ['', '请问', '你好', '问下', '亲', '麻烦问下', '想问', '客服', '在吗', '哈喽'];
  const items = ['这件衣服', '这双鞋', '我买的手机', '那个耳机', '这个包', '这条裤子', '刚收到的外套', '这台电脑', '这个杯子', '买的床单', '这副眼镜', '那本书', '这块手表', '这个充电器', '这盒茶叶', '那件毛衣', '这个背包', '这个台灯', '这把伞', '这顶帽子'];
  const actions = ['怎么退货', '可以退吗', '能不能退款', '怎么申请退货', '退货流程是什么', '七天内能退吗', '退货要运费吗', '拆了还能退吗', '怎么寄回去', '退款多久到账', '可以换货吗', '怎么换一个', '坏了能退吗', '不喜欢能退吗', '尺码不对能退吗', '退货地址在哪', '退货怎么填单号', '能上门取件吗', '退了钱退到哪', '没有发票能退吗', '过了七天还能退吗', '用过了能退吗', '包装丢了能退吗', '退货需要审核吗', '多久能处理退货'];
  const endings = ['', '呢', '啊', '呀', '吧', '哦', '嘛', '哈', '啦', '诶'];
  const out = [];
  for (let i = 0; out.length < n; i++) {
    const p = prefixes[i % prefixes.length];
    const it = items[Math.floor(i / prefixes.length) % items.length];
    const a = actions[Math.floor(i / (prefixes.length * items.length)) % actions.length];
    const e = endings[Math.floor(i / (prefixes.length * items.length * actions.length)) % endings.length];
    const round = Math.floor(i / (prefixes.length * items.length * actions.length * endings.length));
    out.push(`${p}${it}${a}${e}${round ? ` ${round}` : ''}`);
  }
  return out;
}

/** A KB folder with one FAQ holding `n` similar questions; returns its path. */
export function writeScaleKb(n, dir = mkdtempSync(path.join(tmpdir(), 'kefu-validate-scale-'))) {
  // Plain scalars, little indentation: the file stays under the 5 MB limit at 100,000.
  const lines = ['faqs:', '- id: return-apply', '  question: 怎么退货', '  answer: 在订单页申请退货。', '  similar:'];
  for (const q of similarQuestions(n)) lines.push(`  - ${q}`);
  writeFileSync(path.join(dir, 'returns.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { questions: { type: 'string', default: '100000' }, keep: { type: 'boolean' } } });
  const dir = writeScaleKb(Number(values.questions));
  const cli = path.join(repoRoot, 'dist/cli/main.js');
  // CPU time (user + system) from /usr/bin/time when present: wall time says little on a shared machine.
  const timed = existsSync('/usr/bin/time');
  for (const extra of [['--no-lint'], []]) {
    const args = [cli, 'validate', dir, '--no-cache', ...extra];
    const t0 = performance.now();
    const r = spawnSync(timed ? '/usr/bin/time' : process.execPath, timed ? ['-f', '%U %S %M', process.execPath, ...args] : args, { encoding: 'utf8', maxBuffer: 1 << 28 });
    const s = (performance.now() - t0) / 1000;
    const summary = r.stdout.trim().split('\n').at(-1);
    let stderr = r.stderr;
    let cpu = '';
    if (timed) {
      const lines = stderr.trimEnd().split('\n');
      const [user, sys, rss] = lines.pop().split(' ').map(Number);
      stderr = lines.join('\n');
      cpu = `CPU ${(user + sys).toFixed(1)} s, peak RSS ${Math.round(rss / 1024)} MB, `;
    }
    console.log(`kefu validate ${extra.join(' ') || '(with lint)'}: ${cpu}wall ${s.toFixed(1)} s, exit ${r.status}: ${summary}${stderr ? `\n${stderr}` : ''}`);
  }
  if (values.keep) console.log(`KB kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
