/**
 * Text splices for KB YAML files: insert new similar questions or a new FAQ as new text at
 * the source positions the `yaml` parser gives each node, leaving every other byte as the
 * author wrote it (`doc.toString()` would re-render the whole file: `[a, b]` → `[ a, b ]`,
 * quotes changed). Each splice is checked by parsing the result: it must be the old data
 * plus exactly the addition, else `undefined` and the caller re-stringifies instead.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isPair, isScalar, isSeq, parseDocument, stringify, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { FaqInput } from '../kb/schema.js';

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;
const lineEnd = (text: string, at: number) => {
  const n = text.indexOf('\n', at);
  return n === -1 ? text.length : n;
};
const column = (text: string, at: number) => at - lineStart(text, at);
const eol = (text: string) => (text.includes('\r\n') ? '\r\n' : '\n');

/** A string as a block-sequence item / flow-sequence item, quoted only if YAML needs it. */
const blockItem = (q: string) => stringify([q], { lineWidth: 0 }).replace(/^- /, '').trimEnd();
const flowItem = (q: string) => stringify([q], { lineWidth: 0, collectionStyle: 'flow', flowCollectionPadding: false }).trim().slice(1, -1);

function range(node: unknown): [number, number, number] | undefined {
  return (node as Node | undefined)?.range ?? undefined;
}

export function insertSimilarText(text: string, doc: Document, faq: YAMLMap, added: readonly string[]): string | undefined {
  const nl = eol(text);
  const similar = faq.get('similar', true);
  let out: string | undefined;
  if (isSeq(similar) && similar.flow) {
    const r = range(similar);
    if (!r) return undefined;
    const close = text.lastIndexOf(']', r[1]);
    if (close < r[0]) return undefined;
    const last = similar.items.at(-1);
    const at = last ? range(last)![1] : close;
    const items = added.map(flowItem).join(', ');
    out = text.slice(0, at) + (last ? `, ${items}` : items) + text.slice(at);
  } else if (isSeq(similar) && similar.items.length) {
    const last = similar.items.at(-1);
    const first = range(similar.items[0]);
    if (!first) return undefined;
    // The "- " of the first item gives the indentation of the new ones.
    const start = lineStart(text, first[0]);
    const prefix = text.slice(start, first[0]);
    if (!/^\s*-\s+$/.test(prefix)) return undefined;
    const at = lineEnd(text, contentEnd(last));
    out = text.slice(0, at) + added.map((q) => `${nl}${prefix}${blockItem(q)}`).join('') + text.slice(at);
  } else if (similar === undefined) {
    // No similar questions yet: a block list right after the `question:` line.
    const pair = faq.items.find((p) => isScalar(p.key) && p.key.value === 'question');
    const kr = range(pair?.key);
    const vr = range(pair?.value);
    if (!kr || !vr) return undefined;
    const indent = ' '.repeat(column(text, kr[0]));
    if (text.slice(lineStart(text, kr[0]), kr[0]).trim() !== '' && text.slice(lineStart(text, kr[0]), kr[0]).trim() !== '-') return undefined;
    const at = lineEnd(text, contentEnd(pair?.value));
    out = text.slice(0, at) + `${nl}${indent}similar:` + added.map((q) => `${nl}${indent}  - ${blockItem(q)}`).join('') + text.slice(at);
  }
  if (out === undefined) return undefined;
  return sameDataPlus(doc, out, (data) => {
    const f = faqById(data, String(faq.get('id')));
    if (!f) return false;
    f.similar = [...((f.similar as string[] | undefined) ?? []), ...added];
    return true;
  });
}

export function insertFaqText(text: string, doc: Document, faqs: YAMLSeq, faq: FaqInput): string | undefined {
  if (faqs.flow || faqs.items.length === 0) return undefined;
  const nl = eol(text);
  const first = range(faqs.items[0]);
  const last = range(faqs.items.at(-1));
  if (!first || !last) return undefined;
  const prefix = text.slice(lineStart(text, first[0]), first[0]);
  if (!/^\s*-\s+$/.test(prefix)) return undefined;
  const indent = ' '.repeat(prefix.indexOf('-'));
  // After the last FAQ's own text, before comments and blank lines that follow it.
  const at = lineEnd(text, contentEnd(faqs.items.at(-1)));
  const body = stringify([faq], { lineWidth: 0 }).trimEnd().split('\n').map((l) => `${indent}${l}`).join(nl);
  // FAQs separated by a blank line stay so.
  const gap = faqs.items.length > 1 && /\n[ \t]*\r?\n/.test(text.slice(lineEnd(text, contentEnd(faqs.items.at(-2))), last[0])) ? nl : '';
  const out = `${text.slice(0, at)}${nl}${gap}${body}${text.slice(at)}`;
  return sameDataPlus(doc, out, (data) => {
    if (!Array.isArray(data.faqs)) return false;
    data.faqs.push(JSON.parse(JSON.stringify(faq)));
    return true;
  });
}

/** Where a node's own text ends: its last scalar's end (a collection's range runs on over comments after it). */
function contentEnd(node: unknown): number {
  if ((isMap(node) || isSeq(node)) && !(node as YAMLSeq).flow && (node as YAMLSeq).items.length) {
    const lastItem = (node as YAMLSeq).items.at(-1) as unknown;
    return isPair(lastItem) ? contentEnd(lastItem.value ?? lastItem.key) : contentEnd(lastItem);
  }
  return range(node)?.[1] ?? 0;
}

type Data = { faqs?: Record<string, unknown>[] } & Record<string, unknown>;

function faqById(data: Data, id: string): Record<string, unknown> | undefined {
  return Array.isArray(data.faqs) ? data.faqs.find((f) => f && f.id === id) : undefined;
}

/** The splice is kept only if it parses cleanly to the old data with exactly the addition. */
function sameDataPlus(before: Document, after: string, add: (data: Data) => boolean): string | undefined {
  const expected = before.toJS() as Data;
  if (!add(expected)) return undefined;
  const doc = parseDocument(after);
  if (doc.errors.length) return undefined;
  return isDeepStrictEqual(doc.toJS(), expected) ? after : undefined;
}
