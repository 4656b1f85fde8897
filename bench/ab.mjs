#!/usr/bin/env node
// Latency A/B of two (or more) kefu builds in ONE process, rounds interleaved, so that the
// VM's drift (±30% between runs here) hits every build alike. For deciding whether a
// change to the per-question path is faster; `npm run bench` stays the figure of record.
//
//   node bench/ab.mjs <dist-dir-A> <dist-dir-B> [--set zh-afqmc-scale] [--rounds 6] [--semantic]
//
// A dist dir is a copy of `dist/` from a build to compare, kept inside this repository so
// that Node resolves kefu's dependencies from it: `mkdir -p bench/.cache && cp -r dist
// bench/.cache/before` before the change (bench/.cache is git-ignored), then rebuild and
// `node bench/ab.mjs bench/.cache/before dist`. Prints, per build, the least CPU time per
// question over the rounds and each round's p50 (and p99). Lexical by default (`match`);
// `--semantic` asks as the bench does with the embedder (`match(await prepare(text))`, FAQ
// vectors from bench/.cache/vectors.bin) and counts the questions whose answer differs
// from the first build's (type, FAQ, confidence).
//
// `--first-pass` measures instead what `npm run bench` times: each build warmed only with
// the KB's first 300 questions (as bench/worker.mjs does), then ONE pass over the questions,
// the builds taking turns by blocks of 100 questions (each keeps its caches warm within a
// block); then a second pass the same way, for the gap between the two.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadSet, orderQueries, repoRoot, SET_OPTIONS } from './lib/data.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 && args.splice(i, 1).length > 0;
};
const setName = opt('--set', 'zh-afqmc-scale');
const rounds = Number(opt('--rounds', '6'));
const semantic = flag('--semantic');
const firstPass = flag('--first-pass');
if (args.length < 2) {
  console.error('usage: node bench/ab.mjs <dist-dir-A> <dist-dir-B> [--set zh-afqmc-scale] [--rounds 6] [--semantic] [--first-pass]');
  process.exit(2);
}
const set = loadSet(setName);
const faqs = set.kb.map((e) => ({ ...e, answer: '…' }));
const questions = orderQueries(set.queries).map((q) => q.text);
const vectorCache = semantic ? path.join(repoRoot, `bench/.cache/vectors-${setName}.bin`) : undefined;
if (semantic) mkdirSync(path.dirname(vectorCache), { recursive: true });

const builds = [];
for (const dir of args) {
  const { createMatcher } = await import(pathToFileURL(path.resolve(dir, 'index.js')).href);
  // The set's options as `npm run bench` gives them (zh-scale-100k: lexical).
  const matcher = await createMatcher({ faqs }, { consolidateMs: false, semantic, vectorCache, ...SET_OPTIONS[setName]?.kefu });
  const ask = semantic ? async (q) => matcher.match(await matcher.prepare(q)) : (q) => matcher.match(q);
  if (!firstPass) for (const q of questions) await ask(q); // warm-up: every code path the questions take
  builds.push({ dir, ask, cpu: Infinity, p50s: [], p99s: [], answers: [] });
}
if (firstPass) {
  for (const b of builds) for (const e of set.kb.slice(0, 300)) await b.ask(e.question);
  const BLOCK = 100;
  for (const b of builds) b.lat = new Float64Array(questions.length);
  for (let pass = 1; pass <= 2; pass++) {
    for (let from = 0, blk = 0; from < questions.length; from += BLOCK, blk++) {
      for (let k = 0; k < builds.length; k++) {
        const b = builds[(blk + k) % builds.length]; // who goes first alternates
        for (let i = from; i < Math.min(from + BLOCK, questions.length); i++) {
          const t = process.hrtime.bigint();
          const m = await b.ask(questions[i]);
          b.lat[i] = Number(process.hrtime.bigint() - t) / 1000;
          if (pass === 1) b.answers[i] = `${m.type} ${m.id} ${m.confidence}`;
        }
      }
    }
    for (const b of builds) {
      const sorted = b.lat.slice().sort();
      b.p50s.push(sorted[b.lat.length >> 1]);
      b.p99s.push(sorted[Math.floor(b.lat.length * 0.99)]);
    }
  }
  for (const b of builds) {
    const differ = b.answers.filter((a, i) => a !== builds[0].answers[i]).length;
    console.log(`${b.dir}: first pass p50 ${b.p50s[0].toFixed(0)} µs, p99 ${b.p99s[0].toFixed(0)} µs; second pass p50 ${b.p50s[1].toFixed(0)} µs, p99 ${b.p99s[1].toFixed(0)} µs; answers differing from ${builds[0].dir}: ${differ}/${questions.length}`);
  }
  process.exit(0);
}
const lat = new Float64Array(questions.length);
for (let r = 0; r < rounds; r++) {
  for (const b of builds) {
    const c = process.cpuUsage();
    for (let i = 0; i < questions.length; i++) {
      const t = process.hrtime.bigint();
      const m = await b.ask(questions[i]);
      lat[i] = Number(process.hrtime.bigint() - t) / 1000;
      if (r === 0) b.answers.push(`${m.type} ${m.id} ${m.confidence}`);
    }
    const u = process.cpuUsage(c);
    b.cpu = Math.min(b.cpu, (u.user + u.system) / questions.length);
    const sorted = lat.slice().sort();
    b.p50s.push(sorted[lat.length >> 1]);
    b.p99s.push(sorted[Math.floor(lat.length * 0.99)]);
  }
}
for (const b of builds) {
  const differ = b.answers.filter((a, i) => a !== builds[0].answers[i]).length;
  console.log(`${b.dir}: ${b.cpu.toFixed(1)} µs CPU a question (least of ${rounds} rounds); p50 per round ${b.p50s.map((x) => x.toFixed(0)).join(' ')} µs; p99 ${b.p99s.map((x) => x.toFixed(0)).join(' ')} µs; answers differing from ${builds[0].dir}: ${differ}/${questions.length}`);
}
