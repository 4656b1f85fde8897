import path from 'node:path';
import { formatProblem, type KefuProblem } from '../../errors.js';
import { withActiveTasks } from '../../task/compile.js';
import { createMatcher } from '../../index.js';
import { readKnowledgeBase } from '../../node/load-kb.js';
import { COMMON, defineCommand, requireKb, UsageError } from '../command.js';
import { openIndexCache } from '../index-cache.js';
import { segmenterChoice } from '../shared.js';

const help = `Usage: kefu validate <kb> [--strict] [--format text|json] [--no-lint] [--variables a,b]

Exit 0 when valid (warnings are printed but only fail with --strict), 1 otherwise.
One line per problem: file:line faq "id" (field): message.
Errors: schema, unknown fields, duplicate ids, the same question under two ids, empty
texts, broken patterns, answers using a {variable} that neither the KB's \`variables\` nor
--variables declares (createBot would refuse them; list there the names your app passes
to createBot({ variables, sessionVariables })). Warnings: undeclared categories, and
(unless --no-lint) questions of two FAQs that are nearly the same (with their similarity)
and FAQs that another shadows.

Examples:
  kefu validate knowledge-base
  kefu validate knowledge-base --strict --format json
  kefu validate knowledge-base --variables userName,orderLink`;

export default defineCommand({
  name: 'validate',
  synopsis: 'validate <kb>',
  summary: 'check KB files: schema, duplicate ids and questions, patterns',
  help,
  options: { ...COMMON, strict: { type: 'boolean' }, format: { type: 'string' }, 'no-lint': { type: 'boolean' }, variables: { type: 'string' } },
  async run(values, positionals) {
    const kb = requireKb(positionals, help);
    const format = values.format ?? 'text';
    if (!['text', 'json'].includes(format)) throw new UsageError(`--format must be text or json, not "${format}"`);
    const { kb: data, problems: read, files } = await readKnowledgeBase(kb);
    const problems = hostVariables(read, values.variables);
    // A valid KB is also matched against itself: near-duplicate questions, shadowed FAQs.
    // That takes a build (and nodejieba), so its result is cached for the same files and kefu.
    // Lexical: near-duplicates are read off the TF-IDF index, and embedding every question
    // (~3 ms each) would make a 100,000-question KB take minutes for nothing lint reads.
    if (!problems.some((p) => p.severity === 'error') && !values['no-lint']) {
      const choice = segmenterChoice(values);
      // Keyed by the KB's place too: the warnings name its files.
      const entry = await openIndexCache(kb, `${choice}\0${kb}\0${path.resolve(kb)}`, !values['no-cache']);
      let lint = await entry?.readLint();
      if (!lint) {
        const matcher = await createMatcher(withActiveTasks(data, 'all'), { segmenter: choice, semantic: false });
        lint = matcher.lint();
        await entry?.writeLint(lint);
      }
      problems.push(...lint);
    }
    const errors = problems.filter((p) => p.severity === 'error');
    const warnings = problems.filter((p) => p.severity === 'warning');
    const ok = errors.length === 0 && (!values.strict || warnings.length === 0);
    if (format === 'json') {
      console.log(JSON.stringify({ valid: ok, files: files.length, faqs: data.faqs.length, errors: errors.length, warnings: warnings.length, problems }, null, 2));
    } else {
      for (const p of problems) console.log(formatProblem(p));
      console.log(`${ok ? '✓' : '✗'} ${files.length} files, ${data.faqs.length} FAQs: ${errors.length} errors, ${warnings.length} warnings${values.strict && warnings.length ? ' (--strict)' : ''}`);
    }
    return ok ? 0 : 1;
  },
});

/**
 * A loaded KB may use {variables} the host declares in createBot, so loading only warns;
 * validate knows what the host declares only from --variables, and errs on the rest.
 */
function hostVariables(problems: KefuProblem[], list: string | undefined): KefuProblem[] {
  const declared = new Set((list ?? '').split(',').map((v) => v.trim()).filter(Boolean));
  return problems.flatMap((p) => {
    if (p.code !== 'undeclared-variable') return [p];
    const name = /\{(\w+)\}/.exec(p.message)?.[1];
    if (name && declared.has(name)) return [];
    return [{ ...p, severity: 'error' as const, message: `${p.message.replace(/; createBot refuses it.*$/, '')}; createBot would refuse it: declare it under \`variables\` in the KB, or pass --variables ${name ?? '<name>'} if your app declares it in createBot` }];
  });
}
