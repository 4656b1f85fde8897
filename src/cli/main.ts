/**
 * The `kefu` command's launcher (the package's bin); the command itself is ./run.ts.
 *
 * Why a launcher: on Linux, most of a short `kefu chat`/`match`/`test` is nodejieba building
 * its dictionary (two tries of ~350k words, millions of small allocations), and most of that
 * is TLB misses. glibc ≥ 2.35 backs malloc with transparent huge pages when the process starts
 * with GLIBC_TUNABLES=glibc.malloc.hugetlb=1, which halves it: `echo 怎么退货 | kefu chat
 * knowledge-base` with a cached index, 4.6 → 2.4 s CPU on the 2-core reference machine (the
 * dictionary alone 3.3 → 1.5 s). glibc reads the tunable only at process start, so the
 * launcher starts the command once more with it set (one extra Node start, ~0.1 s CPU) when
 * nodejieba is installed, the kernel allows huge pages and the tunable is not set yet.
 * KEFU_HUGEPAGES=0 turns this off.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const TUNABLE = 'glibc.malloc.hugetlb=1';
const SEGMENTING = new Set(['chat', 'match', 'validate', 'test', 'eval', 'build', 'learn', 'serve']);

function worthRestarting(argv: string[]): boolean {
  const env = process.env;
  if (process.platform !== 'linux' || env.KEFU_HUGEPAGES === '0' || env.GLIBC_TUNABLES?.includes('glibc.malloc.hugetlb')) return false;
  // Only commands that segment text; import, export, schema and help never load nodejieba, and
  // a restart would cost them a Node start and inflate their peak RSS (huge pages, 2 MB each).
  const [name] = argv;
  if (!name || !SEGMENTING.has(name) || argv.includes('--help') || argv.includes('-h')) return false;
  if (env.KEFU_SEGMENTER === 'intl' || argv.some((a, i) => a === '--segmenter=intl' || (a === '--segmenter' && argv[i + 1] === 'intl'))) return false;
  try {
    if (/\[never\]/.test(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))) return false;
    const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
    const [major = 0, minor = 0] = (glibc ?? '0.0').split('.').map(Number);
    if (major < 2 || (major === 2 && minor < 35)) return false; // musl, or a glibc without the tunable
    const pkg = createRequire(import.meta.url).resolve('nodejieba/package.json');
    return existsSync(pkg.replace(/package\.json$/, 'build/Release/nodejieba.node'));
  } catch {
    return false; // no nodejieba (the Intl.Segmenter fallback allocates little), or no /sys
  }
}

/**
 * Run the command in a child with the tunable set and mirror it: same stdio, exit code and
 * fatal signal. Signals sent to the launcher alone (`kill <pid>`) are passed on; a launcher
 * killed outright closes the IPC channel, and the child (./run.ts) then exits too.
 */
function restart(argv: string[]): void {
  const env = { ...process.env, GLIBC_TUNABLES: [process.env.GLIBC_TUNABLES, TUNABLE].filter(Boolean).join(':'), KEFU_LAUNCHER: '1' };
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...argv], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // Ctrl-C on a terminal reaches the whole process group, the child included: not twice.
      if (signal === 'SIGINT' && process.stdin.isTTY) return;
      child.kill(signal);
    });
  }
  child.on('error', (err) => {
    console.error(`kefu: cannot start: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
}

const argv = process.argv.slice(2);
if (worthRestarting(argv)) restart(argv);
else await import('./run.js');
