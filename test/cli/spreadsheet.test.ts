import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { loadKnowledgeBase, readKnowledgeBase, KefuError, type KefuFaq, type KnowledgeBase, type FaqInput, type KefuProblem } from '../../src/index';
import { readSpreadsheet, writeSpreadsheet } from '../../src/cli/tools/spreadsheet';
import { parseCsv } from '../../src/cli/tools/csv';
import { importToKbFiles } from '../../src/cli/tools/kb-files';

const sampleKbDir = path.resolve(__dirname, '../../knowledge-base');
const fixtures = path.resolve(__dirname, '../fixtures/spreadsheet');

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'kefu-spreadsheet-'));
}

/** An FAQ as a plain object without `source`, `similar` always a list, undefined fields dropped. */
function comparable(faq: KefuFaq | FaqInput): Record<string, unknown> {
  const { source: _source, ...rest } = faq as KefuFaq;
  const out: Record<string, unknown> = { ...rest, similar: rest.similar ?? [] };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** A spreadsheet carries FAQs, not tasks (which stay in YAML: slots and actions have no columns). */
const faqsOnly = (kb: KnowledgeBase) => kb.faqs.filter((f) => !f.task);

function expectSameFaqs(actual: readonly (KefuFaq | FaqInput)[], expected: readonly (KefuFaq | FaqInput)[]) {
  expect(actual.map((f) => f.id)).toEqual(expected.map((f) => f.id));
  actual.forEach((faq, i) => expect(comparable(faq), `FAQ ${faq.id}`).toEqual(comparable(expected[i])));
}

function kbOf(faqs: KefuFaq[]): KnowledgeBase {
  return { faqs, synonyms: [], vocabulary: [], stopwords: [], categories: [], thresholds: {} };
}

/** FAQs that stress every cell rule. */
const trickyFaqs: KefuFaq[] = [
  {
    id: 'multi-line',
    category: '售后',
    question: '退货地址是哪里，怎么填？',
    similar: ['寄回地址', '退货, 寄到哪里', '他说"包邮"吗'],
    answer: '第一步：打开“订单”。\n第二步：点击"申请售后"，选择原因, 提交。\n\n注意：不要寄到付。',
    keywords: ['退货地址', '寄回'],
    tags: ['售后', '高频'],
  },
  {
    id: 'variants',
    question: 'How do I pay with PayPal?',
    similar: ['PayPal可以用吗'],
    answer: ['Yes, PayPal works.\nJust choose it at checkout.', '支持的，结算时选择 PayPal 即可', '- 直接选 PayPal'],
    patterns: ['@付款 (PayPal|贝宝)', '(能|可以) 用 PayPal'],
    required: ['PayPal|贝宝'],
    handoff: 'offer',
    priority: 'high',
    threshold: 0.75,
  },
  {
    id: 'pipes-and-formulas',
    category: 'x/y',
    question: '=1+1 是什么',
    similar: ['a|b 是一个问题'],
    answer: '+86 开头的号码',
    keywords: ['@符号'],
    handoff: false,
    priority: 'urgent',
    threshold: 0,
  },
  { id: '0012', question: '只有必填字段', similar: [], answer: '  两端空白会被去掉，中间的"引号"和,逗号保留  '.trim(), handoff: true },
];

describe('round trip: KB → spreadsheet → FAQs', () => {
  it('keeps the sample KB through CSV (UTF-8 with BOM, CRLF, only the used columns)', async () => {
    const kb = await loadKnowledgeBase(sampleKbDir);
    const file = path.join(tempDir(), 'kb.csv');
    await writeSpreadsheet(kb, file);
    const bytes = fs.readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('id,category,question,similar,answer,keywords,required,patterns,handoff,priority');
    expect(text.endsWith('\r\n')).toBe(true);
    const { faqs, problems } = await readSpreadsheet(file);
    expect(problems).toEqual([]);
    expectSameFaqs(faqs, faqsOnly(kb));
  });

  it('keeps the sample KB through XLSX (header row, wrapped cells, column widths)', async () => {
    const kb = await loadKnowledgeBase(sampleKbDir);
    const file = path.join(tempDir(), 'kb.xlsx');
    await writeSpreadsheet(kb, file);
    const { faqs, problems } = await readSpreadsheet(file);
    expect(problems).toEqual([]);
    expectSameFaqs(faqs, faqsOnly(kb));

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sheet = wb.worksheets[0];
    expect(sheet.getRow(1).values).toEqual([undefined, 'id', 'category', 'question', 'similar', 'answer', 'keywords', 'required', 'patterns', 'handoff', 'priority']);
    expect(sheet.rowCount).toBe(faqsOnly(kb).length + 1);
    expect(sheet.getCell('D2').alignment?.wrapText).toBe(true);
    for (let c = 1; c <= 10; c++) {
      const width = sheet.getColumn(c).width ?? 0;
      expect(width).toBeGreaterThanOrEqual(8);
      expect(width).toBeLessThanOrEqual(80);
    }
    expect(sheet.getColumn(5).width).toBeGreaterThan(sheet.getColumn(1).width!); // answer wider than id
  });

  for (const ext of ['csv', 'xlsx']) {
    it(`keeps multi-line answers, variants, lists, quotes, commas, | and leading = + - @ through ${ext}`, async () => {
      const file = path.join(tempDir(), `tricky.${ext}`);
      await writeSpreadsheet(kbOf(trickyFaqs), file);
      const { faqs, problems } = await readSpreadsheet(file);
      expect(problems).toEqual([]);
      expectSameFaqs(faqs, trickyFaqs);
      expect(faqs[3].id).toBe('0012');
      expect(faqs[1].threshold).toBe(0.75);
    });
  }

  it('writes only the required columns when no FAQ uses more', async () => {
    const file = path.join(tempDir(), 'min.csv');
    await writeSpreadsheet(kbOf([{ id: 'a', question: '问', similar: [], answer: '答' }]), file);
    expect(fs.readFileSync(file, 'utf8')).toBe('\uFEFFid,question,answer\r\na,问,答\r\n');
  });

  it('refuses to write other file types', async () => {
    await expect(writeSpreadsheet(kbOf(trickyFaqs), path.join(tempDir(), 'kb.xls'))).rejects.toBeInstanceOf(KefuError);
  });
});

describe('readSpreadsheet: CSV as people write it', () => {
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('reads UTF-8 with and without a BOM', async () => {
    const csv = 'id,question,answer\r\nreturn,怎么退货,在订单页申请退货。\r\n';
    for (const content of [`\uFEFF${csv}`, csv]) {
      const { faqs, problems } = await readSpreadsheet(write('faq.csv', content));
      expect(problems).toEqual([]);
      expect(faqs).toEqual([{ id: 'return', question: '怎么退货', answer: '在订单页申请退货。' }]);
    }
  });

  it('reads a GBK-encoded CSV as saved by Chinese Excel', async () => {
    const csv = '编号,分类,标准问题,相似问题,答案,转人工\r\nrefund,售后,退款多久到账,钱什么时候退回来|退款几天到,"1–3个工作日原路退回，""急用""请联系人工。",否\r\n';
    const bytes = iconv.encode(csv, 'gbk');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow(); // really not UTF-8
    const { faqs, problems } = await readSpreadsheet(write('gbk.csv', bytes));
    expect(problems).toEqual([]);
    expect(faqs).toEqual([
      { id: 'refund', category: '售后', question: '退款多久到账', similar: ['钱什么时候退回来', '退款几天到'], answer: '1–3个工作日原路退回，"急用"请联系人工。', handoff: false },
    ]);
  });

  it('reads GB18030 characters beyond GBK', async () => {
    const bytes = iconv.encode('id,question,answer\r\nx,𠮷野家在哪,在这里\r\n', 'gb18030');
    const { faqs, problems } = await readSpreadsheet(write('gb18030.csv', bytes));
    expect(problems).toEqual([]);
    expect(faqs[0].question).toBe('𠮷野家在哪');
  });

  it('accepts Chinese headers and header names in any case, | or line separated lists, 是/否, 80%', async () => {
    const csv = [
      'ID,分类,问题,相似问,回答,关键词,必含词,模板,标签,转人工,优先级,阈值',
      'a,物流,多久发货,什么时候发货|几天能发,48小时内发货。,发货|发货时间,发货,(多久|几天) 发货,物流|高频,是,HIGH,80%',
      'b,,怎么开发票,"开票\n要发票",在订单页申请。,,,,,否,normal,0.5',
      'c,,投诉,,转人工处理,,,,,offer,Urgent,1',
    ].join('\r\n');
    const { faqs, problems } = await readSpreadsheet(write('zh.csv', csv));
    expect(problems).toEqual([]);
    expect(faqs).toEqual([
      {
        id: 'a',
        category: '物流',
        question: '多久发货',
        similar: ['什么时候发货', '几天能发'],
        answer: '48小时内发货。',
        keywords: ['发货', '发货时间'],
        required: ['发货'],
        patterns: ['(多久|几天) 发货'], // `|` is syntax in patterns: never a separator
        tags: ['物流', '高频'],
        handoff: true,
        priority: 'high',
        threshold: 0.8,
      },
      { id: 'b', question: '怎么开发票', similar: ['开票', '要发票'], answer: '在订单页申请。', handoff: false, priority: 'normal', threshold: 0.5 },
      { id: 'c', question: '投诉', answer: '转人工处理', handoff: 'offer', priority: 'urgent', threshold: 1 },
    ]);
    const english = await readSpreadsheet(write('en.csv', 'Id,QUESTION, Answer ,Similar\nx,问,答,a|b\n'));
    expect(english.problems).toEqual([]);
    expect(english.faqs).toEqual([{ id: 'x', question: '问', answer: '答', similar: ['a', 'b'] }]);
  });

  it('reads quoted cells holding commas, quotes and line breaks (RFC 4180)', async () => {
    const csv =
      'id,question,answer,similar\r\n' +
      'q1,"逗号, 也可以","他说：""你好""\r\n第二行, 有逗号","问法一\r\n问法二"\r\n' +
      'q2,"""整格引号""",答案二,\r\n';
    const { faqs, problems } = await readSpreadsheet(write('quoted.csv', csv));
    expect(problems).toEqual([]);
    expect(faqs).toEqual([
      { id: 'q1', question: '逗号, 也可以', answer: '他说："你好"\n第二行, 有逗号', similar: ['问法一', '问法二'] },
      { id: 'q2', question: '"整格引号"', answer: '答案二' },
    ]);
  });

  it('splits answer variants on lines holding only ---', async () => {
    const csv = 'id,question,answer\nv,问,"第一种\n多行\n---\n第二种\n ---\n第三种"\nw,问2,"a --- b\n--- 不是分隔"\n';
    const { faqs, problems } = await readSpreadsheet(write('variants.csv', csv));
    expect(problems).toEqual([]);
    expect(faqs[0].answer).toEqual(['第一种\n多行', '第二种', '第三种']);
    expect(faqs[1].answer).toBe('a --- b\n--- 不是分隔');
  });

  it('parses CSV edge cases: CR, LF and CRLF rows, empty cells, no final newline', () => {
    expect(parseCsv('a,b\rc,\n,d\r\n"e",""').rows).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['c', ''] },
      { row: 3, cells: ['', 'd'] },
      { row: 4, cells: ['e', ''] },
    ]);
    expect(parseCsv('a,"b\nc').unclosedQuoteRow).toBe(1);
  });
});

