#!/usr/bin/env node
// Cold and warm build of one evaluation set with semantic matching, each in a fresh process
// (a process keeps the vectors it made, so a second build in it would embed nothing):
//
//   node bench/build-cost.mjs [--set zh-afqmc-scale] [--cold] [--warm]   (default: both)
//
// cold: every KB question embedded (no vector cache; the vectors are then written to
// bench/.cache/vectors-<set>.bin, the cache `npm run bench` reads); warm: the same build with
// that cache (no question embedded; a large KB's principal components restored from it too).
// The nodejieba dictionary and the model are loaded before the clock starts, as in `npm run
// bench`; their load times are printed beside. Prints wall and CPU time of `createMatcher` and
// how many questions were embedded.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadSet, repoRoot } from './lib/data.mjs';
import { distPath } from './systems/kefu.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const setName = opt('--set', 'zh-afqmc-scale');
const cacheFile = path.join(repoRoot, `bench/.cache/vectors-${setName}.bin`);

if (args.includes('--child')) {
  const mode = opt('--child');
  const dist = path.dirname(distPath());
  const kefu = await import(pathToFileURL(path.join(dist, 'index.js')).href);
  const text = await import(pathToFileURL(path.join(dist, 'text.js')).href);
  const set = loadSet(setName);
  const faqs = set.kb.map((e) => ({ id: e.id, question: e.question, similar: e.similar, answer: '…' }));
  const questions = faqs.reduce((n, f) => n + 1 + f.similar.length, 0);
  const dict = await text.loadSegmenter();
  const model = await kefu.loadEmbedder();
  let embedded = 0;
  const counting = { name: model.embedder.name, dim: model.embedder.dim, embed: (t) => ((embedded += t.length), model.embedder.embed(t)) };
  // cold: a cache file of its own, renamed to the set's cache once written
  const file = mode === 'cold' ? `${cacheFile}.cold` : cacheFile;
  const { VectorCache, withVectorCache } = await import(pathToFileURL(path.join(dist, 'internal.js')).href);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cache = VectorCache.open(file, model.embedder.name, model.embedder.dim);
  const matcher = await kefu.createMatcher({ faqs }, { consolidateMs: false, semantic: withVectorCache(counting, cache) });
  const cpu = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  await cache.save();
  console.log(`${setName} ${mode} build: ${(wall / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU; ${set.kb.length} FAQs, ${questions} questions, ${embedded} embedded (${matcher.semantic.on ? 'semantic' : 'lexical'}; dictionary ${Math.round(dict.loadMs ?? 0)} ms and model ${Math.round(model.info.loadMs)} ms loaded before)`);
  process.exit(0);
}

mkdirSync(path.dirname(cacheFile), { recursive: true });
const modes = ['cold', 'warm'].filter((m) => args.includes(`--${m}`));
for (const mode of modes.length ? modes : ['cold', 'warm']) {
  if (mode === 'warm' && !existsSync(cacheFile)) throw new Error(`no vector cache for ${setName} (${cacheFile}): run with --cold first`);
  rmSync(`${cacheFile}.cold`, { force: true });
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--set', setName, '--child', mode], { stdio: 'inherit' });
  if (mode === 'cold') renameSync(`${cacheFile}.cold`, cacheFile);
}
