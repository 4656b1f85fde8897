#!/usr/bin/env node
// Offline experiment for #17 (zh-bq-dev top-1 0.405 against a bar of 0.42): a ranking signal
// TRAINED per KB on the KB's own questions in embedding space (supervised), instead of another
// unsupervised view of the model (bench/late-interaction-experiment.mjs, session 8).
// Each KB sentence is a training example labelled by its FAQ; the FAQ vectors are the means of
// their sentences, the sentence's own FAQ's mean with the sentence left out (leave-one-out), and
// a listwise softmax over its K nearest FAQs is fitted for:
//   - diag:  a learned diagonal metric, score = Σ_d w_d q_d m_d (512 weights, decay toward 1);
//   - lowrank: score = q·m + (A q)·(B m), A, B k×512 (decay toward 0);
//   - softmax: a linear classifier over every FAQ, one weight vector per FAQ initialised at its
//     mean (cross-entropy, decay toward the mean) — tried in session 5 as a replacement, here as a signal.
// Fitting reads only the KB. The eval questions are held out by construction; the hyper-parameters
// (decay, epochs) are chosen on a split of the KB's own sentences (80/20), never on the eval set.
// Reports embedding-alone top-1 (every FAQ scanned), in-sample (KB sentences, leave-one-out) and
// held-out (eval questions), and, with --engine, the engine's first ten re-ranked with the learned
// score in place of its cosine (same fitted weight) and mixed in at a grid of weights (a ceiling).
//
// The negatives of a training list are also their FAQ's mean with one sentence left out, so the
// positive is not the only mean of n−1 sentences (--asymmetric: full means, which the fit learns
// to tell apart instead); the diagonal metric is a cosine of the rescaled vectors (--unnormed: a
// plain weighted dot product). Slow in plain JavaScript on a loaded 2-core machine: diag ~2–6 min
// a set, softmax ~10 min and lowrank ~13 min on zh-bq-dev. Figures: bench/SEMANTIC.md, session 9.
//
//   npm run build && node bench/metric-learning-experiment.mjs [--sets zh-bq-dev,en-clinc-dev] [--methods diag,lowrank,softmax] [--engine [--weight 0.85]] [--ceiling]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { entrySentences, loadSet, repoRoot } from './lib/data.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const sets = opt('--sets', 'zh-bq-dev,en-clinc-dev,zh-afqmc-scale').split(',');
const methods = opt('--methods', 'diag,lowrank,softmax').split(',');
const kefu = { ...(await import(pathToFileURL(path.join(repoRoot, 'dist/index.js')).href)), ...(await import(pathToFileURL(path.join(repoRoot, 'dist/internal.js')).href)) };
const { embedder, info } = await kefu.loadEmbedder();
if (!embedder) throw new Error(`no embedder: ${info.reason}`);
const cache = kefu.VectorCache.open(path.join(repoRoot, 'bench/.cache/vectors.bin'), embedder.name, embedder.dim);
const cached = kefu.withVectorCache(embedder, cache);
const D = embedder.dim;
const K = 20; // nearest FAQs per training sentence (the listwise softmax's list)

const dot = (a, b) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const unit = (v) => {
  const n = Math.sqrt(dot(v, v)) || 1;
  return Float64Array.from(v, (x) => x / n);
};
function topK(scores, k) {
  const idx = Array.from(scores.keys());
  idx.sort((a, b) => scores[b] - scores[a]);
  return idx.slice(0, k);
}

/** Training lists from KB sentences: each sentence with its K nearest FAQ vectors (own FAQ leave-one-out). */
function lists(X, y, sums, counts, which) {
  const out = [];
  for (const i of which) {
    const f = y[i];
    if (counts[f] < 2) continue; // nothing left of its FAQ without it
    const loo = unit(sums[f].map((s, d) => s - X[i][d]));
    const sc = means.map((m, e) => (e === f ? dot(X[i], loo) : dot(X[i], m)));
    const near = topK(sc, K);
    if (!near.includes(f)) near[K - 1] = f;
    const drop = (e) => { if (!SYMMETRIC || counts[e] < 2) return means[e]; const j = firstOf[e] + ((i * 7919 + e) % counts[e]); return unit(sums[e].map((s, d) => s - X[j][d])); };
    out.push({ x: X[i], cands: near.map((e) => (e === f ? loo : drop(e))), pos: near.indexOf(f) });
  }
  return out;
}
let means, firstOf; // set per KB
const SYMMETRIC = !args.includes('--asymmetric');
const NORMED = !args.includes('--unnormed');

