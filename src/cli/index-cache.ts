/**
 * The CLI's build cache: building the index (calibration included) is most of a cold
 * `kefu chat`/`match`/`test`/`validate`, and the KB rarely changed since the last call. The
 * built index (and `validate`'s lint warnings) are kept under a key made of the KB files'
 * names and bytes, the kefu code that built them and the segmenter that will read them; a changed
 * file, a rebuilt kefu or a nodejieba that now builds (or no longer does) misses the cache.
 * Loading a saved index gives the same answers as building (`matcher.toJSON()` contract).
 *
 * Where: `node_modules/.cache/kefu/` of the nearest node_modules above the current folder
 * (the convention of babel, eslint…), else the OS temp folder; KEFU_CACHE_DIR overrides,
 * KEFU_CACHE=0 (or `--no-cache`) turns it off. At most MAX_ENTRIES KBs are kept.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KefuProblem } from '../errors.js';
import { listKbFiles } from '../node/load-kb.js';

const MAX_ENTRIES = 12;

export interface IndexCache {
  /** The saved index (`matcher.toJSON()`), or undefined on a miss. */
  readIndex(): Promise<unknown | undefined>;
  writeIndex(index: unknown): Promise<void>;
  readLint(): Promise<KefuProblem[] | undefined>;
  writeLint(problems: KefuProblem[]): Promise<void>;
}

/** The cache entry for a KB path and segmenter choice; undefined when caching is off or the KB cannot be read. */
export async function openIndexCache(kbPath: string, segmenterChoice: string, enabled = true): Promise<IndexCache | undefined> {
  if (!enabled || /^(0|false|off|no)$/i.test(process.env.KEFU_CACHE ?? '')) return undefined;
  const key = await cacheKey(kbPath, segmenterChoice).catch(() => undefined);
  if (!key) return undefined;
  const dir = path.join(cacheDir(), key);
  const read = async (name: string) => {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    await utimes(dir, new Date(), new Date()).catch(() => {}); // recently used: kept by the pruning
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined; // a torn or foreign file: rebuild
    }
  };
  const write = async (name: string, value: unknown) => {
    try {
      await mkdir(dir, { recursive: true });
      const tmp = path.join(dir, `${name}.${process.pid}.tmp`);
      await writeFile(tmp, JSON.stringify(value));
      await rename(tmp, path.join(dir, name)); // readers in other processes see the old file or the new one
      await prune(path.dirname(dir));
    } catch {
      // A cache that cannot be written (read-only folder, full disk) only costs time.
    }
  };
  return {
    readIndex: () => read('index.json'),
    writeIndex: (index) => write('index.json', index),
    readLint: () => read('lint.json') as Promise<KefuProblem[] | undefined>,
    writeLint: (problems) => write('lint.json', problems),
  };
}

export function cacheDir(): string {
  if (process.env.KEFU_CACHE_DIR) return path.resolve(process.env.KEFU_CACHE_DIR);
  for (let d = process.cwd(); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules'))) return path.join(d, 'node_modules', '.cache', 'kefu');
    if (path.dirname(d) === d) break;
  }
  return path.join(os.tmpdir(), `kefu-cache-${os.userInfo().uid}`);
}

async function cacheKey(kbPath: string, segmenterChoice: string): Promise<string> {
  const h = createHash('sha256');
  h.update(`kefu-cache 1\0${codeIdentity()}\0${segmenterChoice}\0${process.env.KEFU_SEGMENTER ?? ''}\0${jiebaIdentity()}\0`);
  const info = await stat(kbPath);
  const files = info.isDirectory() ? await listKbFiles(kbPath) : [kbPath];
  // File names relative to the KB, not where it lives: a built index holds no file locations,
  // so a copy of the KB elsewhere (another checkout, a CI workspace, an app's node_modules)
  // reuses it. What does hold locations (validate's lint) puts the KB's path in `segmenterChoice`.
  const root = info.isDirectory() ? kbPath : path.dirname(kbPath);
  for (const f of files) h.update(`${path.relative(root, f)}\0`).update(await readFile(f)).update('\0');
  return h.digest('hex').slice(0, 32);
}

let code: string | undefined;
/** The bytes of the running kefu code: a rebuilt kefu never reads an index of the previous one. */
function codeIdentity(): string {
  code ??= createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex');
  return code;
}

/** nodejieba's version and native binary, without loading it (that is the slow part). */
function jiebaIdentity(): string {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('nodejieba/package.json');
    const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
    const binary = path.join(path.dirname(pkg), 'build', 'Release', 'nodejieba.node');
    const s = existsSync(binary) ? statSync(binary) : undefined;
    return `${version}:${s ? `${s.size}:${s.mtimeMs}` : 'no-binary'}`;
  } catch {
    return 'none';
  }
}

async function prune(root: string): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true });
  const dirs = await Promise.all(entries.filter((e) => e.isDirectory()).map(async (e) => ({ p: path.join(root, e.name), t: (await stat(path.join(root, e.name))).mtimeMs })));
  dirs.sort((a, b) => b.t - a.t);
  for (const d of dirs.slice(MAX_ENTRIES)) await rm(d.p, { recursive: true, force: true });
}
