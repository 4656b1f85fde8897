/**
 * FAQs in spreadsheets (Excel, WPS): read .csv/.xlsx into FAQ entries with located problems,
 * write a KB back out as a spreadsheet (CSV cells: csv.ts; workbooks: xlsx.ts; imported FAQs
 * as YAML KB files: kb-files.ts). Node only.
 *
 * One FAQ per row; the first non-empty row holds the column names (English field names,
 * any case, or their Chinese names). Cell rules:
 * - `similar`, `keywords`, `tags`: one item per line in the cell; a one-line cell may also
 *   separate items with `|`.
 * - `required`, `patterns`: one item per line only, since `|` means "either" inside them.
 * - `answer`: the text as is (it may span lines); answer variants are separated by a line
 *   holding only `---`.
 * - `handoff`: true/false/offer or 是/否; `priority`: low/normal/high/urgent; `threshold`: 0..1 (or 80%).
 *
 * Round trips (KB → spreadsheet → FAQs) keep every field, except what the cell rules cannot
 * say: a one-variant answer list comes back as a plain answer, a line that is only `---`
 * inside an answer splits it into variants, and text is trimmed at the ends.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KefuError, type KefuProblem, type KefuProblemCode } from '../../errors.js';
import { closest } from '../../did-you-mean.js';
import { FaqIdSchema, FaqSchema, type FaqInput, type KefuFaq, type KnowledgeBase } from '../../kb/schema.js';
import { decodeImportText } from '../../node/text-encoding.js';
import { csvCell, parseCsv, unguardCsvCell } from './csv.js';
import { readXlsxRows, writeXlsx, type RawCell, type RawRow } from './xlsx.js';
import { DEFAULT_SPREADSHEET_LIMITS, mb, zipInflatesPast, zipUncompressedSize, type SpreadsheetLimits } from './input-limits.js';

/** Spreadsheet columns, in the order they are written. */
export const SPREADSHEET_FIELDS = [
  'id',
  'category',
  'question',
  'similar',
  'answer',
  'keywords',
  'required',
  'patterns',
  'tags',
  'handoff',
  'priority',
  'threshold',
] as const;
type Field = (typeof SPREADSHEET_FIELDS)[number];

const REQUIRED_COLUMNS: readonly Field[] = ['id', 'question', 'answer'];

/** Accepted column names (compared after NFKC, lower-casing and removing spaces). */
const HEADER_ALIASES: Record<Field, string[]> = {
  id: ['id', '编号', 'faqid', '问题编号'],
  category: ['category', '分类', '类别'],
  question: ['question', '问题', '标准问题', '标准问'],
  similar: ['similar', '相似问题', '相似问', '相似问法'],
  answer: ['answer', '答案', '回答'],
  keywords: ['keywords', 'keyword', '关键词', '关键字'],
  required: ['required', '必含词'],
  patterns: ['patterns', 'pattern', '模板'],
  tags: ['tags', 'tag', '标签'],
  handoff: ['handoff', '转人工'],
  priority: ['priority', '优先级'],
  threshold: ['threshold', '阈值'],
};
const headerKey = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
const HEADER_TO_FIELD = new Map<string, Field>(
  (Object.entries(HEADER_ALIASES) as [Field, string[]][]).flatMap(([field, names]) => names.map((n) => [headerKey(n), field] as const)),
);

/** Lists whose one-line cells may also use `|` between items. */
const PIPE_LISTS = new Set<Field>(['similar', 'keywords', 'tags']);
/** Lists that are one item per line only (`|` is syntax in them). */
const LINE_LISTS = new Set<Field>(['required', 'patterns']);
const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export interface ReadSpreadsheetResult {
  faqs: FaqInput[];
  problems: KefuProblem[];
}

/**
 * Read FAQs from a .csv (UTF-8 with or without BOM, UTF-16, GBK/GB18030 as Chinese Excel saves
 * it, or Big5: detected, or `options.encoding`)
 * or .xlsx file (its first sheet). Never throws for bad content: every problem, with file,
 * row, column and field, is in `problems`, and rows with errors are left out of `faqs`.
 * Throws a KefuError only when the file does not exist.
 */
