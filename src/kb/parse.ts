/**
 * Parsing one KB file's text (YAML or JSON) into validated data plus located problems.
 * Web-standard only: the Node loader reads the files, this module never touches disk.
 *
 * Hostile input is refused before it can hurt: oversized text, `__proto__`/`constructor`
 * keys, alias bombs (YAML anchors expanding exponentially) and absurd nesting.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { KefuProblem, KefuProblemCode } from '../errors.js';
import { closest } from '../did-you-mean.js';
import { KbFileSchema, type KbFileData } from './schema.js';
import { readSimpleYaml } from './simple-yaml.js';

export interface ParseKbOptions {
  /** Largest file accepted, in bytes (UTF-8, as on disk). Default 5,000,000 (5 MB). */
  maxFileBytes?: number;
  /** Deepest nesting accepted. Default 32 (a KB file needs about 5). */
  maxDepth?: number;
  /** How many alias expansions a YAML file may use. Default 100. */
  maxAliases?: number;
}

export interface ParsedKbFile {
  file: string;
  /** Validated content, or undefined when the file had errors. */
  data?: KbFileData;
  /** 1-based line of each FAQ (by index in `faqs`), when known. */
  faqLines: (number | undefined)[];
  /** Per FAQ: line of each field, e.g. `question`, `similar[2]`, `patterns[0]`. */
  faqFieldLines?: Record<string, number>[];
  problems: KefuProblem[];
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const KNOWN_FIELDS: Record<string, string[]> = {
  file: ['faqs', 'synonyms', 'vocabulary', 'stopwords', 'categories', 'thresholds', 'variables'],
  faq: ['id', 'question', 'similar', 'answer', 'category', 'keywords', 'required', 'patterns', 'handoff', 'priority', 'threshold', 'tags'],
  category: ['id', 'name', 'handoff', 'priority'],
  thresholds: ['answer', 'clarify'],
};

export const KB_FILE_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** The default `maxFileBytes`: 5 MB. */
export const MAX_FILE_BYTES = 5_000_000;

/** The `file-too-large` message: the size, the limit and how to change it. */
export function tooLarge(bytes: number, maxFileBytes: number): string {
  const size = (n: number) => `${n.toLocaleString('en-US')} bytes${n >= 100_000 ? ` (${(n / 1_000_000).toFixed(n % 1_000_000 === 0 ? 0 : 1)} MB)` : ''}`;
  return `file is ${size(bytes)}, over the limit of ${size(maxFileBytes)}; split it into several files, or raise maxFileBytes`;
}

/** Bytes of `text` in UTF-8, without encoding it (web-standard code has no Buffer). */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4; // a surrogate pair: one 4-byte character
      i++;
    } else n += 3;
  }
  return n;
}

