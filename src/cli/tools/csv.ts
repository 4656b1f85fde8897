/** CSV as Excel and WPS write and read it: RFC 4180 cells, and formula-looking cells guarded. */

/** RFC 4180: `,` between cells, `"` around cells holding `,` `"` or line breaks, `""` for a quote. CRLF, LF or CR end rows. */
export function parseCsv(text: string): { rows: { row: number; cells: string[] }[]; unclosedQuoteRow?: number } {
  const rows: { row: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let quoteRow = 0;
  let row = 1;
  let i = 0;
  const n = text.length;
  const endRow = () => {
    cells.push(cell);
    rows.push({ row, cells });
    cells = [];
    cell = '';
    row++;
  };
  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === '') {
      quoted = true;
      quoteRow = row;
      i++;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      // Lenient with stray quotes (`ab"c`, `"a"b`): kept as text, as Excel does.
      cell += ch;
      i++;
    }
  }
  if (quoted) return { rows, unclosedQuoteRow: quoteRow };
  if (cell !== '' || cells.length > 0) endRow();
  return { rows };
}

/** Excel runs cells starting with = + - @ as formulas: written CSV cells get a `'` in front, taken off on reading. */
// OWASP's list: = + - @ and also tab and carriage return, which some spreadsheets read past.
const FORMULA_START = /^'*[=+\-@\t\r]/;
function guardCsvCell(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}
export function unguardCsvCell(s: string): string {
  return s.startsWith("'") && FORMULA_START.test(s) ? s.slice(1) : s;
}

export function csvCell(s: string): string {
  const t = guardCsvCell(s);
  return /[",\r\n]|^\s|\s$/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}