export async function readSpreadsheet(file: string, options: { encoding?: string; limits?: Partial<SpreadsheetLimits> } = {}): Promise<ReadSpreadsheetResult> {
  const problems: KefuProblem[] = [];
  const problem = (code: KefuProblemCode, message: string, at: Partial<KefuProblem> = {}, severity: 'error' | 'warning' = 'error') =>
    problems.push({ severity, code, message, file, ...at });
  const limits = { ...DEFAULT_SPREADSHEET_LIMITS, ...options.limits };
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new KefuError('file-not-found', `kefu: spreadsheet "${file}" not found`, { cause: err });
  }
  const ext = path.extname(file).toLowerCase();
  if (size > limits.maxFileBytes) {
    problem('file-too-large', `file is ${mb(size)}, more than the ${mb(limits.maxFileBytes)} import limit; split it into several files`);
    return { faqs: [], problems };
  }
  if (ext === '.xlsx') {
    const zip = await zipUncompressedSize(file).catch(() => undefined);
    if (zip && zip.total > limits.maxUncompressedBytes) {
      problem('file-too-large', `the workbook unpacks to ${mb(zip.total)} (${zip.largest.name}: ${mb(zip.largest.size)}), more than the ${mb(limits.maxUncompressedBytes)} import limit; refused without unpacking it`);
      return { faqs: [], problems };
    }
    // The sizes a zip declares may lie: count what it really inflates to (into nothing) first.
    const past = await zipInflatesPast(file, limits.maxUncompressedBytes).catch(() => undefined);
    if (past) {
      problem('file-too-large', `the workbook unpacks to more than the ${mb(limits.maxUncompressedBytes)} import limit (${past.name}), although it declares ${past.declared < 2 ** 20 ? `${Math.ceil(past.declared / 1024)} KB` : mb(past.declared)}: a damaged or hostile file; refused`);
      return { faqs: [], problems };
    }
  }
  let rows: RawRow[];
  try {
    if (ext === '.csv') {
      const text = (await decodeImportText(await readFile(file), file, options.encoding)).text;
      const lines = text.split('\n', limits.maxRows + 2).length;
      if (lines > limits.maxRows + 1) {
        problem('file-too-large', `more than ${limits.maxRows.toLocaleString('en')} rows; split the file (the import limit is ${limits.maxRows.toLocaleString('en')} rows)`);
        return { faqs: [], problems };
      }
      const parsed = parseCsv(text);
      rows = parsed.rows.map((r) => ({ row: r.row, cells: r.cells.map(unguardCsvCell) }));
      if (parsed.unclosedQuoteRow !== undefined) {
        problem('parse-error', `a quoted cell that starts in row ${parsed.unclosedQuoteRow} is never closed: its closing " is missing`, { line: parsed.unclosedQuoteRow });
        return { faqs: [], problems };
      }
    } else if (ext === '.xlsx') {
      rows = await readXlsxRows(file);
      if (rows.length > limits.maxRows) {
        problem('file-too-large', `${rows.length.toLocaleString('en')} rows, more than the ${limits.maxRows.toLocaleString('en')}-row import limit; split the workbook`);
        return { faqs: [], problems };
      }
    } else {
      const hint = ext === '.xls' || ext === '.et' || ext === '.ods' ? '; save it as .xlsx (Excel workbook) first' : '';
      problem('unsupported-file', `not a spreadsheet kefu reads: expected .csv or .xlsx${hint}`);
      return { faqs: [], problems };
    }
  } catch (err) {
    if (err instanceof KefuError && err.code === 'bad-encoding') problem('bad-encoding', err.message.replace(/^kefu: (?:[^:]*: )?/, ''));
    else problem(ext === '.xlsx' ? 'parse-error' : 'io-error', `cannot read: ${(err as Error).message}`);
    return { faqs: [], problems };
  }
  for (const r of rows) {
    const i = r.cells.findIndex((c) => typeof c === 'string' && c.length > limits.maxCellChars);
    if (i >= 0) {
      problem('file-too-large', `cell ${columnLetter(i)}${r.row} holds ${(r.cells[i] as string).length.toLocaleString('en')} characters, more than the ${limits.maxCellChars.toLocaleString('en')}-character limit`, { line: r.row, column: i + 1 });
      return { faqs: [], problems };
    }
  }
  return { faqs: rowsToFaqs(rows, problem), problems };
}