describe('readSpreadsheet: problems name the file, row and field', () => {
  const write = (content: string) => {
    const file = path.join(tempDir(), 'faq.csv');
    fs.writeFileSync(file, content);
    return file;
  };
  const brief = (problems: KefuProblem[]) => problems.map((p) => ({ code: p.code, line: p.line, path: p.path, severity: p.severity }));

  it('missing required column', async () => {
    const file = write('id,问题,category\na,怎么退货,售后\n');
    const { faqs, problems } = await readSpreadsheet(file);
    expect(faqs).toEqual([]);
    expect(brief(problems)).toEqual([{ code: 'schema', line: 1, path: 'answer', severity: 'error' }]);
    expect(problems[0].file).toBe(file);
    expect(problems[0].message).toMatch(/missing required column "answer"/);
  });

  it('empty answer at the row Excel shows, counting blank rows and multi-line cells', async () => {
    // Row 2 has a cell spanning three lines, row 3 is blank, row 4 has no answer.
    const file = write('id,question,answer\r\na,问一,"第一行\r\n第二行\r\n第三行"\r\n,,\r\nb,问二,   \r\nc,问三,答三\r\n');
    const { faqs, problems } = await readSpreadsheet(file);
    expect(brief(problems)).toEqual([{ code: 'empty-text', line: 4, path: 'answer', severity: 'error' }]);
    expect(problems[0]).toMatchObject({ file, column: 3, faqId: 'b' });
    expect(problems[0].message).toContain('column C');
    expect(faqs.map((f) => f.id)).toEqual(['a', 'c']); // the bad row is reported and left out, the rest kept
  });

  it('empty id and question', async () => {
    const { faqs, problems } = await readSpreadsheet(write('id,question,answer\n,问,答\nx,,答\n'));
    expect(faqs).toEqual([]);
    expect(brief(problems)).toEqual([
      { code: 'empty-text', line: 2, path: 'id', severity: 'error' },
      { code: 'empty-text', line: 3, path: 'question', severity: 'error' },
    ]);
  });

  it('bad priority, handoff and threshold values', async () => {
    const { faqs, problems } = await readSpreadsheet(
      write('id,question,answer,priority,handoff,threshold\na,问一,答,urgentt,,\nb,问二,答,,maybe,\nc,问三,答,,,1.5\nd,问四,答,,,abc\ne,问五,答,low,是,0.9\n'),
    );
    expect(brief(problems)).toEqual([
      { code: 'schema', line: 2, path: 'priority', severity: 'error' },
      { code: 'schema', line: 3, path: 'handoff', severity: 'error' },
      { code: 'schema', line: 4, path: 'threshold', severity: 'error' },
      { code: 'schema', line: 5, path: 'threshold', severity: 'error' },
    ]);
    expect(problems[0].message).toMatch(/priority is "urgentt": expected low, normal, high, urgent/);
    expect(problems[0].column).toBe(4);
    expect(faqs.map((f) => f.id)).toEqual(['e']);
  });

  it('duplicate id, with the row of the first use', async () => {
    const { faqs, problems } = await readSpreadsheet(write('id,question,answer\na,问一,答\n\nb,问二,答\na,问三,答\n'));
    expect(brief(problems)).toEqual([{ code: 'duplicate-id', line: 5, path: 'id', severity: 'error' }]);
    expect(problems[0].message).toContain('already used in row 2');
    expect(faqs.map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('an id the KB format refuses, an unknown column (warning), an unclosed quote, an unsupported file', async () => {
    const bad = await readSpreadsheet(write('id,question,answer,anwser\n退货 申请,问,答,x\n'));
    expect(brief(bad.problems)).toEqual([
      { code: 'unknown-field', line: 1, path: undefined, severity: 'warning' },
      { code: 'schema', line: 2, path: 'id', severity: 'error' },
    ]);
    expect(bad.problems[0].message).toContain('did you mean "answer"');

    const unclosed = await readSpreadsheet(write('id,question,answer\na,"问,答\n'));
    expect(brief(unclosed.problems)).toEqual([{ code: 'parse-error', line: 2, path: undefined, severity: 'error' }]);

    const xls = path.join(tempDir(), 'faq.xls');
    fs.writeFileSync(xls, 'x');
    expect((await readSpreadsheet(xls)).problems[0]).toMatchObject({ code: 'unsupported-file', file: xls });
    await expect(readSpreadsheet(path.join(tempDir(), 'missing.csv'))).rejects.toBeInstanceOf(KefuError);
  });
});

describe('readSpreadsheet: XLSX as people write it', () => {
  it('reads Chinese headers, typed cells (numbers, booleans, rich text) and reports rows as Excel numbers them', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('常见问题');
    wb.addWorksheet('ignored').addRow(['id', 'question', 'answer']);
    sheet.addRow(['编号', '标准问题', '答案', '相似问题', '转人工', '阈值', '优先级']);
    sheet.addRow([1001, '怎么退货', '申请退货即可。\n---\n在订单页退货。', '我想退货\n退掉', true, 0.8, 'Normal']);
    sheet.addRow([]); // row 3 blank
    sheet.addRow(['x2', { richText: [{ text: '富文本' }, { font: { bold: true }, text: '问题' }] }, '答', null, false, null, null]);
    sheet.addRow(['x3', '没有答案', null]); // row 5
    sheet.addRow(['x4', '模板', { error: '#NAME?' }]); // row 6: text starting with @ that Excel took for a formula
    const file = path.join(tempDir(), 'faq.xlsx');
    await wb.xlsx.writeFile(file);

    const { faqs, problems } = await readSpreadsheet(file);
    expect(faqs).toEqual([
      { id: '1001', question: '怎么退货', answer: ['申请退货即可。', '在订单页退货。'], similar: ['我想退货', '退掉'], handoff: true, threshold: 0.8, priority: 'normal' },
      { id: 'x2', question: '富文本问题', answer: '答', handoff: false },
    ]);
    expect(problems.map((p) => ({ code: p.code, line: p.line, path: p.path, column: p.column }))).toEqual([
      { code: 'empty-text', line: 5, path: 'answer', column: 3 },
      { code: 'schema', line: 6, path: 'answer', column: 3 },
    ]);
    expect(problems[1].message).toContain('#NAME?');
  });

  it('reads the checked-in fixture workbook', async () => {
    const { faqs, problems } = await readSpreadsheet(path.join(fixtures, 'faqs-zh.xlsx'));
    expect(problems).toEqual([]);
    expect(faqs.map((f) => f.id)).toEqual(['shipping-time', 'invoice']);
    expect(faqs[0].similar).toEqual(['什么时候发货', '几天能发货']);
  });
});

describe('importToKbFiles', () => {
  it('writes one YAML file per category (beside the KB settings) that loadKnowledgeBase loads with no problems', async () => {
    const kb = await loadKnowledgeBase(sampleKbDir);
    const sheet = path.join(tempDir(), 'kb.xlsx');
    await writeSpreadsheet(kb, sheet);
    const { faqs } = await readSpreadsheet(sheet);
    const extra: FaqInput = { id: 'no-category', question: '你们几点下班', answer: '客服在线时间：\n9:00–22:00' };
    // A spreadsheet carries FAQs only: the KB's synonyms (which patterns' @groups name) stay in _settings.yaml.
    const outDir = tempDir();
    fs.copyFileSync(path.join(sampleKbDir, '_settings.yaml'), path.join(outDir, '_settings.yaml'));
    const written = await importToKbFiles([...faqs, extra], outDir);

    const categories = [...new Set(faqsOnly(kb).map((f) => f.category))].sort();
    expect(written.map((f) => path.basename(f)).sort()).toEqual([...categories.map((c) => `${c}.yaml`), 'faqs.yaml'].sort());
    const yaml = fs.readFileSync(path.join(outDir, 'membership.yaml'), 'utf8');
    expect(yaml).toContain('question: 会员等级怎么划分'); // Chinese as is, block style
    expect(yaml).not.toMatch(/\\u[0-9a-f]{4}/i);
    expect(yaml).toMatch(/\n {4}similar:\n {6}- /);
    expect(fs.readFileSync(path.join(outDir, 'faqs.yaml'), 'utf8')).toContain('answer: |-\n      客服在线时间：\n      9:00–22:00');

    const { kb: loaded, problems } = await readKnowledgeBase(outDir);
    expect(problems).toEqual([]);
    const byId = new Map(loaded.faqs.map((f) => [f.id, f]));
    for (const faq of faqsOnly(kb)) expect(comparable(byId.get(faq.id)!), faq.id).toEqual(comparable(faq));
    expect(comparable(byId.get('no-category')!)).toEqual({ ...extra, similar: [] });
  });

  it('keeps awkward category names inside the folder', async () => {
    const outDir = path.join(tempDir(), 'kb');
    const written = await importToKbFiles(
      [
        { id: 'a', category: '../售后/退换', question: '问一', answer: '答' },
        { id: 'b', category: 'Order', question: '问二', answer: '答' },
        { id: 'c', category: 'order', question: '问三', answer: '答' },
      ],
      outDir,
    );
    for (const f of written) expect(path.dirname(f)).toBe(outDir);
    expect(written.map((f) => path.basename(f))).toEqual(['售后-退换.yaml', 'Order.yaml']);
    const { kb, problems } = await readKnowledgeBase(outDir);
    expect(problems).toEqual([]);
    expect(kb.faqs.map((f) => [f.id, f.category])).toEqual([
      ['b', 'Order'],
      ['c', 'order'],
      ['a', '../售后/退换'],
    ]);
  });

  it('refuses to overwrite existing files unless told to', async () => {
    const outDir = tempDir();
    const faqs: FaqInput[] = [
      { id: 'a', category: 'order', question: '问一', answer: '答一' },
      { id: 'b', category: 'payment', question: '问二', answer: '答二' },
    ];
    fs.writeFileSync(path.join(outDir, 'payment.yaml'), 'faqs: []\n');
    const err = await importToKbFiles(faqs, outDir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KefuError);
    expect((err as KefuError).message).toContain(path.join(outDir, 'payment.yaml'));
    expect((err as KefuError).message).toContain('overwrite: true');
    expect(fs.readdirSync(outDir)).toEqual(['payment.yaml']); // nothing written
    expect(fs.readFileSync(path.join(outDir, 'payment.yaml'), 'utf8')).toBe('faqs: []\n');

    const written = await importToKbFiles(faqs, outDir, { overwrite: true });
    expect(written).toEqual([path.join(outDir, 'order.yaml'), path.join(outDir, 'payment.yaml')]);
    const kb = await loadKnowledgeBase(outDir);
    expect(kb.faqs.map((f) => f.id)).toEqual(['a', 'b']);
  });
});
