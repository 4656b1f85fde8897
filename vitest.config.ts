import { tmpdir } from 'node:os';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

// Two groups: `fast` (in-process tests; `npm run test:fast`: ~60 s of CPU)
// and `e2e` (real processes: the CLI, Chromium, redis-server, worker processes, a real socket's timeouts, the
// benchmark smoke run, the README's code blocks; and in-process tests slow by nature, such as
// 10,000-FAQ builds). A test that spawns a process goes in test/e2e/, test/cli/ or a file
// named *.e2e.test.ts beside the behaviour it checks; a slow in-process one in *.slow.test.ts.
// Timeouts only catch hangs: on a busy 2-core machine a CLI spawn that takes 3 s alone can
// take 30 s, so no test depends on a tighter wall-clock budget than its work needs.
const E2E = ['test/e2e/**/*.test.ts', 'test/**/*.e2e.test.ts', 'test/**/*.slow.test.ts', 'test/cli/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/redis/**/*.test.ts', 'test/bench-smoke.test.ts', 'test/learn/write-back.test.ts'];

// The fast tests share their worker processes (isolate: false): what each fresh process would
// load again — nodejieba's dictionary (1.5-3.5 s CPU), the embedding model (0.7 s), the module
// graph, the vectors of the sample KB's questions (kept per embedder) — is loaded once per
// worker instead of once per file (37 files: 344 → 184 s CPU). Files that check what happens
// once per process (a warning given once, the first parse of a table) get a process of their own.
const OWN_PROCESS = ['test/embed/embedder.test.ts', 'test/text/pinyin.test.ts'];

// e2e files that build bots and matchers in their own process (besides any they start) share
// worker processes too: each fresh one would load nodejieba's dictionary, the model and the
// module graph again (~3 s CPU a file). They restore what they change in process.env.
const E2E_SHARED = ['test/learn/hot-update.slow.test.ts', 'test/learn/write-back.test.ts', 'test/hostile/round-trip.e2e.test.ts', 'test/match/ablation.slow.test.ts', 'test/cli/eval-report.test.ts', 'test/server/api.e2e.test.ts', 'test/redis/redis.test.ts', 'test/browser/serve.test.ts', 'test/browser/widget.test.ts'];

// nodejieba builds its dictionary from millions of small allocations; glibc backs malloc with
// huge pages when a process starts with this tunable, halving that load (as the CLI's launcher
// does, src/cli/main.ts). Set for both groups' workers, and so for the processes the e2e tests
// start (README scripts, bot workers); test/cli/kefu.ts clears it for the CLI the CLI tests run, so
// the launcher's restart is exercised as users get it.
const HUGE_PAGES = process.platform === 'linux' && !process.env.GLIBC_TUNABLES ? { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } : {};

// The e2e group's processes share one vector cache (test/global-setup.ts): each process that
// builds the sample KB would otherwise embed its ~500 questions again (~1.5 s CPU each).
export const E2E_VECTOR_CACHE = path.join(tmpdir(), `kefu-test-vectors-${process.pid}`, 'vectors.bin');

// `npm test` runs both groups at once, three files at a time: many e2e files mostly wait (on the
// processes they start, on Chromium, on the chaos test's paced load and Redis outages), and the
// other files fill those waits. Vitest starts the files that took longest last time first; on a
// fresh clone (no record) these, which mostly wait, go first so that their waits overlap the rest.
const START_FIRST = ['test/redis/chaos.test.ts', 'test/learn/hot-update.slow.test.ts', 'test/browser/serve.test.ts', 'test/e2e/readme.test.ts', 'test/cli/cli-chat.test.ts', 'test/learn/write-back.test.ts'];
const WORKERS = 3;

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => START_FIRST.findIndex((p) => f.moduleId.endsWith(p));
    const first = sorted.filter((f) => rank(f) >= 0).sort((a, b) => rank(a) - rank(b));
    return [...first, ...sorted.filter((f) => rank(f) < 0)];
  }
}

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    sequence: { sequencer: LongFirst },
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: [...E2E, ...OWN_PROCESS], isolate: false, maxWorkers: WORKERS, env: HUGE_PAGES, testTimeout: 180_000, hookTimeout: 180_000 },
      },
      {
        extends: true,
        test: { name: 'fast-own-process', include: OWN_PROCESS, maxWorkers: WORKERS, env: HUGE_PAGES, testTimeout: 180_000, hookTimeout: 180_000 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: E2E, exclude: E2E_SHARED, maxWorkers: WORKERS, env: { ...HUGE_PAGES, KEFU_VECTOR_CACHE: E2E_VECTOR_CACHE }, testTimeout: 600_000, hookTimeout: 600_000 },
      },
      {
        extends: true,
        test: { name: 'e2e-shared', include: E2E_SHARED, isolate: false, maxWorkers: WORKERS, env: { ...HUGE_PAGES, KEFU_VECTOR_CACHE: E2E_VECTOR_CACHE }, testTimeout: 600_000, hookTimeout: 600_000 },
      },
    ],
  },
});
