/**
 * Issue 18, item 3: KB files must be UTF-8 (error names file, byte offset, likely encoding);
 * CSV imports detect UTF-8 / UTF-16 / GBK / Big5 or take an encoding, and refuse garbage.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readKnowledgeBase } from '../../src/index';
import { readSpreadsheet } from '../../src/cli/tools/spreadsheet';
import { tempKb } from '../helpers';

const YAML = 'faqs:\n  - id: return\n    question: 这件衣服可以退货吗\n    answer: 七天无理由退货。\n';
const CSV = 'id,question,answer\nreturn,這件衣服可以退貨嗎,七天無理由退貨。\nship,多久發貨,四十八小時內發貨。\n';

async function kbProblems(bytes: Buffer) {
  const dir = tempKb({});
  writeFileSync(path.join(dir, 'faq.yaml'), bytes);
  return (await readKnowledgeBase(dir)).problems.filter((p) => p.severity === 'error');
}

describe('KB files must be UTF-8', () => {
  it('accepts UTF-8 with or without a BOM', async () => {
    expect(await kbProblems(Buffer.from(YAML))).toEqual([]);
    expect(await kbProblems(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(YAML)]))).toEqual([]);
  });

  it('refuses GBK naming the file, the byte offset and GBK', async () => {
    const [p] = await kbProblems(iconv.encode(YAML, 'gbk'));
    expect(p).toMatchObject({ code: 'bad-encoding', file: expect.stringMatching(/faq\.yaml$/) });
    expect(p!.message).toMatch(/not valid UTF-8: byte 0x[0-9A-F]{2} at byte offset 35; it looks like GBK/);
  });

  it('refuses UTF-16 with a BOM and without one, saying UTF-16', async () => {
    const [a] = await kbProblems(iconv.encode(YAML, 'utf16le', { addBOM: true }));
    expect(a!.message).toMatch(/UTF-16 \(little-endian\) \(byte-order mark at byte 0\)/);
    const [b] = await kbProblems(iconv.encode(YAML, 'utf16-be'));
    expect(b!.message).toMatch(/UTF-16/);
  });

  it('refuses stray invalid bytes with their offset', async () => {
    const [p] = await kbProblems(Buffer.concat([Buffer.from('faqs: []\n# '), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\n')]));
    expect(p!.message).toMatch(/byte 0xFF at byte offset 11/);
  });
});

describe('kefu import reads the encodings Chinese spreadsheets come in', () => {
  for (const enc of ['utf-8', 'utf16le', 'utf16-be', 'big5']) {
    it(`detects ${enc}`, async () => {
      const dir = tempKb({});
      const file = path.join(dir, 'faq.csv');
      writeFileSync(file, iconv.encode(CSV, enc, { addBOM: enc.startsWith('utf16') }));
      const { faqs, problems } = await readSpreadsheet(file);
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(faqs.map((f) => f.question)).toEqual(['這件衣服可以退貨嗎', '多久發貨']);
    });
  }

  it('detects GBK', async () => {
    const dir = tempKb({});
    const file = path.join(dir, 'faq.csv');
    writeFileSync(file, iconv.encode('id,question,answer\nreturn,这件衣服可以退货吗,七天无理由退货。\n', 'gbk'));
    expect((await readSpreadsheet(file)).faqs.map((f) => f.question)).toEqual(['这件衣服可以退货吗']);
  });

  it('refuses Shift-JIS and Latin-1 instead of importing garbage, and a wrong --encoding', async () => {
    const dir = tempKb({});
    for (const [name, bytes] of [
      ['sjis.csv', iconv.encode('id,question,answer\nreturn,返品はできますか,はい、七日以内なら返品できます。\n', 'shift_jis')],
      ['latin1.csv', iconv.encode('id,question,answer\nreturn,Où est ma commande ?,Elle arrive à Noël, très bientôt.\n', 'latin1')],
    ] as const) {
      writeFileSync(path.join(dir, name), bytes);
      const { faqs, problems } = await readSpreadsheet(path.join(dir, name));
      expect(faqs).toEqual([]);
      expect(problems[0]).toMatchObject({ code: 'bad-encoding', message: expect.stringMatching(/cannot tell its encoding.*--encoding/) });
    }
    writeFileSync(path.join(dir, 'l.csv'), iconv.encode(CSV.replace(/[^\x00-\x7f]/g, 'é'), 'latin1'));
    expect((await readSpreadsheet(path.join(dir, 'l.csv'), { encoding: 'latin1' })).faqs).toHaveLength(2);
    writeFileSync(path.join(dir, 'b.csv'), iconv.encode(CSV, 'big5'));
    const wrong = await readSpreadsheet(path.join(dir, 'b.csv'), { encoding: 'utf-8' });
    expect(wrong.problems[0]).toMatchObject({ code: 'bad-encoding', message: expect.stringMatching(/line 2 does not decode as utf-8/) });
  });
});
