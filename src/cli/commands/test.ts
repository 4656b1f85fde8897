import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KefuBot } from '../../bot/bot.js';
import { COMMON, defineCommand, requireKb, UsageError } from '../command.js';
import { junitXml } from '../junit.js';
import { progress } from '../progress.js';
import { expandCaseFiles, loadMatcher } from '../shared.js';
import { casePasses, loadCaseFiles, outcomeOf } from '../tools/cases.js';
import { isConversationFile, runConversationFiles } from '../tools/conversations.js';
import { createMatcher } from '../../index.js';
import { loadKnowledgeBase } from '../../node/load-kb.js';
import { segmenterChoice } from '../shared.js';

const help = `Usage: kefu test <kb> --cases <file…> [--actions module] [--no-semantic] [--min-accuracy 0.95] [--junit out.xml]
                 [--baseline prev.json] [--save-baseline run.json] [--format text|json]

Runs each case (a question and what should happen: an FAQ id, clarify, fallback or
handoff) in a fresh conversation. Exit 0 when every case passes, or when accuracy
reaches --min-accuracy; 1 otherwise. --baseline also fails when accuracy is lower than
in a run saved with --save-baseline.
A file with a top-level \`conversations:\` list holds multi-turn conversations instead
(tasks, follow-ups): each runs in a fresh session, turn by turn; its \`actions:\` module
(or --actions) supplies the task actions.

Examples:
  kefu test knowledge-base --cases test/cases/*.yaml
  kefu test knowledge-base --cases test/cases --min-accuracy 0.95 --junit junit.xml
  kefu test knowledge-base --cases test/conversations`;

export default defineCommand({
  name: 'test',
  synopsis: 'test <kb> --cases <file…>',
  summary: 'run test cases and gate on accuracy',
  help,
  options: { ...COMMON, actions: { type: 'string' }, cases: { type: 'string', multiple: true }, 'min-accuracy': { type: 'string' }, junit: { type: 'string' }, format: { type: 'string' }, baseline: { type: 'string' }, 'save-baseline': { type: 'string' } },
  async run(values, positionals) {
    const kb = requireKb(positionals, help);
    // `--cases a.yaml b.yaml` (as shells expand globs) takes the extra positionals too.
    const caseFiles = [...(values.cases ?? []), ...positionals.slice(1)];
    if (caseFiles.length === 0) throw new UsageError(`--cases <file…> is required\n\n${help}`);
    const min = values['min-accuracy'] === undefined ? 1 : Number(values['min-accuracy']);
    if (!(min >= 0 && min <= 1)) throw new UsageError(`--min-accuracy must be a number from 0 to 1, not "${String(values['min-accuracy'])}"`);
    const all = await expandCaseFiles(caseFiles);
    // Files with top-level `conversations:` are multi-turn scripts (tools/conversations.ts).
    const isConversation = await Promise.all(all.map((f) => isConversationFile(f)));
    const files = all.filter((_, i) => !isConversation[i]);
    const matcher = await loadMatcher(kb, values);
    const bot = new KefuBot(matcher);
    const cases = await loadCaseFiles(files, new Set(matcher.kb.faqs.map((f) => f.id)));
    const conversationFiles = all.filter((_, i) => isConversation[i]);
    const conversations = conversationFiles.length ? await runConversationFiles(conversationFiles, await loadKnowledgeBase(kb), (k) => createMatcher(k, { segmenter: segmenterChoice(values) }), values.actions) : [];
    const results = [];
    let n = 0;
    const bar = progress('kefu test', cases.length);
    for (const c of cases) {
      const t0 = performance.now();
      const reply = await bot.ask(c.question, { sessionId: `case-${n++}` });
      results.push({ case: c, reply, pass: casePasses(c, reply), ms: performance.now() - t0 });
      bar.tick();
    }
    bar.done();
    const total = cases.length + conversations.length;
    const passed = results.filter((r) => r.pass).length + conversations.filter((c) => c.pass).length;
    const accuracy = total ? passed / total : 1;
    const baseline = values.baseline === undefined ? undefined : await readBaseline(values.baseline);
    const dropped = baseline !== undefined && accuracy < baseline - 1e-9;
    const ok = accuracy >= min && !dropped;
    if (values['save-baseline']) await writeFile(values['save-baseline'], `${JSON.stringify({ accuracy, passed, total, date: new Date().toISOString() }, null, 2)}\n`);
    const confused = new Map<string, number>();
    for (const r of results) if (!r.pass) confused.set(`${r.case.expect} → ${outcomeOf(r.reply)}`, (confused.get(`${r.case.expect} → ${outcomeOf(r.reply)}`) ?? 0) + 1);
    if (values.junit) await writeFile(values.junit, junitXml('kefu', results.map((r) => ({ name: r.case.question, classname: path.basename(r.case.file), ms: r.ms, failure: r.pass ? undefined : `expected ${r.case.expect}${r.case.reason ? ` (${r.case.reason})` : ''}, got ${outcomeOf(r.reply)}` })).concat(conversations.map((c) => ({ name: c.name, classname: path.basename(c.file), ms: c.ms, failure: c.failure })))));
    if (values.format === 'json') {
      console.log(JSON.stringify({ passed, total, accuracy, minAccuracy: min, baseline, ok, failures: results.filter((r) => !r.pass).map((r) => ({ question: r.case.question, expect: r.case.expect, got: outcomeOf(r.reply), file: r.case.file, line: r.case.line })), conversationFailures: conversations.filter((c) => !c.pass).map((c) => ({ name: c.name, failure: c.failure, file: c.file, line: c.line })) }, null, 2));
    } else {
      for (const r of results.filter((x) => !x.pass)) {
        console.log(`✗ ${r.case.file}${r.case.line ? `:${r.case.line}` : ''}  ${r.case.question}\n    expected ${r.case.expect}${r.case.reason ? ` (${r.case.reason})` : ''}, got ${outcomeOf(r.reply)}`);
      }
      for (const c of conversations.filter((x) => !x.pass)) console.log(`✗ ${c.file}${c.line ? `:${c.line}` : ''}  ${c.name}\n    ${c.failure}`);
      const top = [...confused].sort((a, b) => b[1] - a[1]).slice(0, 5);
      if (top.length) console.log(`\nMost confused:\n${top.map(([k, v]) => `  ${v}× ${k}`).join('\n')}`);
      console.log(`\n${ok ? '✓' : '✗'} ${passed}/${total} ${conversations.length ? `(${cases.length} cases, ${conversations.length} conversations) ` : 'cases '}passed (accuracy ${accuracy.toFixed(3)}, required ${min}${baseline !== undefined ? `, baseline ${baseline.toFixed(3)}${dropped ? ': accuracy dropped' : ''}` : ''})`);
    }
    return ok ? 0 : 1;
  },
});

/** The accuracy of a run saved with --save-baseline. */
async function readBaseline(file: string): Promise<number> {
  const saved = JSON.parse(await readFile(file, 'utf8').catch(() => { throw new UsageError(`baseline "${file}" not found`); })) as { accuracy?: unknown };
  if (typeof saved.accuracy !== 'number') throw new UsageError(`baseline "${file}" has no numeric "accuracy" (save one with --save-baseline)`);
  return saved.accuracy;
}
