/**
 * A fast reader for the plain block YAML that KB files usually are (and that kefu's own
 * writers produce): block mappings and sequences, plain, "double" and 'single' quoted
 * one-line scalars, comments, `[]` and `{}`. The `yaml` library builds a full syntax tree
 * with positions (~2 MB/s): on 100,000 FAQs in 20 files that was most of `kefu match`'s
 * load. Anything outside this subset (flow collections, block scalars, anchors, tags,
 * multi-line scalars, tabs, CR line ends, duplicate or forbidden keys, anything invalid)
 * returns undefined and the caller parses the file with the `yaml` library, which is also
 * what locates every error: this reader only ever reads files that are fine.
 *
 * Values follow the YAML 1.2 core schema as the `yaml` library resolves it (null, booleans,
 * decimal integers and floats); the forms it resolves otherwise (hex, octal, .inf, .nan)
 * are left to the library. test/kb/simple-yaml.test.ts compares both on every file form.
 */

export interface SimpleYaml {
  value: unknown;
  /** Line (1-based) of each key of each mapping, by mapping. */
  keyLines: Map<object, Record<string, number>>;
  /** Line (1-based) of each item of each sequence, by sequence. */
  itemLines: Map<unknown[], number[]>;
}

/** Thrown inside the reader when the text leaves the subset; never escapes it. */
const LEAVE = Symbol('not simple YAML');

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
/** A key and its colon; block KB keys are identifiers (a quoted or odd key goes to the library). */
const KEY = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;
const NULL_OR_BOOL = /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
/**
 * Characters this reader does not judge: tabs, CR, other controls, NEL and the Unicode line
 * separators. A BOM is read inside quotes only (copied questions carry them).
 */
const UNSUPPORTED_TEXT = /[\x00-\x08\x09\x0b-\x1f\x7f\u0085\u2028\u2029]/;
/** A plain scalar may not start with an indicator. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const MAX_DEPTH = 32;

/** The file's value and positions, or undefined when the `yaml` library must read it. */
export function readSimpleYaml(text: string): SimpleYaml | undefined {
  if (UNSUPPORTED_TEXT.test(text)) return undefined;
  try {
    return new Reader(text).read();
  } catch (err) {
    if (err === LEAVE || err instanceof RangeError) return undefined;
    throw err;
  }
}

class Reader {
  /** The meaningful lines (not blank, not comments): indentation, content, 1-based line number. */
  private readonly indent: number[] = [];
  private readonly body: string[] = [];
  private readonly lineNo: number[] = [];
  private at = 0;
  private readonly keyLines = new Map<object, Record<string, number>>();
  private readonly itemLines = new Map<unknown[], number[]>();

  constructor(text: string) {
    const lines = text.split('\n');
    for (let l = 0; l < lines.length; l++) {
      const s = lines[l]!;
      let n = 0;
      while (s.charCodeAt(n) === 32) n++;
      if (n === s.length || s.charCodeAt(n) === 35 /* # */) continue;
      const body = s.slice(n);
      if (n === 0 && (body.startsWith('---') || body.startsWith('...') || body[0] === '%')) {
        // One leading document start is fine; documents, directives or an end marker are not.
        if (body === '---' && this.body.length === 0) continue;
        throw LEAVE;
      }
      this.indent.push(n);
      this.body.push(body);
      this.lineNo.push(l + 1);
    }
  }

  read(): SimpleYaml {
    if (this.body.length === 0) throw LEAVE;
    const value = this.node(this.indent[0]!, 0);
    if (this.at !== this.body.length) throw LEAVE;
    return { value, keyLines: this.keyLines, itemLines: this.itemLines };
  }

  private node(n: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw LEAVE;
    return isItem(this.body[this.at]!) ? this.sequence(n, depth) : this.mapping(n, depth);
  }

  private mapping(n: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const lines: Record<string, number> = {};
    const { indent, body } = this;
    while (this.at < body.length && indent[this.at] === n) {
      const m = KEY.exec(body[this.at]!);
      if (!m) throw LEAVE;
      const key = m[1]!;
      if (FORBIDDEN.has(key) || NULL_OR_BOOL.test(key) || Object.hasOwn(out, key)) throw LEAVE;
      lines[key] = this.lineNo[this.at]!;
      const rest = body[this.at]!.slice(m[0].length);
      this.at++;
      if (rest === '' || rest[0] === '#') {
        // The value is the block below: deeper, or a sequence at the key's own column.
        const next = indent[this.at];
        if (next !== undefined && next > n) out[key] = this.node(next, depth + 1);
        else if (next === n && isItem(body[this.at]!)) out[key] = this.sequence(n, depth + 1);
        else out[key] = null;
      } else {
        out[key] = this.scalar(rest, lines[key]);
        if (this.at < body.length && indent[this.at]! > n) throw LEAVE; // a continuation line
      }
    }
    if (this.at < body.length && indent[this.at]! > n) throw LEAVE;
    this.keyLines.set(out, lines);
    return out;
  }

