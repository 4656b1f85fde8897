import { writeFile } from 'node:fs/promises';
import { COMMON, defineCommand, requireKb, UsageError } from '../command.js';
import { expandCaseFiles, loadMatcher } from '../shared.js';
import { loadCaseFiles } from '../tools/cases.js';
import { renderEvalReport } from '../tools/eval-report.js';
import { sweepThresholds, type SweepInput } from '../tools/eval-sweep.js';

const help = `Usage: kefu eval <kb> --cases <file…> [--out report.html]

Matches every case once, sweeps the answer threshold from 0 to 1 (clarify at half of it)
and writes a self-contained HTML report: accuracy, answer, wrong-answer, clarify and
fallback rates against the threshold, the recommended setting as YAML to paste into the
KB, and the worst cases. Default --out: kefu-eval.html.

Example:
  kefu eval knowledge-base --cases test/cases --out eval.html`;

export default defineCommand({
  name: 'eval',
  synopsis: 'eval <kb> --cases <file…>',
  summary: 'sweep thresholds, write an HTML report with a plot and a recommendation',
  help,
  options: { ...COMMON, cases: { type: 'string', multiple: true }, out: { type: 'string' } },
  async run(values, positionals) {
    const kb = requireKb(positionals, help);
    const caseFiles = [...(values.cases ?? []), ...positionals.slice(1)];
    if (caseFiles.length === 0) throw new UsageError(`--cases <file…> is required\n\n${help}`);
    const files = await expandCaseFiles(caseFiles);
    const matcher = await loadMatcher(kb, values);
    const cases = await loadCaseFiles(files, new Set(matcher.kb.faqs.map((f) => f.id)));
    // Each question matched once, as the bot matches it (prepared: with its embedding).
    const inputs = new Map<string, SweepInput>();
    for (const c of cases) if (!inputs.has(c.question)) inputs.set(c.question, matcher.decisionInput(await matcher.prepare(c.question)));
    const sweep = sweepThresholds({ thresholds: matcher.thresholds, decisionInput: (q) => inputs.get(q)! }, cases);
    const out = values.out ?? 'kefu-eval.html';
    await writeFile(out, renderEvalReport(sweep, { kb, cases: files, date: new Date().toISOString().slice(0, 19).replace('T', ' '), segmenter: matcher.segmenterName }));
    const r = sweep.recommended;
    const c = sweep.current;
    console.log(`✓ ${out}: ${cases.length} cases; accuracy ${c.accuracy.toFixed(3)} at the current thresholds (answer ${c.thresholds.answer}), ${r.accuracy.toFixed(3)} at the recommended answer ${r.thresholds.answer}, clarify ${r.thresholds.clarify}`);
    console.log(`  as kefu test judges them (clarify and fallback told apart; handoff cases left to kefu test): ${c.judged.passed}/${c.judged.cases} (${c.judged.accuracy.toFixed(3)})`);
    return 0;
  },
});
