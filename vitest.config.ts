import { defineConfig } from 'vitest/config';

// Two groups: `fast` (in-process tests; `npm run test:fast`, under a minute) and `e2e` (real
// processes, the CLI, Chromium, redis-server, the benchmark smoke run, the README's code
// blocks). New end-to-end tests go in test/e2e/ or are named *.e2e.test.ts.
// Timeouts only catch hangs: on a busy 2-core machine a CLI spawn that takes 3 s alone can
// take 30 s, so no test depends on a tighter wall-clock budget than its work needs.
const E2E = ['test/e2e/**/*.test.ts', 'test/**/*.e2e.test.ts', 'test/cli/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/redis/**/*.test.ts', 'test/bench-smoke.test.ts', 'test/learn/write-back.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: E2E, testTimeout: 180_000, hookTimeout: 180_000 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: E2E, testTimeout: 600_000, hookTimeout: 600_000 },
      },
    ],
  },
});
