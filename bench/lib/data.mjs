// Loads the evaluation sets from ../shared/eval at run time. Never copy their
// sentences into the repository (research-only licences, see that README).
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const ALL_SETS = ['zh-bq-dev', 'en-clinc-dev', 'zh-afqmc-scale', 'zh-scale-100k'];
/**
 * Sets only some systems run: at 100,000 entries NLP.js cannot train within the cap (it hits
 * it at 10,393 intents) and fuse.js scans every sentence per query (it hits the query cap at
 * 10,393), so the 100k step compares kefu with MiniSearch only.
 */
export const SET_SYSTEMS = { 'zh-scale-100k': ['kefu', 'minisearch'] };
/**
 * Options per set: at 100,000 entries kefu runs lexical (the scale step of the engine), as
 * embedding 99,680 questions cold (~3 ms each, 5 min of CPU) does not fit the build cap.
 */
export const SET_OPTIONS = { 'zh-scale-100k': { kefu: { semantic: false } } };
export const SCALE_SET = 'zh-afqmc-scale';
export const SCALE_SIZES = [100, 1000, null]; // null = every entry

export function evalDir() {
  return process.env.KEFU_EVAL_DIR
    ? path.resolve(process.env.KEFU_EVAL_DIR)
    : path.resolve(repoRoot, '../shared/eval');
}

export function setLanguage(name) {
  return name.startsWith('en-') ? 'en' : 'zh';
}

function readJsonl(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: ${e.message}`);
      }
    });
}

export function setExists(name, dir = evalDir()) {
  return existsSync(path.join(dir, name, 'kb.jsonl')) && existsSync(path.join(dir, name, 'queries.jsonl'));
}

/** @returns {{name: string, lang: 'zh'|'en', kb: {id: string, question: string, similar: string[]}[], queries: {text: string, expected: string|null}[]}} */
export function loadSet(name, dir = evalDir()) {
  const folder = path.join(dir, name);
  if (!setExists(name, dir)) throw new Error(`evaluation set not found: ${folder} (set KEFU_EVAL_DIR)`);
  const kb = readJsonl(path.join(folder, 'kb.jsonl')).map((e) => ({
    id: String(e.id),
    question: e.question,
    similar: Array.isArray(e.similar) ? e.similar : [],
  }));
  const queries = readJsonl(path.join(folder, 'queries.jsonl')).map((q) => ({
    text: q.text,
    expected: q.expected == null ? null : String(q.expected),
  }));
  return { name, lang: setLanguage(name), kb, queries };
}

/** The first n KB entries, the in-scope queries whose expected id is among them, all out-of-scope queries. */
export function subsetSet(set, n) {
  if (n == null || n >= set.kb.length) return { ...set, size: set.kb.length };
  const kb = set.kb.slice(0, n);
  const ids = new Set(kb.map((e) => e.id));
  const queries = set.queries.filter((q) => q.expected === null || ids.has(q.expected));
  return { ...set, kb, queries, size: n };
}

/** Deterministic PRNG (mulberry32). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The query order every system sees: a seeded Fisher-Yates shuffle (the files are
 * grouped by intent, so a capped or limited run would otherwise score only the first
 * intents), then the first `limit` queries.
 */
export function orderQueries(queries, { seed = 1, limit = null } = {}) {
  const out = queries.slice();
  const rnd = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return limit != null && limit < out.length ? out.slice(0, limit) : out;
}

/** All sentences of an entry, question first. */
export function entrySentences(entry) {
  return [entry.question, ...entry.similar].filter((s) => typeof s === 'string' && s.length > 0);
}
