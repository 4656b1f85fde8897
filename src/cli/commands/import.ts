import { formatProblem } from '../../errors.js';
import { COMMON, defineCommand, UsageError } from '../command.js';

const help = `Usage: kefu import <file.csv|file.xlsx> --out <dir> [--overwrite] [--encoding <name>] [--settings <file>]

Columns: id, category, question, similar (one per line in the cell, or |-separated),
answer (variants separated by a line "---"), and optionally keywords, required, patterns,
tags, handoff, priority, threshold. Chinese headers work too (编号, 分类, 问题, 相似问题,
答案…). CSVs may be UTF-8 (with or without BOM), UTF-16, GBK as saved by Chinese Excel,
or Big5: detected, or say --encoding gbk|big5|utf-16le|…; text that does not decode is
refused. Limits: 20 MB a file, 64 MB unpacked (xlsx), 50,000 rows, 20,000 chars a cell.
Writes <dir>/<category>.yaml; existing files are kept unless --overwrite. KB-wide
settings (synonym groups used by @patterns, vocabulary, tasks…) are not in spreadsheets:
'kefu export' writes them beside the sheet (faqs.xlsx → faqs.settings.yaml), and import
reads that file (or --settings <file>) into <dir>/_settings.yaml. The KB the import
leaves in <dir> (with the KB files already there) is checked first: if it would not load,
nothing is written.

Example:
  kefu import faqs.xlsx --out knowledge-base`;

export default defineCommand({
  name: 'import',
  synopsis: 'import <sheet> --out <dir>',
  summary: 'turn a .csv/.xlsx of FAQs into KB files (one per category)',
  help,
  options: { ...COMMON, out: { type: 'string' }, overwrite: { type: 'boolean' }, encoding: { type: 'string' }, settings: { type: 'string' } },
  async run(values, positionals) {
    const file = positionals[0];
    if (!file) throw new UsageError(`missing <kb>: the knowledge-base folder or file\n\n${help}`);
    const out = values.out;
    if (!out) throw new UsageError(`--out <dir> is required\n\n${help}`);
    // exceljs loads only when a spreadsheet is read or written.
    const { readSpreadsheet } = await import('../tools/spreadsheet.js');
    const { importToKbFiles, importTargets } = await import('../tools/kb-files.js');
    const { planImport } = await import('../tools/kb-settings.js');
    const { faqs, problems } = await readSpreadsheet(file, { encoding: values.encoding });
    // Only a sheet that read cleanly is worth checking as a whole KB.
    const plan = problems.some((p) => p.severity === 'error') ? undefined : await planImport(file, faqs, out, importTargets(faqs, out).map((t) => t.file), values.settings);
    problems.push(...(plan?.problems ?? []));
    for (const p of problems) console.error(formatProblem(p));
    if (problems.some((p) => p.severity === 'error')) {
      console.error(`✗ ${file}: ${problems.filter((p) => p.severity === 'error').length} errors; nothing written`);
      return 1;
    }
    const written = await importToKbFiles(faqs, out, { overwrite: Boolean(values.overwrite), settings: plan?.settings?.text });
    console.log(`✓ ${faqs.length} FAQs from ${file}${plan?.settings ? ` and settings from ${plan.settings.from}` : ''} → ${written.join(', ')}`);
    return 0;
  },
});