  private sequence(n: number, depth: number): unknown[] {
    const out: unknown[] = [];
    const lines: number[] = [];
    const { indent, body } = this;
    while (this.at < body.length && indent[this.at] === n && isItem(body[this.at]!)) {
      const line = body[this.at]!;
      let k = 1;
      while (line.charCodeAt(k) === 32) k++;
      const rest = line.slice(k);
      if (rest === '' || rest[0] === '#' || isItem(rest)) throw LEAVE;
      lines.push(this.lineNo[this.at]!);
      if (KEY.test(rest)) {
        // `- key: value`: a mapping whose keys stand at the column of this first one.
        indent[this.at] = n + k;
        body[this.at] = rest;
        out.push(this.mapping(n + k, depth + 1));
      } else {
        out.push(this.scalar(rest, this.lineNo[this.at]!));
        this.at++;
      }
      if (this.at < body.length && indent[this.at]! > n) throw LEAVE;
    }
    this.itemLines.set(out, lines);
    return out;
  }

  /** A one-line value; a flow sequence's items all stand on its line. */
  private scalar(rest: string, line: number): unknown {
    const value = scalar(rest);
    if (Array.isArray(value)) this.itemLines.set(value, value.map(() => line));
    return value;
  }
}

function isItem(body: string): boolean {
  return body.charCodeAt(0) === 45 /* - */ && (body.length === 1 || body.charCodeAt(1) === 32);
}

/** A one-line scalar (the text after `key: ` or `- `), with an optional trailing comment. */
function scalar(rest: string): unknown {
  const c = rest.charCodeAt(0);
  if (c === 34 /* " */ || c === 39 /* ' */) {
    const end = closingQuote(rest, 0);
    trailing(rest, end + 1);
    const inner = rest.slice(1, end);
    return c === 34 ? doubleQuoted(inner) : inner.replaceAll("''", "'");
  }
  let s = rest;
  const hash = s.indexOf(' #');
  if (hash >= 0) s = s.slice(0, hash);
  let e = s.length;
  while (s.charCodeAt(e - 1) === 32) e--;
  s = s.slice(0, e);
  if (c === 91 /* [ */) return flowSequence(rest);
  if (s === '{}') return {};
  return plain(s);
}

/** A plain scalar's value by the core schema. */
function plain(s: string): unknown {
  if (s === '' || INDICATOR.test(s) || s.includes(': ') || s.endsWith(':') || s.includes('\ufeff')) throw LEAVE;
  if (NULL_OR_BOOL.test(s)) return s === '~' || s[0] === 'n' || s[0] === 'N' ? null : s[0] === 't' || s[0] === 'T';
  if (INT.test(s)) return parseInt(s, 10);
  if (FLOAT.test(s)) return parseFloat(s);
  if (OTHER_NUMBER.test(s)) throw LEAVE;
  return s;
}

/** The escapes YAML shares with JSON read alike; YAML's own (\e, \N, \x41, …) go to the library. */
function doubleQuoted(inner: string): string {
  if (!inner.includes('\\')) return inner;
  if (inner.replace(JSON_ESCAPE, '').includes('\\')) throw LEAVE;
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    throw LEAVE;
  }
}
const JSON_ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/g;

/**
 * A one-line flow sequence of scalars, `[退货, "申请 退货", 'a']` (the sample KB's keywords
 * and patterns). Nested collections, empty items and plain items with flow indicators are
 * the library's.
 */
function flowSequence(rest: string): unknown[] {
  const out: unknown[] = [];
  let k = 1;
  const skipSpaces = () => {
    while (rest.charCodeAt(k) === 32) k++;
  };
  skipSpaces();
  if (rest.charCodeAt(k) === 93 /* ] */) {
    trailing(rest, k + 1);
    return out;
  }
  for (;;) {
    skipSpaces();
    const c = rest.charCodeAt(k);
    if (c === 34 || c === 39) {
      const end = closingQuote(rest, k);
      const inner = rest.slice(k + 1, end);
      out.push(c === 34 ? doubleQuoted(inner) : inner.replaceAll("''", "'"));
      k = end + 1;
      skipSpaces();
    } else {
      let e = k;
      while (e < rest.length && !FLOW_STOP.has(rest.charCodeAt(e))) e++;
      let t = e;
      while (rest.charCodeAt(t - 1) === 32) t--;
      const item = rest.slice(k, t);
      if (item.includes(' #') || item.includes(':')) throw LEAVE;
      out.push(plain(item));
      k = e;
    }
    const sep = rest.charCodeAt(k);
    if (sep === 93 /* ] */) break;
    if (sep !== 44 /* , */) throw LEAVE;
    k++;
  }
  trailing(rest, k + 1);
  return out;
}
const FLOW_STOP = new Set([44, 91, 93, 123, 125]); // , [ ] { }

/** Index of the quote closing the one at `start` (`\"` and `''` are escaped quotes). */
function closingQuote(rest: string, start: number): number {
  const q = rest[start]!;
  let end = start;
  for (let from = start + 1; ; from = end + (q === "'" ? 2 : 1)) {
    end = rest.indexOf(q, from);
    if (end < 0) throw LEAVE; // continues on the next line
    if (q === "'") {
      if (rest.charCodeAt(end + 1) !== 39) return end;
    } else {
      let slashes = 0;
      while (rest.charCodeAt(end - 1 - slashes) === 92) slashes++;
      if (slashes % 2 === 0) return end;
    }
  }
}

/** After a closing quote: nothing, or spaces and a comment. */
function trailing(rest: string, from: number): void {
  if (from === rest.length) return;
  let k = from;
  while (rest.charCodeAt(k) === 32) k++;
  if (k === rest.length || (k > from && rest.charCodeAt(k) === 35)) return;
  throw LEAVE;
}