function rowsToFaqs(rows: RawRow[], problem: (code: KefuProblemCode, message: string, at?: Partial<KefuProblem>, severity?: 'error' | 'warning') => void): FaqInput[] {
  const nonEmpty = rows.filter((r) => r.cells.some((c) => !isBlank(c)));
  const header = nonEmpty.shift();
  if (!header) {
    problem('no-faqs', `the spreadsheet is empty: expected a header row with the columns ${REQUIRED_COLUMNS.join(', ')} and one FAQ per row below it`);
    return [];
  }

  // Header: which column holds which field.
  const columnOf = new Map<Field, number>();
  header.cells.forEach((cell, i) => {
    if (isBlank(cell)) return;
    const name = cellText(cell).trim();
    const field = HEADER_TO_FIELD.get(headerKey(name));
    const at = { line: header.row, column: i + 1 };
    if (!field) {
      const near = closest(name, SPREADSHEET_FIELDS);
      problem('unknown-field', `column ${columnLetter(i)} "${name}" is not a known field and is ignored${near ? ` (did you mean "${near}"?)` : ''}; known: ${SPREADSHEET_FIELDS.join(', ')}`, at, 'warning');
    } else if (columnOf.has(field)) {
      problem('schema', `columns ${columnLetter(columnOf.get(field)!)} and ${columnLetter(i)} are both "${field}"; keep one`, { ...at, path: field });
    } else columnOf.set(field, i);
  });
  const missing = REQUIRED_COLUMNS.filter((f) => !columnOf.has(f));
  if (missing.length) {
    for (const f of missing) {
      problem('schema', `missing required column "${f}" (or ${HEADER_ALIASES[f].filter((n) => /[^\x00-\x7f]/.test(n)).join('/')}) in the header row`, { line: header.row, path: f });
    }
    return [];
  }

  const faqs: FaqInput[] = [];
  const idRow = new Map<string, number>();
  for (const { row, cells } of nonEmpty) {
    let ok = true;
    const fail = (field: Field, code: KefuProblemCode, message: string, faqId?: string) => {
      ok = false;
      const col = columnOf.get(field);
      problem(code, col === undefined ? message : `${message} (column ${columnLetter(col)})`, { line: row, column: col === undefined ? undefined : col + 1, path: field, faqId });
    };
    const raw = (field: Field): RawCell => {
      const col = columnOf.get(field);
      return col === undefined ? undefined : cells[col];
    };
    // Excel error values (#NAME? and the like): typically text starting with = + - @ that Excel took for a formula.
    for (const field of columnOf.keys()) {
      const v = raw(field);
      if (isError(v)) {
        fail(field, 'schema', `the cell shows the Excel error ${v.error}: if it is text starting with =, +, - or @, retype it with a ' in front so Excel keeps it as text`);
      }
    }
    const text = (field: Field) => {
      const v = raw(field);
      return isError(v) ? '' : cellText(v).trim();
    };

    const id = text('id');
    const faqId = id || undefined;
    const faq: Record<string, unknown> = {};
    if (!id && !isError(raw('id'))) fail('id', 'empty-text', 'id is empty');
    else {
      const idCheck = FaqIdSchema.safeParse(id);
      if (!idCheck.success) fail('id', 'schema', `id "${id}": ${idCheck.error.issues[0].message}`, faqId);
      const first = idRow.get(id);
      if (first !== undefined) fail('id', 'duplicate-id', `id "${id}" is already used in row ${first}; ids must be unique`, faqId);
      else idRow.set(id, row);
      faq.id = id;
    }
    const category = text('category');
    if (category) faq.category = category;
    const question = text('question');
    if (!question && !isError(raw('question'))) fail('question', 'empty-text', 'question is empty', faqId);
    faq.question = question;
    const similar = listCell(raw('similar'), 'similar');
    if (similar.length) faq.similar = similar;
    const answer = answerCell(raw('answer'));
    if (answer === undefined && !isError(raw('answer'))) fail('answer', 'empty-text', 'answer is empty', faqId);
    faq.answer = answer;
    for (const field of ['keywords', 'required', 'patterns'] as const) {
      const list = listCell(raw(field), field);
      if (list.length) faq[field] = list;
    }

    const handoff = raw('handoff');
    if (!isBlank(handoff) && !isError(handoff)) {
      const value = parseHandoff(handoff);
      if (value === undefined) fail('handoff', 'schema', `handoff is "${cellText(handoff).trim()}": expected true, false or offer (或 是/否)`, faqId);
      else faq.handoff = value;
    }
    const priority = text('priority');
    if (priority) {
      const p = priority.toLowerCase();
      if ((PRIORITIES as readonly string[]).includes(p)) faq.priority = p;
      else fail('priority', 'schema', `priority is "${priority}": expected ${PRIORITIES.join(', ')}`, faqId);
    }
    const threshold = raw('threshold');
    if (!isBlank(threshold) && !isError(threshold)) {
      const n = parseThreshold(threshold);
      if (n === undefined) fail('threshold', 'schema', `threshold is "${cellText(threshold).trim()}": expected a number from 0 to 1, e.g. 0.8`, faqId);
      else faq.threshold = n;
    }
    const tags = listCell(raw('tags'), 'tags');
    if (tags.length) faq.tags = tags;

    if (!ok) continue;
    // The schema has the last word (e.g. a threshold out of range with a valid number).
    const checked = FaqSchema.safeParse(faq);
    if (!checked.success) {
      for (const issue of checked.error.issues) {
        const field = String(issue.path[0] ?? 'id') as Field;
        fail(columnOf.has(field) ? field : 'id', issue.code === 'custom' ? 'empty-text' : 'schema', `${field}: ${issue.message}`, faqId);
      }
      continue;
    }
    faqs.push(faq as FaqInput);
  }
  if (nonEmpty.length === 0) problem('no-faqs', 'the spreadsheet has a header row but no FAQ rows', { line: header.row });
  return faqs;
}

