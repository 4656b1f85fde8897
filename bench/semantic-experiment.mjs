#!/usr/bin/env node
// Offline experiments behind the semantic scorer's design, on ../shared/eval (read at run time):
//   - FAQ vector: the mean of its sentences' vectors vs the best single sentence vs both
//   - storage of FAQ vectors: float32 vs float16 vs int8 (per-vector scale)
//   - out-of-scope separation (AUC of the best cosine, vs kefu's lexical confidence)
//   - cascade: how often the lexical stage alone is already sure, and the top-1 it costs
//   - the cost of scanning every FAQ vector per question, at full and reduced dimension
// Vectors are cached in bench/.cache/vectors.bin (git-ignored) so a rerun embeds nothing.
//
//   npm run build && node bench/semantic-experiment.mjs [--sets zh-bq-dev,en-clinc-dev,zh-afqmc-scale]
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ALL_SETS, entrySentences, loadSet, repoRoot } from './lib/data.mjs';

const args = process.argv.slice(2);
const setsArg = args.indexOf('--sets');
const sets = setsArg >= 0 ? args[setsArg + 1].split(',') : ALL_SETS;
const kefu = { ...(await import(pathToFileURL(path.join(repoRoot, 'dist/index.js')).href)), ...(await import(pathToFileURL(path.join(repoRoot, 'dist/internal.js')).href)) };
const { embedder, info } = await kefu.loadEmbedder();
if (!embedder) throw new Error(`no embedder: ${info.reason}`);
mkdirSync(path.join(repoRoot, 'bench/.cache'), { recursive: true });
const cache = kefu.VectorCache.open(path.join(repoRoot, 'bench/.cache/vectors.bin'), embedder.name, embedder.dim);
const cached = kefu.withVectorCache(embedder, cache);
console.log(`# ${info.name}`);

const dot = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
function auc(pos, neg) {
  const all = [...pos.map((s) => [s, 1]), ...neg.map((s) => [s, 0])].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  all.forEach(([, y], i) => y && (rankSum += i + 1));
  return (rankSum - (pos.length * (pos.length + 1)) / 2) / (pos.length * neg.length);
}
const f16 = (v) => {
  const buf = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) buf[i] = Math.fround(Number(v[i].toPrecision(4))); // ~11-bit mantissa
  return buf;
};
const i8 = (v) => {
  let m = 0;
  for (const x of v) m = Math.max(m, Math.abs(x));
  const s = m / 127 || 1;
  return Float32Array.from(v, (x) => Math.round(x / s) * s);
};
function rankOf(scores, expectedIdx) {
  let better = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > scores[expectedIdx]) better++;
  return better;
}
const argmax = (a) => a.reduce((b, x, i) => (x > a[b] ? i : b), 0);

for (const name of sets) {
  const set = loadSet(name);
  const t0 = performance.now();
  const sentences = set.kb.map(entrySentences);
  const flat = sentences.flat();
  const sv = await cached.embed(flat);
  const qv = await cached.embed(set.queries.map((q) => q.text));
  const embedS = ((performance.now() - t0) / 1000).toFixed(1);
  let k = 0;
  const perFaq = sentences.map((s) => s.map(() => sv[k++]));
  const means = perFaq.map((vs) => kefu.meanVector(vs, embedder.dim));
  const idx = new Map(set.kb.map((e, i) => [e.id, i]));
  const variants = {
    mean: (q) => means.map((m) => dot(q, m)),
    max: (q) => perFaq.map((vs) => Math.max(...vs.map((v) => dot(q, v)))),
    both: (q) => perFaq.map((vs, i) => (dot(q, means[i]) + Math.max(...vs.map((v) => dot(q, v)))) / 2),
    'mean f16': ((m16) => (q) => m16.map((m) => dot(q, m)))(means.map(f16)),
    'mean int8': ((m8) => (q) => m8.map((m) => dot(q, m)))(means.map(i8)),
  };
  console.log(`\n## ${name}: ${set.kb.length} FAQs, ${flat.length} sentences, ${set.queries.length} queries (embedding ${embedS} s; cache ${cache.hits} hits)`);
  console.log('| FAQ vector | top-1 | top-3 | out-of-scope AUC |\n|---|---|---|---|');
  for (const [label, score] of Object.entries(variants)) {
    let top1 = 0, top3 = 0, n = 0;
    const pos = [], neg = [];
    set.queries.forEach((q, i) => {
      const s = score(qv[i]);
      const best = Math.max(...s);
      if (q.expected === null) return void neg.push(best);
      pos.push(best);
      n++;
      const r = rankOf(s, idx.get(q.expected));
      if (r === 0) top1++;
      if (r < 3) top3++;
    });
    console.log(`| ${label} | ${(top1 / n).toFixed(3)} | ${(top3 / n).toFixed(3)} | ${auc(pos, neg).toFixed(3)} |`);
  }

  // kefu lexical: top-1, its confidence's AUC, and the cascade (skip the encoder when sure)
  const matcher = await kefu.createMatcher({ faqs: set.kb.map((e) => ({ ...e, answer: '…' })) }, { consolidateMs: false });
  const lex = set.queries.map((q) => matcher.match(q.text));
  const pos = [], neg = [];
  let lexTop1 = 0, n = 0;
  set.queries.forEach((q, i) => {
    if (q.expected === null) return void neg.push(lex[i].confidence);
    pos.push(lex[i].confidence);
    n++;
    if (lex[i].id === q.expected) lexTop1++;
  });
  console.log(`\nkefu lexical: top-1 ${(lexTop1 / n).toFixed(3)}, confidence AUC ${auc(pos, neg).toFixed(3)}`);
  console.log('| cascade: skip encoder when lexical confidence ≥ | skipped | top-1 of skipped (lexical) | top-1 of those by mean vector | in-scope share of skipped |\n|---|---|---|---|---|');
  for (const t of [0.8, 0.9, 0.95, 0.98]) {
    let skipped = 0, right = 0, semRight = 0, inScope = 0;
    set.queries.forEach((q, i) => {
      if (lex[i].confidence < t) return;
      skipped++;
      if (q.expected === null) return;
      inScope++;
      if (lex[i].id === q.expected) right++;
      if (set.kb[argmax(variants.mean(qv[i]))].id === q.expected) semRight++;
    });
    console.log(`| ${t} | ${(skipped / set.queries.length).toFixed(3)} | ${(right / (inScope || 1)).toFixed(3)} | ${(semRight / (inScope || 1)).toFixed(3)} | ${(inScope / (skipped || 1)).toFixed(3)} |`);
  }

  // the scan: every FAQ's mean vector per question, full and PCA-free truncated dimension
  const flatMeans = new Float32Array(means.length * embedder.dim);
  means.forEach((m, i) => flatMeans.set(m, i * embedder.dim));
  const out = new Float32Array(means.length);
  const tScan = performance.now();
  const reps = Math.max(1, Math.round(20000 / means.length));
  for (let r = 0; r < reps; r++) {
    const q = qv[r % qv.length];
    for (let f = 0, o = 0; f < means.length; f++, o += embedder.dim) {
      let s = 0;
      for (let d = 0; d < embedder.dim; d++) s += q[d] * flatMeans[o + d];
      out[f] = s;
    }
  }
  console.log(`\nscan of ${means.length} FAQ vectors × ${embedder.dim}: ${(((performance.now() - tScan) / reps) * 1000).toFixed(0)} µs a question`);
}
await cache.save();
