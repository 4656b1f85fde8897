/** The CLI as users start it, for the tests in test/cli/. */
import { spawnSync } from 'node:child_process';
import { cli, repoRoot } from '../helpers';

// Without the huge-pages tunable the e2e group sets (vitest.config.ts), so its launcher
// restarts itself with it (src/cli/main.ts), as it does for users.
export const { GLIBC_TUNABLES: _tunable, ...userEnv } = process.env;

export function kefu(args: string[], input?: string, env: NodeJS.ProcessEnv = userEnv) {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', cwd: repoRoot, env, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