function isError(c: RawCell): c is { error: string } {
  return typeof c === 'object' && c !== null && !(c instanceof Date) && 'error' in c;
}

function isBlank(c: RawCell): boolean {
  return c === null || c === undefined || (typeof c === 'string' && c.trim() === '');
}

function cellText(c: RawCell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c.replace(/\r\n?/g, '\n');
  if (typeof c === 'number' || typeof c === 'boolean') return String(c);
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? '' : c.toISOString().replace(/T00:00:00\.000Z$/, '');
  return c.error;
}

/** Lines if the cell has several, else `|`-separated items for the lists that allow it. */
function listCell(c: RawCell, field: Field): string[] {
  if (isBlank(c) || isError(c)) return [];
  const t = cellText(c);
  const items = t.includes('\n') || LINE_LISTS.has(field) || !PIPE_LISTS.has(field) ? t.split('\n') : t.split('|');
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Variants are separated by a line holding only `---`; one variant is a plain string. */
function answerCell(c: RawCell): string | string[] | undefined {
  if (isBlank(c) || isError(c)) return undefined;
  const variants: string[] = [];
  let current: string[] = [];
  for (const line of [...cellText(c).split('\n'), '---']) {
    if (/^[ \t]*---[ \t]*$/.test(line)) {
      const v = current.join('\n').trim();
      if (v) variants.push(v);
      current = [];
    } else current.push(line);
  }
  if (variants.length === 0) return undefined;
  return variants.length === 1 ? variants[0] : variants;
}

function parseHandoff(c: RawCell): boolean | 'offer' | undefined {
  if (typeof c === 'boolean') return c;
  const t = cellText(c).trim().toLowerCase();
  if (t === 'true' || t === '是') return true;
  if (t === 'false' || t === '否') return false;
  if (t === 'offer') return 'offer';
  return undefined;
}

function parseThreshold(c: RawCell): number | undefined {
  if (typeof c === 'number') return Number.isFinite(c) && c >= 0 && c <= 1 ? c : undefined;
  const t = cellText(c).trim();
  const m = /^([+]?(?:\d+(?:\.\d*)?|\.\d+))(%?)$/.exec(t);
  if (!m) return undefined;
  const n = m[2] ? Number(m[1]) / 100 : Number(m[1]);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

/** 0 → A, 25 → Z, 26 → AA */
function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// ---------------------------------------------------------------- writing

/** The cell text of each field of an FAQ (undefined: nothing to write). */
function faqCells(faq: KefuFaq | FaqInput): Record<Field, string | number | undefined> {
  const list = (items: string[] | undefined, field: Field) => {
    if (!items || items.length === 0) return undefined;
    const joined = items.join('\n');
    // One item holding `|` would be split on reading: a trailing line break marks the cell as one-per-line.
    return items.length === 1 && PIPE_LISTS.has(field) && joined.includes('|') ? `${joined}\n` : joined;
  };
  return {
    id: faq.id,
    category: faq.category || undefined,
    question: faq.question,
    similar: list(faq.similar, 'similar'),
    answer: Array.isArray(faq.answer) ? faq.answer.join('\n---\n') : faq.answer,
    keywords: list(faq.keywords, 'keywords'),
    required: list(faq.required, 'required'),
    patterns: list(faq.patterns, 'patterns'),
    tags: list(faq.tags, 'tags'),
    handoff: faq.handoff === undefined ? undefined : String(faq.handoff),
    priority: faq.priority,
    threshold: faq.threshold,
  };
}

/**
 * Write the KB's FAQs as a spreadsheet: `.csv` (UTF-8 with BOM, CRLF, as Excel expects) or
 * `.xlsx` (one header row, wrapped multi-line cells). Besides id, question and answer, only
 * the columns some FAQ uses are written.
 */
export async function writeSpreadsheet(kb: KnowledgeBase, file: string): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx') {
    throw new KefuError('unsupported-file', `kefu: cannot write "${file}": expected a .csv or .xlsx file name`);
  }
  const rows = kb.faqs.filter((f) => !f.task).map(faqCells); // tasks stay in YAML
  const fields = SPREADSHEET_FIELDS.filter((f) => REQUIRED_COLUMNS.includes(f) || rows.some((r) => r[f] !== undefined));
  if (ext === '.csv') {
    const lines = [fields.join(','), ...rows.map((r) => fields.map((f) => csvCell(r[f] === undefined ? '' : String(r[f]))).join(','))];
    await writeFile(file, `\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
    return;
  }
  await writeXlsx(file, fields, rows);
}