/** Parse and validate one KB file. Never throws for bad content: everything wrong is in `problems`. */
export function parseKbFile(text: string, file: string, options: ParseKbOptions = {}): ParsedKbFile {
  const { maxFileBytes = MAX_FILE_BYTES, maxDepth = 32, maxAliases = 100 } = options;
  const result: ParsedKbFile = { file, faqLines: [], problems: [] };
  const fail = (code: KefuProblemCode, message: string, line?: number, path?: string) => {
    result.problems.push({ severity: 'error', code, message, file, line, path });
    return result;
  };
  // A UTF-8 character takes 1 to 4 bytes: only texts near the limit need counting.
  if (text.length > maxFileBytes / 4) {
    const bytes = utf8Length(text);
    if (bytes > maxFileBytes) return fail('file-too-large', tooLarge(bytes, maxFileBytes));
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  if (file.toLowerCase().endsWith('.json')) {
    // The YAML parser below also reads JSON (and gives lines), but forgives JSON errors
    // such as trailing commas: JSON.parse is the judge of validity.
    try {
      JSON.parse(text);
    } catch (err) {
      const msg = (err as Error).message;
      const pos = /position (\d+)/.exec(msg);
      const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
      return fail('parse-error', `not valid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, line);
    }
  }
  // Most KB files are plain block YAML: read fast, and through the `yaml` library (which
  // also locates every problem) only when they are not, or when something in them is wrong.
  if (!file.toLowerCase().endsWith('.json')) {
    const fast = readSimpleFile(text, file);
    if (fast) return fast;
  }
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, version: '1.2' });
  } catch (err) {
    if (err instanceof RangeError) return fail('too-deep', `nesting is too deep to parse (more than ${maxDepth} levels)`);
    throw err;
  }
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

  if (doc.errors.length > 0) {
    for (const e of doc.errors.slice(0, 5)) {
      const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      fail('parse-error', `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${msg}`, lineOf(e.pos[0]));
    }
    return result;
  }

  // Walk the syntax tree once: forbidden keys and nesting depth, before anything becomes a JS object.
  let tooDeep: number | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && FORBIDDEN_KEYS.has(String(pair.key.value))) {
        fail('forbidden-key', `key "${String(pair.key.value)}" is not allowed`, lineOf(pair.key.range?.[0]));
      }
    },
    Node(_, node, path) {
      if (tooDeep === undefined && (isMap(node) || isSeq(node)) && path.length / 2 > maxDepth) tooDeep = lineOf(node.range?.[0]);
    },
  });
  if (tooDeep !== undefined) fail('too-deep', `nesting is deeper than ${maxDepth} levels`, tooDeep);
  if (result.problems.length) return result;

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: maxAliases });
  } catch (err) {
    if (err instanceof ReferenceError || /alias/i.test(String(err))) {
      return fail('alias-bomb', `too many YAML alias expansions (limit ${maxAliases}); write the content out instead of aliasing it`);
    }
    if (err instanceof RangeError) return fail('too-deep', `nesting is too deep (more than ${maxDepth} levels)`);
    throw err;
  }
  if (raw === null || raw === undefined) {
    return fail('no-faqs', 'file is empty: expected a top-level `faqs` list');
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return fail('schema', 'expected a mapping with a top-level `faqs` list, e.g. `faqs:\\n  - id: …`', 1);
  }

  const faqNodes = doc.get('faqs');
  if (isSeq(faqNodes)) {
    result.faqLines = faqNodes.items.map((n) => lineOf((n as { range?: [number] }).range?.[0]));
    result.faqFieldLines = faqNodes.items.map((n) => {
      const lines: Record<string, number> = {};
      if (!isMap(n)) return lines;
      for (const pair of n.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const at = lineOf(pair.key.range?.[0]);
        if (at) lines[key] = at;
        if (isSeq(pair.value)) {
          pair.value.items.forEach((item, j) => {
            const l = lineOf((item as { range?: [number] }).range?.[0]);
            if (l) lines[`${key}[${j}]`] = l;
          });
        }
      }
      return lines;
    });
  }

  const parsed = KbFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) result.problems.push(issueToProblem(issue, raw, doc, file, lineOf));
    return result;
  }
  result.data = parsed.data;
  return result;
}

/** A valid file read by simple-yaml.ts, with the same lines the `yaml` path gives; else undefined. */
function readSimpleFile(text: string, file: string): ParsedKbFile | undefined {
  const simple = readSimpleYaml(text);
  const raw = simple?.value;
  if (!simple || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const parsed = KbFileSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const result: ParsedKbFile = { file, data: parsed.data, faqLines: [], problems: [] };
  const faqs = (raw as { faqs?: unknown }).faqs;
  if (Array.isArray(faqs)) {
    result.faqLines = simple.itemLines.get(faqs) ?? [];
    result.faqFieldLines = faqs.map((faq: unknown) => {
      const lines: Record<string, number> = {};
      const keys = faq !== null && typeof faq === 'object' ? simple.keyLines.get(faq) : undefined;
      if (!keys) return lines;
      for (const key of Object.keys(keys)) {
        lines[key] = keys[key]!;
        const value = (faq as Record<string, unknown>)[key];
        if (Array.isArray(value)) simple.itemLines.get(value)?.forEach((l, j) => (lines[`${key}[${j}]`] = l));
      }
      return lines;
    });
  }
  return result;
}

/**
 * Validate an already-parsed object (a KB passed in memory, or JSON from elsewhere).
 * Same checks as files, without line numbers.
 */
export function validateKbObject(raw: unknown, file = '<object>'): ParsedKbFile {
  const result: ParsedKbFile = { file, faqLines: [], problems: [] };
  const forbidden = findForbiddenKey(raw, 0);
  if (forbidden) {
    result.problems.push({ severity: 'error', code: forbidden.code, message: forbidden.message, file, path: forbidden.path });
    return result;
  }
  const parsed = KbFileSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) result.problems.push(issueToProblem(issue, raw, undefined, file, () => undefined));
  } else result.data = parsed.data;
  return result;
}

function findForbiddenKey(v: unknown, depth: number, path: (string | number)[] = []): { code: KefuProblemCode; message: string; path: string } | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  if (depth > 32) return { code: 'too-deep', message: 'nesting is deeper than 32 levels', path: formatPath(path) };
  for (const key of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(key)) return { code: 'forbidden-key', message: `key "${key}" is not allowed`, path: formatPath([...path, key]) };
    const found = findForbiddenKey((v as Record<string, unknown>)[key], depth + 1, [...path, Array.isArray(v) ? Number(key) : key]);
    if (found) return found;
  }
  return undefined;
}

function issueToProblem(
  issue: z.core.$ZodIssue,
  raw: unknown,
  doc: Document.Parsed | undefined,
  file: string,
  lineOf: (offset: number | undefined) => number | undefined,
): KefuProblem {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  let code: KefuProblemCode = 'schema';
  let message = issue.message;
  let nodePath = path;
  if (issue.code === 'unrecognized_keys') {
    code = 'unknown-field';
    const kind = kindOf(path);
    const hints = issue.keys.map((k) => {
      const near = closest(k, KNOWN_FIELDS[kind] ?? []);
      return near ? `"${k}" (did you mean "${near}"?)` : `"${k}"`;
    });
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${hints.join(', ')}; allowed: ${(KNOWN_FIELDS[kind] ?? []).join(', ')}`;
    nodePath = [...path, issue.keys[0]];
  } else if (issue.code === 'custom' && /must not be empty/.test(issue.message)) {
    code = 'empty-text';
  } else if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && valueAt(raw, path) === undefined) {
    message = `missing required field "${String(path[path.length - 1])}"`;
  } else if (issue.code === 'invalid_type' && /^expected/.test(message)) {
    message = `${message}, got ${describe(valueAt(raw, path))}`;
  }
  let faqId: string | undefined;
  if (path[0] === 'faqs' && typeof path[1] === 'number') {
    const faq = valueAt(raw, ['faqs', path[1]]) as { id?: unknown } | undefined;
    faqId = typeof faq?.id === 'string' && faq.id ? faq.id : `#${path[1]}`;
  }
  return { severity: 'error', code, message, file, line: doc ? lineOf(locate(doc, nodePath)) : undefined, faqId, path: formatPath(path) || undefined };
}

function kindOf(path: (string | number)[]): string {
  if (path.length === 0) return 'file';
  if (path[0] === 'faqs') return 'faq';
  if (path[0] === 'categories') return 'category';
  return String(path[0]);
}

/** Offset of the deepest node that exists along `path` (a missing field points at its parent). */
function locate(doc: Document.Parsed, path: (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (!pair) break;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
      if (path[path.length - 1] === key) break;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
    } else break;
    offset = (node as { range?: [number] } | null)?.range?.[0] ?? offset;
  }
  return offset;
}

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Object.hasOwn(v, k) ? (v as Record<string | number, unknown>)[k] : undefined;
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 30)}…` : v)}`;
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
}

/** `faqs[3].answer` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