/** Adam over a flat parameter vector. */
function adam(params, gradFn, { epochs, lr }) {
  const m = new Float64Array(params.length), v = new Float64Array(params.length);
  for (let t = 1; t <= epochs; t++) {
    const g = gradFn(params);
    for (let j = 0; j < params.length; j++) {
      m[j] = 0.9 * m[j] + 0.1 * g[j];
      v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
      params[j] -= (lr * (m[j] / (1 - 0.9 ** t))) / (Math.sqrt(v[j] / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return params;
}

const SCALE = 30; // softmax temperature on cosines (their spread within a list is ~0.05–0.2)

/** Gradient of the listwise softmax loss by each candidate's score, over a batch of n. */
function softmaxGrad(s, pos, n) {
  const mx = Math.max(...s);
  const p = s.map((v) => Math.exp(v - mx));
  const z = p.reduce((a, b) => a + b, 0);
  return p.map((v, c) => (SCALE * (v / z - (c === pos ? 1 : 0))) / n);
}

/** Learned per-dimension scale a: score = cosine(a∘q, a∘m). */
function fitDiagNormed(train, { decay, epochs }) {
  const a0 = new Float64Array(D).fill(1);
  return adam(a0, (a) => {
    const g = new Float64Array(D);
    for (const r of train) {
      const u = r.x.map((x, d) => a[d] * x);
      const nu = Math.sqrt(dot(u, u));
      const vs = r.cands.map((m) => m.map((x, d) => a[d] * x));
      const nv = vs.map((v) => Math.sqrt(dot(v, v)));
      const cs = vs.map((v, c) => dot(u, v) / (nu * nv[c]));
      const s = cs.map((c) => SCALE * c);
      const ks = softmaxGrad(s, r.pos, train.length);
      r.cands.forEach((m, c) => {
        const k = ks[c];
        if (Math.abs(k) < 1e-9) return;
        const v = vs[c], inv = 1 / (nu * nv[c]);
        for (let d = 0; d < D; d++) g[d] += k * ((r.x[d] * v[d] + u[d] * m[d]) * inv - cs[c] * (u[d] * r.x[d] / (nu * nu) + v[d] * m[d] / (nv[c] * nv[c])));
      });
    }
    for (let d = 0; d < D; d++) g[d] += decay * (a[d] - 1);
    return g;
  }, { epochs, lr: 0.02 });
}
const diagNormedScore = (a) => { const cache = new Map(); const t = (v) => { let r = cache.get(v); if (!r) { r = unit(v.map((x, d) => a[d] * x)); cache.set(v, r); } return r; }; return (q, m) => dot(t(q), t(m)); };

/** Learned diagonal metric: returns the 512 weights. */
function fitDiag(train, { decay, epochs }) {
  const w = new Float64Array(D).fill(1);
  return adam(w, (w) => {
    const g = new Float64Array(D);
    for (const r of train) {
      const s = r.cands.map((m) => { let a = 0; for (let d = 0; d < D; d++) a += w[d] * r.x[d] * m[d]; return SCALE * a; });
      const ks = softmaxGrad(s, r.pos, train.length);
      r.cands.forEach((m, c) => {
        const k = ks[c];
        if (Math.abs(k) < 1e-9) return;
        for (let d = 0; d < D; d++) g[d] += k * r.x[d] * m[d];
      });
    }
    for (let d = 0; d < D; d++) g[d] += decay * (w[d] - 1);
    return g;
  }, { epochs, lr: 0.02 });
}
const diagScore = (w) => (q, m) => { let a = 0; for (let d = 0; d < D; d++) a += w[d] * q[d] * m[d]; return a; };

/** Low-rank bilinear correction: score = q·m + (A q)·(B m). */
function fitLowRank(train, { decay, epochs, k = 16 }) {
  const P = new Float64Array(2 * k * D);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.02;
  for (let j = 0; j < P.length; j++) P[j] = rnd();
  return { k, P: adam(P, (P) => {
    const g = new Float64Array(P.length);
    const A = (r, d) => P[r * D + d], B = (r, d) => P[(k + r) * D + d];
    for (const t of train) {
      const Ax = new Float64Array(k);
      for (let r = 0; r < k; r++) { let a = 0; for (let d = 0; d < D; d++) a += A(r, d) * t.x[d]; Ax[r] = a; }
      const Bm = t.cands.map((m) => { const o = new Float64Array(k); for (let r = 0; r < k; r++) { let a = 0; for (let d = 0; d < D; d++) a += B(r, d) * m[d]; o[r] = a; } return o; });
      const s = t.cands.map((m, c) => SCALE * (dot(t.x, m) + dot(Ax, Bm[c])));
      const ks = softmaxGrad(s, t.pos, train.length);
      t.cands.forEach((m, c) => {
        const e = ks[c];
        if (Math.abs(e) < 1e-9) return;
        for (let r = 0; r < k; r++) {
          const ga = e * Bm[c][r], gb = e * Ax[r];
          for (let d = 0; d < D; d++) { g[r * D + d] += ga * t.x[d]; g[(k + r) * D + d] += gb * m[d]; }
        }
      });
    }
    for (let j = 0; j < P.length; j++) g[j] += decay * P[j];
    return g;
  }, { epochs, lr: 0.01 }) };
}
const lowRankScore = ({ k, P }) => (q, m) => {
  let s = dot(q, m);
  for (let r = 0; r < k; r++) {
    let a = 0, b = 0;
    for (let d = 0; d < D; d++) { a += P[r * D + d] * q[d]; b += P[(k + r) * D + d] * m[d]; }
    s += a * b;
  }
  return s;
};

/** Linear softmax classifier, weight vectors initialised at the FAQ means, decayed toward them. */
function fitSoftmax(X, y, which, { decay, epochs }) {
  const F = means.length;
  const W = new Float64Array(F * D);
  means.forEach((m, f) => W.set(m, f * D));
  const init = Float64Array.from(W);
  return adam(W, (W) => {
    const g = new Float64Array(W.length);
    for (const i of which) {
      const s = new Float64Array(F);
      for (let f = 0; f < F; f++) { let a = 0; for (let d = 0; d < D; d++) a += W[f * D + d] * X[i][d]; s[f] = SCALE * a; }
      let mx = -Infinity;
      for (const v of s) mx = Math.max(mx, v);
      let z = 0;
      for (let f = 0; f < F; f++) z += (s[f] = Math.exp(s[f] - mx));
      for (let f = 0; f < F; f++) {
        const e = (SCALE * (s[f] / z - (f === y[i] ? 1 : 0))) / which.length;
        if (Math.abs(e) < 1e-7) continue;
        for (let d = 0; d < D; d++) g[f * D + d] += e * X[i][d];
      }
    }
    for (let j = 0; j < W.length; j++) g[j] += decay * (W[j] - init[j]);
    return g;
  }, { epochs, lr: 0.002 });
}

for (const name of sets) {
  const set = loadSet(name);
  const sentences = set.kb.map(entrySentences);
  const flat = sentences.flat();
  const X = (await cached.embed(flat)).map((v) => Float64Array.from(v));
  const Q = (await cached.embed(set.queries.map((q) => q.text))).map((v) => Float64Array.from(v));
  const y = sentences.flatMap((ss, f) => ss.map(() => f));
  const counts = sentences.map((ss) => ss.length);
  const sums = sentences.map(() => new Float64Array(D));
  X.forEach((x, i) => x.forEach((v, d) => (sums[y[i]][d] += v)));
  means = sums.map(unit);
  firstOf = counts.map((_, f) => counts.slice(0, f).reduce((a, b) => a + b, 0));
  const idx = new Map(set.kb.map((e, i) => [e.id, i]));
  const inScope = set.queries.map((q, i) => i).filter((i) => set.queries[i].expected !== null);
  console.log(`\n## ${name}: ${set.kb.length} FAQs, ${flat.length} sentences (${counts.filter((c) => c >= 2).length} FAQs with ≥ 2), ${inScope.length} in-scope questions`);
  if (counts.every((c) => c < 2)) {
    console.log('one question per FAQ: nothing to learn from (the learned metric stays the identity; top-1 unchanged)');
    continue;
  }
  // Held-out (eval questions): top-1 over every FAQ with the score function.
  const evalTop1 = (score, faqVecs = means) => {
    let right = 0;
    for (const i of inScope) {
      let b = 0, bs = -Infinity;
      faqVecs.forEach((m, e) => { const s = score(Q[i], m, e); if (s > bs) (bs = s), (b = e); });
      if (set.kb[b].id === set.queries[i].expected) right++;
    }
    return right / inScope.length;
  };
  // In-sample / KB-internal: top-1 of training lists (own FAQ leave-one-out) — within the K nearest.
  const listTop1 = (ls, score) => ls.filter((r) => { const s = r.cands.map((m) => score(r.x, m)); return s.indexOf(Math.max(...s)) === r.pos; }).length / ls.length;
  const all = X.map((_, i) => i);
  const split = all.filter((i) => i % 5 !== 0), valid = all.filter((i) => i % 5 === 0);
  const Ltrain = lists(X, y, sums, counts, split), Lvalid = lists(X, y, sums, counts, valid), Lall = lists(X, y, sums, counts, all);
  const cos = (q, m) => dot(q, m);
  let engineLists, engineWeight = 0.85;
  if (args.includes('--engine')) {
    const matcher = await kefu.createMatcher({ faqs: set.kb.map((e) => ({ id: e.id, question: e.question, similar: e.similar, answer: '…' })) }, { vectorCache: path.join(repoRoot, `bench/.cache/vectors-${name}.bin`) });
    engineLists = [];
    for (const q of set.queries) {
      const { explanation } = matcher.explain(await matcher.prepare(q.text));
      engineLists.push(explanation.candidates.map((c) => ({ e: idx.get(c.id), score: c.score, sem: c.signals.semantic ?? 0 })));
    }
    engineWeight = Number(opt('--weight', name.startsWith('en-') ? 0.6 : 0.85));
  }
  console.log(`baseline cosine to the FAQ mean: held-out ${evalTop1(cos).toFixed(3)}; KB sentences (leave-one-out, within ${K}) ${listTop1(Lall, cos).toFixed(3)}`);
  // --ceiling: the diagonal metric fitted on half of the EVAL questions (lists over full FAQ means)
  // and scored on the other half, 2-fold: what the model class could do with the eval labels themselves.
  if (args.includes('--ceiling')) {
    const evalLists = (which) => which.map((i) => { const f = idx.get(set.queries[i].expected); const sc = means.map((m) => dot(Q[i], m)); const near = topK(sc, K); if (!near.includes(f)) near[K - 1] = f; return { i, x: Q[i], cands: near.map((e) => means[e]), pos: near.indexOf(f) }; });
    for (const decay of [0.001, 0.01]) {
      let right = 0;
      for (const fold of [0, 1]) {
        const tr = inScope.filter((_, n) => n % 2 !== fold), te = inScope.filter((_, n) => n % 2 === fold);
        const sc = diagNormedScore(fitDiagNormed(evalLists(tr), { decay, epochs: 60 }));
        for (const i of te) { let b = 0, bs = -Infinity; means.forEach((m, e) => { const v = sc(Q[i], m); if (v > bs) (bs = v), (b = e); }); if (set.kb[b].id === set.queries[i].expected) right++; }
      }
      console.log(`ceiling: diagonal metric fitted on half the eval questions, decay ${decay}, 2-fold: held-out top-1 ${(right / inScope.length).toFixed(3)} (cosine ${evalTop1(cos).toFixed(3)})`);
    }
    if (methods.includes('softmax')) {
      const yq = set.queries.map((q) => (q.expected === null ? -1 : idx.get(q.expected)));
      for (const decay of [0.1, 1]) {
        let right = 0;
        for (const fold of [0, 1]) {
          const tr = inScope.filter((_, n) => n % 2 !== fold), te = inScope.filter((_, n) => n % 2 === fold);
          const W = fitSoftmax(Q, yq, tr, { decay, epochs: 40 });
          for (const i of te) { let b = 0, bs = -Infinity; for (let e = 0; e < means.length; e++) { let v = 0; for (let d = 0; d < D; d++) v += W[e * D + d] * Q[i][d]; if (v > bs) (bs = v), (b = e); } if (b === yq[i]) right++; }
        }
        console.log(`ceiling: softmax classifier fitted on half the eval questions, decay ${decay}, 2-fold: held-out top-1 ${(right / inScope.length).toFixed(3)}`);
      }
    }
  }
  const grid = { diag: [0.001, 0.01, 0.1], lowrank: [0.001, 0.01, 0.1], softmax: [0.01, 0.1, 1] };
  for (const method of methods.filter((m) => grid[m])) {
    const t0 = performance.now();
    const fit = (L, which, hp) => method === 'diag' ? (NORMED ? diagNormedScore(fitDiagNormed(L, hp)) : diagScore(fitDiag(L, hp))) : method === 'lowrank' ? lowRankScore(fitLowRank(L, hp)) : ((W) => (q, m, e) => { let a = 0; for (let d = 0; d < D; d++) a += W[e * D + d] * q[d]; return a; })(fitSoftmax(X, y, which, hp));
    const rows = [];
    for (const decay of grid[method]) {
      for (const epochs of method === "diag" ? [60] : [40]) {
        const hp = { decay, epochs };
        const s = fit(Ltrain, split, hp);
        // softmax: validate on the held-out fifth against every FAQ (its own FAQ's weight saw the others only)
        const v = method === 'softmax' ? valid.filter((i) => { let b = 0, bs = -Infinity; means.forEach((m, e) => { const x = s(X[i], m, e); if (x > bs) (bs = x), (b = e); }); return b === y[i]; }).length / valid.length : listTop1(Lvalid, s);
        rows.push({ hp, v });
      }
    }
    const best = rows.reduce((a, b) => (b.v > a.v ? b : a));
    const sFull = fit(Lall, all, best.hp);
    const inS = method === 'softmax' ? 'n/a' : listTop1(Lall, sFull).toFixed(3);
    console.log(`${method}: KB-split validation ${rows.map((r) => `${JSON.stringify(r.hp)} ${r.v.toFixed(3)}`).join(', ')}; chosen ${JSON.stringify(best.hp)}; refit on all: in-sample ${inS}, held-out (eval) ${evalTop1(sFull).toFixed(3)}; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (method !== 'softmax') console.log(`  (baseline on the KB split's validation fifth: ${listTop1(Lvalid, cos).toFixed(3)})`);
    if (engineLists) {
      const w = engineWeight;
      const r = (f) => { let right = 0; for (const i of inScope) { const l = engineLists[i]; if (!l.length) continue; let b = l[0], bs = -Infinity; for (const c of l) { const v = f(i, c); if (v > bs) (bs = v), (b = c); } if (set.kb[b.e].id === set.queries[i].expected) right++; } return right / inScope.length; };
      const L = (i, c) => sFull(Q[i], means[c.e], c.e);
      const mixes = [0.05, 0.1, 0.2, 0.3, 0.5].map((m) => `${m}: ${r((i, c) => (1 - m) * c.score + m * L(i, c)).toFixed(3)}`);
      console.log(`  engine's first ten: as shipped ${r((i, c) => c.score).toFixed(3)}; learned score in place of the cosine (weight ${w}) ${r((i, c) => c.score + w * (L(i, c) - c.sem)).toFixed(3)}; mixed in at (ceiling) ${mixes.join(', ')}`);
    }
  }
}
