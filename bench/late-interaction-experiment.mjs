#!/usr/bin/env node
// Offline experiments for a NEW ranking signal on top of the shipped engine (#17: zh-bq-dev
// top-1 0.405 against a bar of 0.42; the eval set is read from ../shared/eval at run time).
// Every question is matched as the bench does (createMatcher + prepare); its first ten
// candidates and their ranking scores are then re-ranked with each candidate signal, alone and
// mixed into the ranking score at a grid of weights:
//   - token-level late interaction (MaxSim, ColBERT-style) from the same model's last hidden
//     state: plain, IDF-weighted (IDF over the KB's sentences), both directions, mean over sentences;
//   - the mean-pooled last hidden state instead of [CLS];
//   - intermediate layers' [CLS] / mean-pooled vectors (with --model model_layers.onnx);
//   - pseudo-relevance feedback on the question's vector; a robust FAQ vector; an FAQ-size prior.
// The best weight is read on the eval set itself, so that column is a CEILING, not a result;
// --rerank fits all signals together (listwise softmax, 2-fold CV on the eval set: a ceiling too);
// --misses shows how near (in meaning) the FAQs are that the shipped ranking confuses.
// --model runs another ONNX graph of the same model, for the signals AND the engine's embedder
// (bench/onnx-variants.py makes a float32-activation one and one with the layers as outputs).
//
//   npm run build && node bench/late-interaction-experiment.mjs [--set zh-bq-dev] [--model file.onnx] [--rerank] [--misses]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { entrySentences, loadSet, repoRoot } from './lib/data.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const setName = opt('--set', 'zh-bq-dev');
const kefu = { ...(await import(pathToFileURL(path.join(repoRoot, 'dist/index.js')).href)), ...(await import(pathToFileURL(path.join(repoRoot, 'dist/internal.js')).href)) };
const ort = createRequire(import.meta.url)('onnxruntime-node');
const files = kefu.readModelFiles();
const modelPath = opt('--model', undefined);
const session = await ort.InferenceSession.create(modelPath ?? files.model, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' });
const tokenizer = kefu.WordPieceTokenizer.fromVocabText(files.vocabText, { maxLength: 128 });

const extraOutputs = session.outputNames.slice(1).filter((n) => !n.includes('attention'));
/** Per-token vectors (L2-normalized), [CLS] and [SEP] left out; and the [CLS] vector. */
async function tokens(text) {
  const ids = tokenizer.encode(text);
  const n = ids.length;
  const t = (a) => new ort.Tensor('int64', BigInt64Array.from(a, BigInt), [1, n]);
  const feeds = { input_ids: t(ids), attention_mask: t(ids.map(() => 1)) };
  if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = t(ids.map(() => 0));
  const res = await session.run(feeds);
  const out = res[session.outputNames[0]];
  const d = out.dims[2];
  const unit = (v) => {
    let s = 0;
    for (const x of v) s += x * x;
    s = Math.sqrt(s) || 1;
    return v.map((x) => x / s);
  };
  const toks = [];
  for (let i = 1; i < n - 1; i++) toks.push(unit(out.data.slice(i * d, (i + 1) * d)));
  // A model with more outputs (intermediate layers added to its graph): their [CLS] and mean-pooled vectors.
  const layers = {};
  for (const name of extraOutputs) {
    const h = res[name].data;
    const mean = new Float32Array(d);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += h[i * d + k];
    layers[name] = { cls: unit(h.slice(0, d)), mean: unit(mean) };
  }
  return { cls: unit(out.data.slice(0, d)), toks: toks.length ? toks : [unit(out.data.slice(0, d))], layers };
}
const dot = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
function maxsim(q, s) {
  let sum = 0;
  for (const a of q) {
    let m = -1;
    for (const b of s) m = Math.max(m, dot(a, b));
    sum += m;
  }
  return sum / q.length;
}

const set = loadSet(setName);
const sentences = set.kb.map(entrySentences);
const t0 = performance.now();
const sentTok = [];
for (const ss of sentences) {
  const row = [];
  for (const s of ss) row.push(await tokens(s));
  sentTok.push(row);
}
const queries = set.queries;
const qTok = [];
for (const q of queries) qTok.push(await tokens(q.text));
console.log(`# ${setName}: token vectors of ${sentences.flat().length} KB sentences and ${queries.length} questions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Embedding alone: cosine to each FAQ's mean [CLS] vector, every FAQ scanned.
{
  const means = sentTok.map((row) => kefu.meanVector(row.map((s) => Float32Array.from(s.cls)), 512));
  let right = 0, n = 0;
  for (let i = 0; i < queries.length; i++) {
    if (queries[i].expected === null) continue;
    n++;
    let b = 0, bs = -Infinity;
    means.forEach((m, e) => { const s = dot(qTok[i].cls, m); if (s > bs) (bs = s), (b = e); });
    if (set.kb[b].id === queries[i].expected) right++;
  }
  console.log(`embedding alone (FAQ mean vector, full scan): top-1 ${(right / n).toFixed(3)}`);
}

// The engine as shipped: first ten candidates with their ranking scores.
const faqs = set.kb.map((e) => ({ id: e.id, question: e.question, similar: e.similar, answer: '…' }));
// With --model, the engine embeds through that model too (its [CLS] vector, as the shipped embedder).
const embedder = modelPath && { name: `bge-small-zh-v1.5 ${path.basename(modelPath)}`, dim: 512, embed: async (texts) => { const out = []; for (const t of texts) out.push(Float32Array.from((await tokens(t)).cls)); return out; } };
const matcher = await kefu.createMatcher({ faqs }, embedder ? { semantic: embedder } : { vectorCache: path.join(repoRoot, `bench/.cache/vectors-${setName}.bin`) });
console.log(`engine's embedder: ${matcher.embedding.path} ${matcher.embedding.name ?? ''}`);
const idx = new Map(set.kb.map((e, i) => [e.id, i]));
const lists = [];
for (const q of queries) {
  const { explanation } = matcher.explain(await matcher.prepare(q.text));
  lists.push(explanation.candidates.map((c) => ({ e: idx.get(c.id), score: c.score, conf: c.confidence, sem: c.signals.semantic ?? 0 })));
}

const inScope = queries.map((q, i) => i).filter((i) => queries[i].expected !== null);
function top1(scoreOf) {
  let right = 0;
  for (const i of inScope) {
    const list = lists[i];
    if (!list.length) continue;
    let best = list[0], bs = -Infinity;
    for (const c of list) {
      const s = scoreOf(i, c);
      if (s > bs) (bs = s), (best = c);
    }
    if (set.kb[best.e].id === queries[i].expected) right++;
  }
  return right / inScope.length;
}
// IDF of each token over the KB's sentences (a fitted quantity of the KB alone).
const df = new Map();
const nSent = sentences.flat().length;
for (const ss of sentences) for (const s of ss) for (const id of new Set(tokenizer.encode(s))) df.set(id, (df.get(id) ?? 0) + 1);
const qIds = queries.map((q) => tokenizer.encode(q.text).slice(1, -1));
const idf = (id) => Math.log((nSent + 1) / ((df.get(id) ?? 0) + 1));
function maxsimIdf(i, s) {
  let sum = 0, wsum = 0;
  qTok[i].toks.forEach((a, k) => {
    const w = idf(qIds[i][k]);
    let m = -1;
    for (const b of s) m = Math.max(m, dot(a, b));
    sum += w * m;
    wsum += w;
  });
  return wsum ? sum / wsum : 0;
}
const meanPool = (toks) => {
  const v = new Float64Array(toks[0].length);
  for (const t of toks) for (let d = 0; d < v.length; d++) v[d] += t[d];
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return Array.from(v, (x) => x / n);
};
const qMean = qTok.map((q) => meanPool(q.toks));
const faqMeanPool = sentTok.map((row) => meanPool(row.map((s) => meanPool(s.toks))));
const layerSignals = {};
for (const name of extraOutputs) {
  const short = name.split('/').slice(1, 3).join('/');
  for (const kind of ['cls', 'mean']) {
    const faq = sentTok.map((row) => meanPool(row.map((s) => s.layers[name][kind])));
    layerSignals[`${short} ${kind}, cosine to the FAQ mean`] = (i, c) => dot(qTok[i].layers[name][kind], faq[c.e]);
  }
}
// Pseudo-relevance feedback: the question's vector moved toward its nearest KB sentences.
const allSent = sentTok.flatMap((row) => row.map((s) => s.cls));
const clsMeans = sentTok.map((row) => meanPool(row.map((s) => s.cls)));
const prf = (beta, k) => {
  const qs = qTok.map((q) => {
    const near = allSent.map((v, j) => [dot(q.cls, v), j]).sort((a, b) => b[0] - a[0]).slice(0, k);
    const v = Array.from(q.cls);
    for (const [, j] of near) allSent[j].forEach((x, d) => (v[d] += (beta / k) * x));
    const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    return v.map((x) => x / n);
  });
  return (i, c) => dot(qs[i], clsMeans[c.e]);
};
// A robust FAQ vector: its sentences weighted by their cosine to the FAQ's mean (outliers count less).
const robust = sentTok.map((row, e) => {
  const ws = row.map((s) => Math.max(0, dot(s.cls, clsMeans[e])) ** 4);
  const v = new Array(512).fill(0);
  row.forEach((s, k) => s.cls.forEach((x, d) => (v[d] += ws[k] * x)));
  const n = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => x / n);
});
const signals = {
  ...layerSignals,
  'pseudo-relevance feedback, 0.3 × mean of the 3 nearest KB sentences': prf(0.3, 3),
  'pseudo-relevance feedback, 0.6 × mean of the 10 nearest KB sentences': prf(0.6, 10),
  'robust FAQ vector (sentences weighted by cosine⁴ to the mean)': (i, c) => dot(qTok[i].cls, robust[c.e]),
  'FAQ prior: log of its number of questions': (i, c) => Math.log(sentences[c.e].length),
  'maxsim, IDF-weighted question tokens, best sentence': (i, c) => Math.max(...sentTok[c.e].map((s) => maxsimIdf(i, s.toks))),
  'mean-pooled tokens, cosine to the FAQ mean': (i, c) => dot(qMean[i], faqMeanPool[c.e]),
  'maxsim, best sentence': (i, c) => Math.max(...sentTok[c.e].map((s) => maxsim(qTok[i].toks, s.toks))),
  'maxsim, mean over sentences': (i, c) => sentTok[c.e].reduce((a, s) => a + maxsim(qTok[i].toks, s.toks), 0) / sentTok[c.e].length,
  'maxsim, both directions, best sentence': (i, c) => Math.max(...sentTok[c.e].map((s) => (maxsim(qTok[i].toks, s.toks) + maxsim(s.toks, qTok[i].toks)) / 2)),
  'cls cosine, best sentence (control)': (i, c) => Math.max(...sentTok[c.e].map((s) => dot(qTok[i].cls, s.cls))),
};
const memo = new Map();
const cached = (name, f) => (i, c) => {
  const k = `${name}|${i}|${c.e}`;
  if (!memo.has(k)) memo.set(k, f(i, c));
  return memo.get(k);
};
{
  const t = performance.now();
  let pairs = 0;
  for (const i of inScope) for (const c of lists[i]) for (const st of sentTok[c.e]) { maxsim(qTok[i].toks, st.toks); pairs++; }
  const ms = (performance.now() - t) / inScope.length;
  console.log(`maxsim over the first ten's sentences: ${(pairs / inScope.length).toFixed(1)} sentences, ${ms.toFixed(2)} ms a question (token vectors precomputed)`);
}
console.log(`engine as shipped: top-1 ${top1((i, c) => c.score).toFixed(3)} (candidates: first ten)`);
console.log(`engine cosine alone within the shortlist: ${top1((i, c) => c.sem).toFixed(3)}`);
console.log('| signal | alone (shortlist) | mixed, weight 0.1 | 0.2 | 0.3 | 0.5 | best weight (ceiling) |\n|---|---|---|---|---|---|---|');
for (const [name, f0] of Object.entries(signals)) {
  const f = cached(name, f0);
  const alone = top1(f);
  const ws = [0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7];
  const mixed = ws.map((w) => top1((i, c) => (1 - w) * c.score + w * f(i, c)));
  const b = mixed.indexOf(Math.max(...mixed));
  console.log(`| ${name} | ${alone.toFixed(3)} | ${[0.1, 0.2, 0.3, 0.5].map((w) => mixed[ws.indexOf(w)].toFixed(3)).join(' | ')} | ${mixed[b].toFixed(3)} at ${ws[b]} |`);
}

// Where the shipped ranking misses: how close (mean-vector cosine) the FAQ it put first is to the right one.
if (args.includes('--misses')) {
  const means = sentTok.map((row) => kefu.meanVector(row.map((s) => Float32Array.from(s.cls)), 512));
  const bins = [0.95, 0.9, 0.85, 0.8, 0];
  const counts = bins.map(() => 0);
  let misses = 0, inTop3 = 0, inList = 0;
  for (const i of inScope) {
    const list = lists[i];
    const want = idx.get(queries[i].expected);
    if (list[0] && list[0].e === want) continue;
    misses++;
    const r = list.findIndex((c) => c.e === want);
    if (r >= 0 && r < 3) inTop3++;
    if (r >= 0) inList++;
    if (!list[0]) continue;
    const cos = dot(means[want], means[list[0].e]);
    counts[bins.findIndex((b) => cos >= b)]++;
      }
  console.log(`misses ${misses} of ${inScope.length}: right FAQ 2nd-3rd ${inTop3}, in the first ten ${inList}`);
  console.log(`cosine of the FAQ put first to the right FAQ (mean vectors): ${bins.map((b, k) => `≥ ${b}: ${counts[k]}`).join(', ')}`);
}

// A ceiling for all the signals above together: a listwise softmax over the first ten
// (features: the ranking score, the engine's cosine, every signal above), fitted by 2-fold
// cross-validation on the eval set itself: what no per-KB fit could beat.
if (args.includes('--rerank')) {
  const names = Object.keys(signals);
  const feats = (i, c) => [c.score, c.sem, ...names.map((n) => memo.get(`${n}|${i}|${c.e}`) ?? signals[n](i, c))];
  const rows = inScope.filter((i) => lists[i].length > 1).map((i) => ({ i, want: idx.get(queries[i].expected), x: lists[i].map((c) => feats(i, c)), es: lists[i].map((c) => c.e) }));
  const dim = rows[0].x[0].length;
  const mu = new Array(dim).fill(0), sd = new Array(dim).fill(0);
  let cnt = 0;
  for (const r of rows) for (const x of r.x) { cnt++; x.forEach((v, k) => (mu[k] += v)); }
  mu.forEach((_, k) => (mu[k] /= cnt));
  for (const r of rows) for (const x of r.x) x.forEach((v, k) => (sd[k] += (v - mu[k]) ** 2));
  sd.forEach((_, k) => (sd[k] = Math.sqrt(sd[k] / cnt) || 1));
  for (const r of rows) r.x = r.x.map((x) => x.map((v, k) => (v - mu[k]) / sd[k]));
  const fit = (train) => {
    const w = new Array(dim).fill(0);
    w[0] = 1;
    for (let it = 0; it < 300; it++) {
      const g = new Array(dim).fill(0);
      for (const r of train) {
        const k = r.es.indexOf(r.want);
        if (k < 0) continue;
        const s = r.x.map((x) => x.reduce((a, v, j) => a + v * w[j], 0));
        const m = Math.max(...s);
        const p = s.map((v) => Math.exp(v - m));
        const z = p.reduce((a, b) => a + b, 0);
        r.x.forEach((x, c) => x.forEach((v, j) => (g[j] += (p[c] / z - (c === k ? 1 : 0)) * v)));
      }
      w.forEach((_, j) => (w[j] -= (0.5 * g[j]) / train.length + 0.001 * w[j]));
    }
    return w;
  };
  let right = 0;
  for (let fold = 0; fold < 2; fold++) {
    const w = fit(rows.filter((_, n) => n % 2 !== fold));
    for (const r of rows.filter((_, n) => n % 2 === fold)) {
      const s = r.x.map((x) => x.reduce((a, v, j) => a + v * w[j], 0));
      if (r.es[s.indexOf(Math.max(...s))] === r.want) right++;
    }
  }
  const wAll = fit(rows);
  const inSample = rows.filter((r) => { const s = r.x.map((x) => x.reduce((a, v, j) => a + v * wAll[j], 0)); return r.es[s.indexOf(Math.max(...s))] === r.want; }).length;
  // The upper bound of any linear mix: weights searched coordinate by coordinate for the most
  // first-right questions on the whole eval set (in-sample, overfitted on purpose).
  const acc = (w) => rows.filter((r) => { const s = r.x.map((x) => x.reduce((a, v, j) => a + v * w[j], 0)); return r.es[s.indexOf(Math.max(...s))] === r.want; }).length;
  const wCa = new Array(dim).fill(0);
  wCa[0] = 1;
  let bestCa = acc(wCa);
  for (let pass = 0; pass < 3; pass++) {
    for (let j = 1; j < dim; j++) {
      for (const d of [-1, -0.5, -0.25, -0.1, -0.05, 0.05, 0.1, 0.25, 0.5, 1]) {
        const w = [...wCa];
        w[j] += d;
        const a = acc(w);
        if (a > bestCa) (bestCa = a), (wCa[j] = w[j]);
      }
    }
  }
  const single = inScope.filter((i) => lists[i].length === 1 && lists[i][0].e === idx.get(queries[i].expected)).length;
  console.log(`listwise reranker over ${dim} features, 2-fold CV on the eval set (ceiling): top-1 ${((right + single) / inScope.length).toFixed(3)}; fitted on all of it (in-sample) ${((inSample + single) / inScope.length).toFixed(3)}; best linear mix searched on all of it (in-sample) ${((bestCa + single) / inScope.length).toFixed(3)}`);
}
