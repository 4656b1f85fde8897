#!/usr/bin/env node
// Latency A/B of two (or more) kefu builds in ONE process, rounds interleaved, so that the
// VM's drift (±30% between runs here) hits every build alike. For deciding whether a
// change to the per-question path is faster; `npm run bench` stays the figure of record.
//
//   node bench/ab.mjs <dist-dir-A> <dist-dir-B> [--set zh-afqmc-scale] [--rounds 6]
//
// A dist dir is a copy of `dist/` from a build to compare, kept inside this repository so
// that Node resolves kefu's dependencies from it: `mkdir -p bench/.cache && cp -r dist
// bench/.cache/before` before the change (bench/.cache is git-ignored), then rebuild and
// `node bench/ab.mjs bench/.cache/before dist`. Prints, per build, the least CPU time per
// question over the rounds and each round's p50.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSet, SET_OPTIONS } from './lib/data.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const setName = opt('--set', 'zh-afqmc-scale');
const rounds = Number(opt('--rounds', '6'));
if (args.length < 2) {
  console.error('usage: node bench/ab.mjs <dist-dir-A> <dist-dir-B> [--set zh-afqmc-scale] [--rounds 6]');
  process.exit(2);
}
const set = loadSet(setName);
const faqs = set.kb.map((e) => ({ ...e, answer: '…' }));
const questions = set.queries.map((q) => q.text);

const builds = [];
for (const dir of args) {
  const { createMatcher } = await import(pathToFileURL(path.resolve(dir, 'index.js')).href);
  // The set's options as `npm run bench` gives them (zh-scale-100k: lexical).
  const matcher = await createMatcher({ faqs }, { consolidateMs: false, ...SET_OPTIONS[setName]?.kefu });
  for (const q of questions) matcher.match(q); // warm-up: every code path the questions take
  builds.push({ dir, matcher, cpu: Infinity, p50s: [] });
}
const lat = new Float64Array(questions.length);
for (let r = 0; r < rounds; r++) {
  for (const b of builds) {
    const c = process.cpuUsage();
    for (let i = 0; i < questions.length; i++) {
      const t = process.hrtime.bigint();
      b.matcher.match(questions[i]);
      lat[i] = Number(process.hrtime.bigint() - t) / 1000;
    }
    const u = process.cpuUsage(c);
    b.cpu = Math.min(b.cpu, (u.user + u.system) / questions.length);
    b.p50s.push(lat.slice().sort()[lat.length >> 1]);
  }
}
for (const b of builds) console.log(`${b.dir}: ${b.cpu.toFixed(1)} µs CPU a question (least of ${rounds} rounds); p50 per round ${b.p50s.map((x) => x.toFixed(0)).join(' ')} µs`);
