// One OS process capturing into a shared JSONL learning queue (test/hostile/shared-queue.e2e.test.ts).
// argv: dist entry, kb dir, queue file, worker index, captures, every-nth shared
const [entry, kb, file, w, n, every] = process.argv.slice(2);
const { createMatcher, KefuLearner, JsonlLearningStore } = await import(entry);
const matcher = await createMatcher(kb, { segmenter: 'intl' });
const learner = new KefuLearner(matcher, { store: new JsonlLearningStore(file) });
export function question(worker, i) {
  // Eight pseudo-random common CJK characters: distinct questions that never group together.
  let x = (worker * 1_000_003 + i * 7919 + 12345) >>> 0;
  let s = '';
  for (let k = 0; k < 8; k++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    s += String.fromCharCode(0x4e00 + (x % 0x51a5));
  }
  return s;
}
process.stdout.write('ready\n');
for (let i = 0; i < Number(n); i++) {
  await learner.capture({ text: question(Number(w), i), reason: 'fallback', channel: `w${w}` });
  if (i % Number(every) === 0) await learner.capture({ text: '可以用数字人民币付款吗', reason: 'fallback', channel: `w${w}` });
}
process.stdout.write('done\n');
