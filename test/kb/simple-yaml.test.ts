import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { readSimpleYaml } from '../../src/kb/simple-yaml';
import { parseKbFile } from '../../src/kb/parse';
import { sampleKb } from '../helpers';

/** What the `yaml` library reads: the value, and the line of every key and sequence item in document order. */
function library(text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, version: '1.2' });
  if (doc.errors.length) return { errors: true as const };
  const lines: number[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key)) lines.push(lineCounter.linePos(pair.key.range![0]).line);
    },
    Seq(_, seq) {
      for (const item of seq.items) lines.push(lineCounter.linePos((item as { range: [number] }).range[0]).line);
    },
  });
  return { value: doc.toJS(), lines };
}

/** The same from the fast reader (its lines in the same document order), or undefined when it leaves the file to the library. */
function fast(text: string) {
  const r = readSimpleYaml(text);
  if (!r) return undefined;
  const lines: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      // The library visits a sequence's items in order, then descends into each.
      lines.push(...(r.itemLines.get(v) ?? []));
      v.forEach(walk);
    } else if (v !== null && typeof v === 'object') {
      const keys = r.keyLines.get(v) ?? {};
      for (const k of Object.keys(keys)) {
        lines.push(keys[k]!);
        walk((v as Record<string, unknown>)[k]);
      }
    }
  };
  walk(r.value);
  return { value: r.value, lines };
}

const read = [
  // the form bench/match-scale.mjs and JSON-quoting writers produce
  'faqs:\n- id: "q0"\n  question: "形容人物表情神态的成语"\n  answer: "…"\n  similar:\n  - "a \\"b\\" \\\\ \\u00e9 \\n"\n  - \'it\'\'s\'\n',
  // indented items, blank lines, comments, trailing comments, `---`
  '# 售后\n---\nfaqs:\n  - id: return-apply   # the id\n    category: after-sales\n\n    question: 怎么申请退货\n    similar:\n      - 我想退货\n      # a comment inside\n      - C# 语言 #真的\n    answer: 在“我的-订单”中找到该订单：点击\n\n  - id: b\n    question: x\n    answer: y\n',
  // core-schema scalars
  'faqs:\n  - id: a\n    question: q\n    answer: a\n    threshold: 0.8\n    handoff: true\n    tags: []\n    priority: high\nthresholds:\n  answer: .5\n  clarify: 1e-1\nvariables: {}\nx: ~\ny: Null\nz: FALSE\nw: +12\nv: 3天能到吗\nu: 12:30\nt: http://a.b/c?d=e\nempty:\n',
  // one-line flow sequences, as the sample KB writes keywords and synonyms
  'synonyms:\n  - [退货, 退回去, return]\n  - [ "a, b" , \'c\'\'d\', 12, true ]  # x\nkeywords: []\npatterns: ["(怎么|如何) @退货", "@退货 流程"]\n',
  // a BOM inside quotes (copied text)
  'a: "\ufeff怎么更改"\nb:\n- \'x\ufeff\'\n',
  // `-   key` items: keys at the column of the first one
  'faqs:\n-   id: a\n    question: b\n    answer: c\n',
];

const leave = [
  'synonyms:\n  - [退货, [退回去]]\n', // nested flow sequence
  'a: [b,\n  c]\n', // flow sequence over lines
  'a: [b, , c]\n',
  'a: [b: c]\n', // flow pair
  'a: {b: c}\n', // flow mapping
  'faqs:\n  - id: a\n    answer: |\n      多行\n', // block scalar
  'faqs:\n  - &x id: a\n', // anchor
  'a: *x\n', // alias
  'a: !!str 1\n', // tag
  'a: b\n  c\n', // multi-line plain scalar
  'a: "b\n  c"\n', // multi-line quoted scalar
  'a: 1\na: 2\n', // duplicate key
  '__proto__: 1\n', // forbidden key
  'a:\tb\n', // tab
  'a: \ufeffx\n', // a BOM outside quotes
  '\ufeffa: 1\n',
  'a:\n  \ufeff- 1\n',
  'a: b\r\n', // CR
  'a: 0x1F\n', // hex: the library's
  'a: .inf\n',
  'a: -1\n',
  'a: "\\x41"\n', // a YAML-only escape
  'a: b: c\n', // nested compact mapping (an error)
  'a: "b" c\n', // text after a closing quote (an error)
  '"a": b\n', // quoted key
  '- - a\n', // nested sequence in one line
  '---\na: 1\n---\nb: 2\n', // two documents
  '%YAML 1.2\n---\na: 1\n',
  'a: 1\n  b: 2\n', // bad indentation
  'a:\n  - b\n c: 1\n', // indentation between levels
  '',
  '# only a comment\n',
];

describe('readSimpleYaml', () => {
  it.each(read.map((t, i) => [i, t]))('reads form %i exactly as the yaml library does, lines included', (_, text) => {
    const lib = library(text);
    expect(lib.errors).toBeUndefined();
    expect(fast(text)).toEqual(lib);
  });

  it.each(leave.map((t) => [JSON.stringify(t), t]))('leaves %s to the yaml library', (_, text) => {
    expect(readSimpleYaml(text)).toBeUndefined();
  });

  it('reads every sample KB file it accepts as the library does, and accepts the block-only ones', () => {
    let accepted = 0;
    for (const name of readdirSync(sampleKb)) {
      const text = readFileSync(path.join(sampleKb, name), 'utf8');
      const got = fast(text);
      if (!got) continue;
      accepted++;
      expect(got, name).toEqual(library(text));
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('gives parseKbFile the same data, FAQ lines and field lines as the library path', () => {
    const text = read[1]!;
    const viaFast = parseKbFile(text, 'a.yaml');
    // The same file as JSON-ish YAML the fast reader leaves alone (a flow mapping at the end).
    const viaLibrary = parseKbFile(`${text}variables: { }\n`, 'a.yaml');
    expect(viaFast.problems).toEqual([]);
    expect(viaFast.data).toEqual({ ...viaLibrary.data, variables: undefined });
    expect(viaFast.faqLines).toEqual(viaLibrary.faqLines);
    expect(viaFast.faqFieldLines).toEqual(viaLibrary.faqFieldLines);
    expect(viaFast.faqFieldLines![0]).toMatchObject({ id: 4, question: 7, 'similar[1]': 11 });
  });

  it('leaves a file with a schema error to the library, which locates it', () => {
    const r = parseKbFile('faqs:\n  - id: a\n    question: q\n    answer: x\n    answr: x\n', 'a.yaml');
    expect(r.problems[0]).toMatchObject({ code: 'unknown-field', line: 5 });
  });
});
