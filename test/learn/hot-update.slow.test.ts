/**
 * Hot updates at scale (slow: two 10,000-FAQ builds): adding a question costs a sliver of a
 * full build, and the consolidating rebuild leaves the event loop free. The sample-KB hot
 * update tests are in hot-update.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMatcher } from '../../src/index';
import { cpuMs, repoRoot } from '../helpers';

describe('hot update of a 10,000-FAQ index', () => {
  const evalDir = path.resolve(repoRoot, '../shared/eval/zh-afqmc-scale');
  const haveEval = existsSync(path.join(evalDir, 'kb.jsonl'));
  it.runIf(haveEval || process.env.CI === 'true')('updates a 10,000-FAQ index in under 5% of a full build, then consolidates without blocking the event loop', async () => {
    expect(haveEval, `${evalDir} is missing`).toBe(true);
    const read = (f: string) => readFileSync(path.join(evalDir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const faqs = read('kb.jsonl').map((f) => ({ ...f, answer: '-' }));
    await createMatcher({ faqs: faqs.slice(0, 50) }); // segmenter loaded outside the timings
    // The update-vs-build ratio in CPU time (a busy machine stretches wall time unevenly).
    const t0 = performance.now();
    const c0 = cpuMs();
    const matcher = await createMatcher({ faqs });
    const build = performance.now() - t0;
    const buildCpu = cpuMs() - c0;
    // The question is made up here (the set's sentences stay out of the repository).
    const learned = '花呗能不能用数字人民币还款';
    const c1 = cpuMs();
    matcher.addQuestions(faqs[0].id, [learned]);
    const update = cpuMs() - c1;
    expect(matcher.match(learned).id).toBe(faqs[0].id);

    // Consolidation: the longest the event loop waits while it runs, seen from a 5 ms timer.
    let last = performance.now();
    let longest = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    const t2 = performance.now();
    await matcher.consolidated();
    const consolidation = performance.now() - t2;
    clearInterval(tick);
    console.log(
      `[hot update] zh-afqmc-scale: full build ${build.toFixed(0)} ms (${buildCpu.toFixed(0)} ms CPU), adding a question ${update.toFixed(1)} ms CPU (${((update / buildCpu) * 100).toFixed(1)}%), ` +
        `consolidation ${consolidation.toFixed(0)} ms with the event loop blocked at most ${longest.toFixed(0)} ms at a time`,
    );
    expect(update).toBeLessThan(buildCpu * 0.05);
    expect(longest).toBeLessThan(build / 4); // a rebuild in one piece would block for about a full build

    const updated = faqs.map((f, i) => (i === 0 ? { ...f, similar: [...(f.similar ?? []), learned] } : f));
    const rebuilt = await createMatcher({ faqs: updated });
    const queries = (read('queries.jsonl') as { text: string }[]).filter((_, i) => i % 10 === 0).map((q) => q.text);
    const identical = [learned, ...queries].filter((q) => JSON.stringify(matcher.match(q)) === JSON.stringify(rebuilt.match(q))).length;
    expect(identical).toBe(queries.length + 1);
  });
});
