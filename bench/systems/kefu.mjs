// kefu adapter. Imports the built package (../../dist/index.js from here, i.e.
// <repo>/dist/index.js; `npm run bench` builds it first). KEFU_DIST=<path to an
// index.js> points it elsewhere (e.g. a stand-in while dist/ does not exist yet).
//
// Mapping of kefu's result (KefuMatch) to the benchmark record:
//   type       = r.type ('answer' | 'clarify' | 'fallback'); only 'answer' counts as answered.
//   id         = r.id (kefu's best FAQ whatever the type; null when nothing matched),
//                else the first candidate's id.
//   score      = r.confidence (the best FAQ's calibrated confidence) when r.id is set,
//                else the first candidate's confidence.
//   candidates = r.candidates (best first; kefu lists 3 by default, and a 'clarify' lists
//                only those it offers), with r.id put first if it is missing from them.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../lib/data.mjs';

export const label = 'kefu';
export const packageName = null; // this repository

export function distPath() {
  return process.env.KEFU_DIST ? path.resolve(process.env.KEFU_DIST) : path.join(repoRoot, 'dist', 'index.js');
}

export async function loadKefu() {
  const file = distPath();
  try {
    return await import(pathToFileURL(file).href);
  } catch (e) {
    if (e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(file)) {
      throw new Error(`kefu is not built (${path.relative(process.cwd(), file) || file} missing): run npm run build`);
    }
    throw e;
  }
}

export function toRecordResult(r) {
  const cands = Array.isArray(r?.candidates) ? r.candidates.map((c) => ({ id: c.id, score: c.confidence })) : [];
  if (r?.id != null && !cands.some((c) => c.id === r.id)) cands.unshift({ id: r.id, score: r.confidence });
  const id = r?.id ?? cands[0]?.id ?? null;
  const score = r?.id != null ? r.confidence : cands[0]?.score ?? r?.confidence ?? 0;
  return { type: r?.type ?? 'fallback', id, score, candidates: cands };
}

/** kefu/text (loadSegmenter) and the internal entry (ABLATIONS) sit beside index.js; older builds exported both from index.js. */
async function loadBeside(name, mod) {
  const file = path.join(path.dirname(distPath()), name);
  try {
    statSync(file);
  } catch {
    return mod;
  }
  return import(pathToFileURL(file).href);
}

export async function create({ options = {}, setName } = {}) {
  const index = await loadKefu();
  const mod = { ...index, ...(await loadBeside('text.js', index)), ...(await loadBeside('internal.js', index)) };
  for (const fn of ['createMatcher', 'loadSegmenter']) {
    if (typeof mod[fn] !== 'function') throw new Error(`kefu dist does not export ${fn}()`);
  }
  const ablate = options.ablate ?? [];
  // KEFU_SEMANTIC=0 measures the lexical-only mode.
  const semantic = options.semantic !== false && process.env.KEFU_SEMANTIC !== '0' && !ablate.includes('semantic');
  let matcher = null;
  const meta = {
    // which build was measured: others may rebuild dist/ while a long run is going on
    distBuiltAt: statSync(distPath()).mtime.toISOString(),
    ablations: Array.isArray(mod.ABLATIONS) ? [...mod.ABLATIONS] : null,
    ablate,
  };
  return {
    name: 'kefu',
    label,
    decides: true,
    meta,
    async prepare() {
      const t0 = performance.now();
      const seg = await mod.loadSegmenter();
      const wall = performance.now() - t0;
      meta.dictName = seg?.name ?? 'unknown';
      meta.dictLoadMs = typeof seg?.loadMs === 'number' ? seg.loadMs : wall;
      meta.dictLoadWallMs = wall;
      // The model loads once per process, like the dictionary: reported beside it, not in the build.
      if (semantic && typeof mod.loadEmbedder === 'function') meta.modelLoadMs = (await mod.loadEmbedder()).info.loadMs;
    },
    async build(kb) {
      const faqs = kb.map((e) => ({ id: e.id, question: e.question, similar: e.similar, answer: '…' }));
      // Semantic vectors are reused across runs from bench/.cache/vectors-<set>.bin (the warm
      // build; the first run on a machine embeds the set cold and writes it), never elsewhere.
      const vectorCache = semantic ? path.join(repoRoot, `bench/.cache/vectors-${setName ?? 'all'}.bin`) : undefined;
      if (vectorCache) {
        mkdirSync(path.dirname(vectorCache), { recursive: true });
        meta.vectorCache = existsSync(vectorCache) ? 'warm' : 'cold';
      }
      const c0 = process.cpuUsage();
      matcher = await mod.createMatcher({ faqs }, { ablate, semantic, vectorCache });
      const cpu = process.cpuUsage(c0);
      meta.buildCpuMs = (cpu.user + cpu.system) / 1000;
      meta.embedding = matcher.embedding;
      meta.semantic = matcher.semantic;
    },
    query(text) {
      if (!matcher.semantic.on) return toRecordResult(matcher.match(text));
      return matcher.prepare(text).then((p) => toRecordResult(matcher.match(p)));
    },
  };
}
