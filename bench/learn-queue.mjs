// Captures into a JSON Lines learning queue: how a capture's cost grows with the queue.
// Distinct made-up questions (eight random common characters, so none group together) are
// captured one after another by a KefuLearner on a two-FAQ KB; prints wall and CPU time per
// block of captures, so a queue whose cost grows with its length shows it. Run after
// `npm run build`:
//   node bench/learn-queue.mjs [--captures 3000] [--block 1000] [--dist dist]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lib/data.mjs';

const { values } = parseArgs({ options: { captures: { type: 'string', default: '3000' }, block: { type: 'string', default: '1000' }, dist: { type: 'string', default: 'dist' } } });
const { createMatcher, KefuLearner, JsonlLearningStore, knowledgeBaseFromObject } = await import(pathToFileURL(path.resolve(repoRoot, values.dist, 'index.js')).href);
const kb = knowledgeBaseFromObject({ faqs: [{ id: 'pay', question: '怎么付款', answer: '支持微信和支付宝。' }, { id: 'ship', question: '多久发货', answer: '48小时内发货。' }] });
const matcher = await createMatcher(kb, { segmenter: 'intl', semantic: false });
const dir = mkdtempSync(path.join(tmpdir(), 'kefu-learn-queue-'));
const file = path.join(dir, 'queue.jsonl');
const learner = new KefuLearner(matcher, { store: new JsonlLearningStore(file) });
let x = 12345;
const question = () => {
  let s = '';
  for (let k = 0; k < 8; k++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    s += String.fromCharCode(0x4e00 + (x % 0x51a5));
  }
  return s;
};
const total = Number(values.captures);
const block = Number(values.block);
for (let done = 0; done < total; ) {
  const t = performance.now();
  const c = process.cpuUsage();
  const n = Math.min(block, total - done);
  for (let i = 0; i < n; i++) await learner.capture({ text: question(), reason: 'fallback' });
  const cpu = process.cpuUsage(c);
  done += n;
  console.log(`captures ${done - n + 1}-${done}: ${(performance.now() - t).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU (${((performance.now() - t) / n).toFixed(2)} ms a capture)`);
}
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
console.log(`${(await learner.list()).length} groups, ${lines} lines in the queue file (${values.dist})`);
rmSync(dir, { recursive: true, force: true });
