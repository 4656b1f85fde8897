/**
 * Excel workbooks for spreadsheet.ts: the first sheet read into raw cells (rich text, formulas'
 * results, hyperlinks' text), and FAQ rows written as one sheet with a frozen header, wrapped
 * multi-line cells and widths that fit CJK text. exceljs is loaded only when an .xlsx is used.
 */
type ExcelJsModule = typeof import('exceljs');
type CellValue = import('exceljs').CellValue;

/** A cell as read: CSV gives strings, .xlsx also numbers, booleans, dates and errors. */
export type RawCell = string | number | boolean | Date | { error: string } | null | undefined;
export interface RawRow {
  /** 1-based row number, as Excel shows it. */
  row: number;
  cells: RawCell[];
}

let excelModule: ExcelJsModule | undefined;
async function loadExcelJs(): Promise<ExcelJsModule> {
  if (!excelModule) {
    const mod = (await import('exceljs')) as ExcelJsModule & { default?: ExcelJsModule };
    excelModule = mod.default ?? mod;
  }
  return excelModule;
}

/** The first sheet's non-empty rows. */
export async function readXlsxRows(file: string): Promise<RawRow[]> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, rowNumber) => {
    const cells: RawCell[] = [];
    for (let c = 1; c <= r.cellCount; c++) cells.push(xlsxCell(r.getCell(c).value));
    rows.push({ row: rowNumber, cells });
  });
  return rows;
}

function xlsxCell(v: CellValue): RawCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('error' in v) return { error: String(v.error) };
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('formula' in v || 'sharedFormula' in v) return xlsxCell((v as { result?: CellValue }).result ?? null);
    if ('hyperlink' in v) {
      const t = (v as { text?: unknown }).text;
      return typeof t === 'string' ? t : t && typeof t === 'object' && 'richText' in t ? (t as { richText: { text: string }[] }).richText.map((x) => x.text).join('') : String(v.hyperlink);
    }
  }
  return String(v);
}

/** One sheet "FAQ": a header row of `fields`, then one row per FAQ (a missing cell stays empty). */
export async function writeXlsx<F extends string>(file: string, fields: readonly F[], rows: readonly Record<F, string | number | undefined>[]): Promise<void> {
  const ExcelJS = await loadExcelJs();
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'kefu';
  const sheet = workbook.addWorksheet('FAQ', { views: [{ state: 'frozen', ySplit: 1 }] });
  const maxWidth: Record<string, number> = { answer: 80, question: 40, similar: 40, patterns: 40 };
  sheet.columns = fields.map((f) => {
    const longest = Math.max(displayWidth(f), ...rows.map((r) => Math.max(0, ...String(r[f] ?? '').split('\n').map(displayWidth))));
    return {
      header: f,
      key: f,
      width: Math.min(Math.max(longest + 2, 8), maxWidth[f] ?? 30),
      style: { alignment: { wrapText: true, vertical: 'top' }, ...(f === 'threshold' ? {} : { numFmt: '@' }) },
    };
  });
  for (const r of rows) sheet.addRow(Object.fromEntries(fields.map((f) => [f, r[f] ?? null])));
  const head = sheet.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle' };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: fields.length } };
  await workbook.xlsx.writeFile(file);
}

/** Columns as Excel counts them: CJK and other wide characters take two. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return w;
}
