import { KefuKnowledgeBaseError } from '../../errors.js';
import { readKnowledgeBase } from '../../node/load-kb.js';
import { COMMON, defineCommand, requireKb, UsageError } from '../command.js';

const help = `Usage: kefu export <kb> --out <file.csv|file.xlsx>

Writes every FAQ as a row (the columns of 'kefu import'), and what rows cannot hold
(synonym groups, vocabulary, categories, thresholds, variables, tasks…) beside it as
<name>.settings.yaml; 'kefu import <file>' reads both and gives back a KB that answers
as this one does.

Example:
  kefu export knowledge-base --out faqs.xlsx`;

export default defineCommand({
  name: 'export',
  synopsis: 'export <kb> --out <sheet>',
  summary: "write the KB's FAQs to .csv (UTF-8 with BOM) or .xlsx",
  help,
  options: { ...COMMON, out: { type: 'string' } },
  async run(values, positionals) {
    const kb = requireKb(positionals, help);
    const out = values.out;
    if (!out) throw new UsageError(`--out <file.csv|file.xlsx> is required\n\n${help}`);
    const { writeSpreadsheet } = await import('../tools/spreadsheet.js');
    const { writeSettingsFile } = await import('../tools/kb-settings.js');
    const { kb: data, problems } = await readKnowledgeBase(kb);
    if (problems.some((p) => p.severity === 'error')) throw new KefuKnowledgeBaseError(problems);
    await writeSpreadsheet(data, out);
    const settings = await writeSettingsFile(data, out);
    const rows = data.faqs.filter((f) => !f.task).length;
    console.log(`✓ ${rows} FAQs → ${out}${settings ? `; settings (synonyms, vocabulary, tasks…) → ${settings}` : ''}`);
    return 0;
  },
});
