import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WordPieceTokenizer } from '../../src/embed/tokenizer';

const ROOT = join(__dirname, '../..');
const vocab = readFileSync(join(ROOT, 'models/bge-small-zh-v1.5/vocab.txt'), 'utf8');
// Ids from the reference tokenizer (Hugging Face tokenizers, reading the model's tokenizer.json),
// written by scripts/tokenizer-reference.mjs for the project's own texts and edge cases.
const reference = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/embed/tokenizer-reference.json'), 'utf8')) as { cases: { text: string; ids: number[] }[] };

describe('WordPieceTokenizer (bge-small-zh-v1.5)', () => {
  const tok = WordPieceTokenizer.fromVocabText(vocab);

  it(`gives the reference ids on ${reference.cases.length} texts (sample KB, cases, edge cases)`, () => {
    expect(reference.cases.length).toBeGreaterThan(300);
    const wrong = reference.cases.filter((c) => tok.encode(c.text).join() !== c.ids.join());
    expect(wrong.map((c) => c.text)).toEqual([]);
  });

  it('keeps case (the model is cased), splits CJK characters and punctuation', () => {
    const ids = tok.encode('iPhone退货？');
    const back = new Map([...tok.vocab].map(([t, i]) => [i, t]));
    expect(ids.map((i) => back.get(i))).toEqual(['[CLS]', '[UNK]', '退', '货', '？', '[SEP]']);
    expect(tok.encode('ABC')).not.toEqual(tok.encode('abc'));
  });

  it('cuts long texts to maxLength, [SEP] kept last', () => {
    const short = WordPieceTokenizer.fromVocabText(vocab, { maxLength: 8 });
    const ids = short.encode('退'.repeat(50));
    expect(ids).toHaveLength(8);
    expect(ids[7]).toBe(tok.vocab.get('[SEP]'));
  });
});
