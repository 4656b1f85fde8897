/**
 * The `kefu` command. Exit codes: 0 success, 1 failure (invalid KB, failing cases),
 * 2 usage error. Human-readable output on stdout, diagnostics on stderr; stack traces
 * only with --debug.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KefuBot, type KefuReply } from '../bot/bot.js';
import { KefuError, KefuKnowledgeBaseError, formatProblem } from '../errors.js';
import { knowledgeBaseJsonSchema } from '../kb/schema.js';
import type { KefuMatcher } from '../match/matcher.js';
import { casePasses, loadCaseFiles, outcomeOf } from './tools/cases.js';
import { loadSegmenterSync } from '../node/jieba-segmenter.js';
import { readKnowledgeBase } from '../node/load-kb.js';
import { approveLearningItem, createMatcher, JsonlLearningStore, KefuLearner, type KefuApproval } from '../index.js';
import type { KefuRedis } from '../redis/index.js';
import { junitXml } from './junit.js';
import { progress } from './progress.js';
import { renderEvalReport, sweepThresholds } from './tools/eval-report.js';

class UsageError extends Error {}

const HELP: Record<string, string> = {
  main: `kefu — Chinese customer-service chatbot toolkit

Usage: kefu <command> [options]

Commands:
  chat <kb>                 talk to the bot (interactive on a terminal; one line per question when piped)
  match <kb>                pure matching: one JSON line per stdin line (for CI pipelines)
  validate <kb>             check KB files: schema, duplicate ids and questions, patterns
  test <kb> --cases <file…> run test cases and gate on accuracy
  eval <kb> --cases <file…> sweep thresholds, write an HTML report with a plot and a recommendation
  build <kb> --out <file>   write a prebuilt index (browsers, fast cold starts)
  learn list|ignore <kb> --learn <file>  review questions the bot could not answer
  import <sheet> --out <dir> turn a .csv/.xlsx of FAQs into KB files (one per category)
  export <kb> --out <sheet> write the KB's FAQs to .csv (UTF-8 with BOM) or .xlsx
  schema                    print the JSON Schema of KB files

Run 'kefu <command> --help' for a command's options and examples.`,
  chat: `Usage: kefu chat <kb> [--json] [--debug] [--no-semantic] [--learn queue.jsonl] [--segmenter auto|nodejieba|intl] [--var name=value…]

Talk to the bot. On a terminal: a prompt with history (↑/↓), Ctrl-D to quit.
Piped: each stdin line is a message of one conversation; each reply is printed.

  --json        print each reply object as JSON, one per line
  --debug       show normalized text, tokens, segmenter, candidates and scores
  --var k=v     set an answer variable, e.g. --var shopName=小店
  --learn file  record what the bot could not answer (redacted) in a JSON Lines file

Examples:
  kefu chat knowledge-base
  echo 怎么退货 | kefu chat knowledge-base --json`,
  match: `Usage: kefu match <kb> [--segmenter …] [--no-semantic] [--debug]

Reads questions from stdin, one per line; writes one JSON object per line, in order:
{"text","type":"answer"|"clarify"|"fallback","id","confidence","candidates":[{"id","confidence"}]}
No sessions, small talk or handoff. If the KB cannot be loaded: exit 1, problems on stderr.

Example:
  printf '怎么退货\\n發票怎麼開\\n' | kefu match knowledge-base`,
  validate: `Usage: kefu validate <kb> [--strict] [--format text|json] [--no-lint]

Exit 0 when valid (warnings are printed but only fail with --strict), 1 otherwise.
One line per problem: file:line faq "id" (field): message.
Errors: schema, unknown fields, duplicate ids, the same question under two ids, empty
texts, broken patterns. Warnings: undeclared categories, and (unless --no-lint) questions
of two FAQs that are nearly the same (with their similarity) and FAQs that another shadows.

Examples:
  kefu validate knowledge-base
  kefu validate knowledge-base --strict --format json`,
  test: `Usage: kefu test <kb> --cases <file…> [--no-semantic] [--min-accuracy 0.95] [--junit out.xml]
                 [--baseline prev.json] [--save-baseline run.json] [--format text|json]

Runs each case (a question and what should happen: an FAQ id, clarify, fallback or
handoff) in a fresh conversation. Exit 0 when every case passes, or when accuracy
reaches --min-accuracy; 1 otherwise. --baseline also fails when accuracy is lower than
in a run saved with --save-baseline.

Examples:
  kefu test knowledge-base --cases test/cases/*.yaml
  kefu test knowledge-base --cases test/cases --min-accuracy 0.95 --junit junit.xml`,
  eval: `Usage: kefu eval <kb> --cases <file…> [--out report.html]

Matches every case once, sweeps the answer threshold from 0 to 1 (clarify at half of it)
and writes a self-contained HTML report: accuracy, answer, wrong-answer, clarify and
fallback rates against the threshold, the recommended setting as YAML to paste into the
KB, and the worst cases. Default --out: kefu-eval.html.

Example:
  kefu eval knowledge-base --cases test/cases --out eval.html`,
  build: `Usage: kefu build <kb> --out <index.json> [--vector-cache <file>]

Builds the index once and saves it as JSON; createBot/createMatcher load it without
rebuilding (the browser entry uses it).

Example:
  kefu build knowledge-base --out public/kb-index.json`,
  learn: `Usage: kefu learn list <kb> (--learn <queue.jsonl> | --redis <url>) [--format text|json]
       kefu learn ignore <kb> <item-id> (--learn <queue.jsonl> | --redis <url>)
       kefu learn approve <kb> <item-id> (--learn <queue.jsonl> | --redis <url>) --faq <faq-id>
       kefu learn approve <kb> <item-id> (--learn …) --new-id <id> --answer <text> --file <kb-file> [--category c]

--redis <url> [--redis-prefix kefu:] reviews the queue that bot processes share in Redis
(kefu/redis); an approval is also published there, and running bots that sync the KB
answer the learned question at once.

The learning queue: questions the bot fell back or clarified on, handed over after
failures or anger, down-voted answers, and agent replies after a handoff — personal data
redacted, similar questions grouped with a count. 'ignore' drops a group for good
(questions like it are no longer recorded). 'approve' writes the group's questions into
the KB: as similar questions of an existing FAQ (in the file that defines it), or as a new
FAQ in the file you name; comments and formatting of YAML files are kept, writes are
atomic and locked against other writers. Fill the queue with 'kefu chat --learn' or
createBot({ learner }).

Example:
  kefu learn list knowledge-base --learn learn/queue.jsonl`,
  import: `Usage: kefu import <file.csv|file.xlsx> --out <dir> [--overwrite]

Columns: id, category, question, similar (one per line in the cell, or |-separated),
answer (variants separated by a line "---"), and optionally keywords, required, patterns,
tags, handoff, priority, threshold. Chinese headers work too (编号, 分类, 问题, 相似问题,
答案…). CSVs may be UTF-8 (with or without BOM) or GBK as saved by Chinese Excel.
Writes <dir>/<category>.yaml; existing files are kept unless --overwrite. KB-wide
settings (synonyms used by @patterns, vocabulary) are not in spreadsheets: keep them in
their own file in the KB folder.

Example:
  kefu import faqs.xlsx --out knowledge-base`,
  export: `Usage: kefu export <kb> --out <file.csv|file.xlsx>

Writes every FAQ as a row (the columns of 'kefu import'); import gives the same FAQs back.

Example:
  kefu export knowledge-base --out faqs.xlsx`,
  schema: `Usage: kefu schema

Prints the JSON Schema of a KB file (also shipped as kefu/kb.schema.json).`,
};

const COMMON: ParseArgsConfig['options'] = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  segmenter: { type: 'string' },
  // lexical matching only: the sentence-embedding model is not loaded
  'no-semantic': { type: 'boolean' },
};

const OPTIONS: Record<string, ParseArgsConfig['options']> = {
  chat: { ...COMMON, json: { type: 'boolean' }, var: { type: 'string', multiple: true }, learn: { type: 'string' } },
  learn: { ...COMMON, learn: { type: 'string' }, redis: { type: 'string' }, 'redis-prefix': { type: 'string' }, format: { type: 'string' }, faq: { type: 'string' }, 'new-id': { type: 'string' }, answer: { type: 'string' }, file: { type: 'string' }, category: { type: 'string' } },
  match: { ...COMMON },
  validate: { ...COMMON, strict: { type: 'boolean' }, format: { type: 'string' }, 'no-lint': { type: 'boolean' } },
  test: { ...COMMON, cases: { type: 'string', multiple: true }, 'min-accuracy': { type: 'string' }, junit: { type: 'string' }, format: { type: 'string' }, baseline: { type: 'string' }, 'save-baseline': { type: 'string' } },
  build: { ...COMMON, out: { type: 'string' }, 'vector-cache': { type: 'string' } },
  eval: { ...COMMON, cases: { type: 'string', multiple: true }, out: { type: 'string' } },
  import: { ...COMMON, out: { type: 'string' }, overwrite: { type: 'boolean' } },
  export: { ...COMMON, out: { type: 'string' } },
  schema: { ...COMMON },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP.main);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    console.log('0.1.0');
    return 0;
  }
  const options = OPTIONS[command];
  if (!options) throw new UsageError(`unknown command "${command}"; commands: ${Object.keys(OPTIONS).join(', ')}`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')}\n\n${HELP[command]}`);
  }
  const { values, positionals } = parsed as { values: Record<string, unknown>; positionals: string[] };
  if (values.help) {
    console.log(HELP[command]);
    return 0;
  }
  if (command === 'learn') return learn(positionals, values);
  // `--cases a.yaml b.yaml` (as shells expand globs) takes the extra positionals too.
  const kb = positionals[0];
  if (command !== 'schema' && !kb) throw new UsageError(`missing <kb>: the knowledge-base folder or file\n\n${HELP[command]}`);
  switch (command) {
    case 'chat':
      return chat(kb, values);
    case 'match':
      return match(kb, values);
    case 'validate':
      return validate(kb, values);
    case 'test':
      return runTests(kb, [...((values.cases as string[]) ?? []), ...positionals.slice(1)], values);
    case 'build':
      return build(kb, values);
    case 'import':
      return importSheet(kb, values);
    case 'export':
      return exportSheet(kb, values);
    case 'eval':
      return evaluate(kb, [...((values.cases as string[]) ?? []), ...positionals.slice(1)], values);
    case 'schema':
      console.log(JSON.stringify(knowledgeBaseJsonSchema(), null, 2));
      return 0;
  }
  return 2;
}

function segmenterChoice(values: Record<string, unknown>) {
  const s = (values.segmenter as string | undefined) ?? 'auto';
  if (!['auto', 'nodejieba', 'intl'].includes(s)) throw new UsageError(`--segmenter must be auto, nodejieba or intl, not "${s}"`);
  return s as 'auto' | 'nodejieba' | 'intl';
}

async function loadMatcher(kb: string, values: Record<string, unknown>): Promise<KefuMatcher> {
  const choice = segmenterChoice(values);
  const info = loadSegmenterSync(choice);
  if (info.fallbackReason && values.debug) console.error(`kefu: nodejieba unavailable, using Intl.Segmenter (${info.fallbackReason})`);
  const options = { segmenter: choice, semantic: !values['no-semantic'], vectorCache: values['vector-cache'] as string | undefined };
  let matcher: KefuMatcher;
  if (kb.endsWith('.json') && !(await isKbFile(kb))) {
    const { readFile } = await import('node:fs/promises');
    matcher = await createMatcher(JSON.parse(await readFile(kb, 'utf8')), options);
  } else matcher = await createMatcher(kb, options);
  if (values.debug) {
    const e = matcher.embedding;
    console.error(`kefu: semantic matching: ${e.path}${e.name ? ` (${e.name}, ${Math.round(e.loadMs)} ms to load)` : ''}${e.reason ? ` — ${e.reason}` : ''}${matcher.semantic.on ? `, cosine weight ${matcher.semantic.weight} fitted on this KB` : ''}`);
  }
  return matcher;
}

/** A .json path may be a KB file or a prebuilt index; the index has `format: "kefu-index"`. */
async function isKbFile(file: string): Promise<boolean> {
  const { open } = await import('node:fs/promises');
  const fh = await open(file, 'r').catch(() => undefined);
  if (!fh) return true;
  const { buffer, bytesRead } = await fh.read(Buffer.alloc(200), 0, 200, 0);
  await fh.close();
  return !buffer.subarray(0, bytesRead).toString('utf8').includes('"kefu-index"');
}

function readLines(onLine: (line: string) => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
    let chain = Promise.resolve();
    rl.on('line', (line) => {
      chain = chain.then(() => onLine(line)).catch(reject);
    });
    rl.on('close', () => chain.then(resolve, reject));
  });
}

async function match(kb: string, values: Record<string, unknown>): Promise<number> {
  const matcher = await loadMatcher(kb, values);
  await readLines(async (line) => {
    const m = matcher.match(await matcher.prepare(line.trim()));
    const out = { text: line, type: m.type, id: m.id, confidence: m.confidence, candidates: m.candidates.map(({ id, confidence }) => ({ id, confidence })) };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  });
  return 0;
}

async function chat(kb: string, values: Record<string, unknown>): Promise<number> {
  const variables: Record<string, string> = {};
  for (const v of (values.var as string[] | undefined) ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--var takes name=value, not "${v}"`);
    variables[v.slice(0, eq)] = v.slice(eq + 1);
  }
  const matcher = await loadMatcher(kb, values);
  const learner = values.learn ? new KefuLearner(matcher, { store: new JsonlLearningStore(values.learn as string) }) : undefined;
  const bot = new KefuBot(matcher, { variables, learner });
  const sessionId = `cli-${process.pid}`;
  const respond = async (line: string) => {
    const text = line.trim();
    if (!text) return;
    const reply = await bot.ask(text, { sessionId });
    if (values.json) process.stdout.write(`${JSON.stringify(reply)}\n`);
    else process.stdout.write(`${formatReply(reply)}\n`);
    if (values.debug) process.stderr.write(`${JSON.stringify(matcher.explain(await matcher.prepare(text)).explanation, null, 2)}\n`);
  };
  if (!process.stdin.isTTY) {
    await readLines(respond);
    return 0;
  }
  const { size } = matcher;
  console.log(`kefu chat — ${size.faqs} FAQs, ${size.questions} questions, segmenter ${matcher.segmenterName}. Ctrl-D to quit.`);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '你> ', historySize: 200 });
  rl.prompt();
  for await (const line of rl) {
    await respond(line);
    rl.prompt();
  }
  return 0;
}

function formatReply(reply: KefuReply): string {
  switch (reply.type) {
    case 'answer':
      return `机器人> ${reply.text}  [${reply.id} ${reply.confidence.toFixed(2)}]`;
    case 'clarify':
      return `机器人> ${reply.text}`;
    case 'handoff':
      return `机器人> ${reply.text}  [handoff: ${reply.reason}, ${reply.priority}]`;
    case 'with-human':
      return reply.waiting ? '（已转人工，正在等待客服接入…）' : '（人工客服处理中）';
    default:
      return `机器人> ${reply.text}`;
  }
}

async function validate(kb: string, values: Record<string, unknown>): Promise<number> {
  const format = (values.format as string | undefined) ?? 'text';
  if (!['text', 'json'].includes(format)) throw new UsageError(`--format must be text or json, not "${format}"`);
  const { kb: data, problems, files } = await readKnowledgeBase(kb);
  // A valid KB is also matched against itself: near-duplicate questions, shadowed FAQs.
  if (!problems.some((p) => p.severity === 'error') && !values['no-lint']) {
    const matcher = await createMatcher(data, { segmenter: segmenterChoice(values) });
    problems.push(...matcher.lint());
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
}

async function runTests(kb: string, caseFiles: string[], values: Record<string, unknown>): Promise<number> {
  if (caseFiles.length === 0) throw new UsageError(`--cases <file…> is required\n\n${HELP.test}`);
  const min = values['min-accuracy'] === undefined ? 1 : Number(values['min-accuracy']);
  if (!(min >= 0 && min <= 1)) throw new UsageError(`--min-accuracy must be a number from 0 to 1, not "${String(values['min-accuracy'])}"`);
  const files = await expandCaseFiles(caseFiles);
  const matcher = await loadMatcher(kb, values);
  const bot = new KefuBot(matcher);
  const cases = await loadCaseFiles(files, new Set(matcher.kb.faqs.map((f) => f.id)));
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
  const passed = results.filter((r) => r.pass).length;
  const accuracy = cases.length ? passed / cases.length : 1;
  let baseline: number | undefined;
  if (values.baseline) {
    const { readFile } = await import('node:fs/promises');
    const saved = JSON.parse(await readFile(values.baseline as string, 'utf8').catch(() => { throw new UsageError(`baseline "${String(values.baseline)}" not found`); })) as { accuracy?: unknown };
    if (typeof saved.accuracy !== 'number') throw new UsageError(`baseline "${String(values.baseline)}" has no numeric "accuracy" (save one with --save-baseline)`);
    baseline = saved.accuracy;
  }
  const dropped = baseline !== undefined && accuracy < baseline - 1e-9;
  const ok = accuracy >= min && !dropped;
  if (values['save-baseline']) await writeFile(values['save-baseline'] as string, `${JSON.stringify({ accuracy, passed, total: cases.length, date: new Date().toISOString() }, null, 2)}\n`);
  const confused = new Map<string, number>();
  for (const r of results) if (!r.pass) confused.set(`${r.case.expect} → ${outcomeOf(r.reply)}`, (confused.get(`${r.case.expect} → ${outcomeOf(r.reply)}`) ?? 0) + 1);
  if (values.junit) await writeFile(values.junit as string, junitXml('kefu', results.map((r) => ({ name: r.case.question, classname: path.basename(r.case.file), ms: r.ms, failure: r.pass ? undefined : `expected ${r.case.expect}${r.case.reason ? ` (${r.case.reason})` : ''}, got ${outcomeOf(r.reply)}` }))));
  if (values.format === 'json') {
    console.log(JSON.stringify({ passed, total: cases.length, accuracy, minAccuracy: min, baseline, ok, failures: results.filter((r) => !r.pass).map((r) => ({ question: r.case.question, expect: r.case.expect, got: outcomeOf(r.reply), file: r.case.file, line: r.case.line })) }, null, 2));
  } else {
    for (const r of results.filter((x) => !x.pass)) {
      console.log(`✗ ${r.case.file}${r.case.line ? `:${r.case.line}` : ''}  ${r.case.question}\n    expected ${r.case.expect}${r.case.reason ? ` (${r.case.reason})` : ''}, got ${outcomeOf(r.reply)}`);
    }
    const top = [...confused].sort((a, b) => b[1] - a[1]).slice(0, 5);
    if (top.length) console.log(`\nMost confused:\n${top.map(([k, v]) => `  ${v}× ${k}`).join('\n')}`);
    console.log(`\n${ok ? '✓' : '✗'} ${passed}/${cases.length} cases passed (accuracy ${accuracy.toFixed(3)}, required ${min}${baseline !== undefined ? `, baseline ${baseline.toFixed(3)}${dropped ? ': accuracy dropped' : ''}` : ''})`);
  }
  return ok ? 0 : 1;
}

async function expandCaseFiles(items: string[]): Promise<string[]> {
  const { stat, readdir } = await import('node:fs/promises');
  const out: string[] = [];
  for (const item of items) {
    const info = await stat(item).catch(() => undefined);
    if (!info) throw new UsageError(`case file "${item}" not found`);
    if (info.isDirectory()) {
      for (const f of (await readdir(item)).sort()) if (/\.(ya?ml|json)$/i.test(f)) out.push(path.join(item, f));
    } else out.push(item);
  }
  return out;
}

async function learn(positionals: string[], values: Record<string, unknown>): Promise<number> {
  const [action, kb, id] = positionals;
  if (action !== 'list' && action !== 'ignore' && action !== 'approve') throw new UsageError(`kefu learn: expected list, approve or ignore, not ${JSON.stringify(action ?? '')}\n\n${HELP.learn}`);
  if (!kb) throw new UsageError(`missing <kb>\n\n${HELP.learn}`);
  if (!values.learn === !values.redis) throw new UsageError(`give one queue: --learn <queue.jsonl> or --redis <url>\n\n${HELP.learn}`);
  const matcher = await loadMatcher(kb, values);
  const redis = values.redis ? await (await import('../redis/index.js')).connectRedis(values.redis as string, { prefix: values['redis-prefix'] as string | undefined }) : undefined;
  try {
    const store = redis ? redis.learningStore() : new JsonlLearningStore(values.learn as string);
    return await review(new KefuLearner(matcher, { store }), action, kb, id, values, redis);
  } finally {
    await redis?.close();
  }
}

async function review(learner: KefuLearner, action: string, kb: string, id: string | undefined, values: Record<string, unknown>, redis?: KefuRedis): Promise<number> {
  if (action === 'approve') {
    if (!id) throw new UsageError(`missing <item-id>\n\n${HELP.learn}`);
    let approval: KefuApproval;
    if (values.faq) approval = { faqId: values.faq as string };
    else if (values['new-id'] && values.answer && values.file) approval = { newFaq: { id: values['new-id'] as string, answer: values.answer as string, category: values.category as string | undefined }, file: values.file as string };
    else throw new UsageError(`approve needs --faq <faq-id>, or --new-id, --answer and --file\n\n${HELP.learn}`);
    const { file, questions } = await approveLearningItem(learner, id, kb, approval, { publish: redis && ((c) => redis.publishKbChange(c)) });
    console.log(`✓ ${id} → ${'faqId' in approval ? approval.faqId : approval.newFaq.id} in ${file}: ${questions.length} question${questions.length === 1 ? '' : 's'} added${redis ? ` (published to ${redis.url})` : ''}`);
    return 0;
  }
  if (action === 'ignore') {
    if (!id) throw new UsageError(`missing <item-id>\n\n${HELP.learn}`);
    await learner.ignore(id);
    console.log(`✓ ignored ${id}`);
    return 0;
  }
  const items = await learner.list();
  if (values.format === 'json') {
    console.log(JSON.stringify(items, null, 2));
    return 0;
  }
  for (const i of items) {
    const near = i.nearest[0] ? `  nearest: ${i.nearest[0].id} (${i.nearest[0].confidence.toFixed(2)})` : '';
    console.log(`${i.id}  ×${i.count}  ${i.text}${near}`);
    for (const v of i.variants.slice(1, 4)) console.log(`      ×${v.count}  ${v.text}`);
    for (const a of i.agentReplies.slice(0, 1)) console.log(`      agent: ${a}`);
  }
  console.log(`${items.length} open group${items.length === 1 ? '' : 's'}`);
  return 0;
}

async function importSheet(file: string, values: Record<string, unknown>): Promise<number> {
  const out = values.out as string | undefined;
  if (!out) throw new UsageError(`--out <dir> is required\n\n${HELP.import}`);
  const { readSpreadsheet, importToKbFiles } = await import('./tools/spreadsheet.js');
  const { faqs, problems } = await readSpreadsheet(file);
  for (const p of problems) console.error(formatProblem(p));
  if (problems.some((p) => p.severity === 'error')) {
    console.error(`✗ ${file}: ${problems.filter((p) => p.severity === 'error').length} errors; nothing written`);
    return 1;
  }
  const written = await importToKbFiles(faqs, out, { overwrite: Boolean(values.overwrite) });
  console.log(`✓ ${faqs.length} FAQs from ${file} → ${written.join(', ')}`);
  return 0;
}

async function exportSheet(kb: string, values: Record<string, unknown>): Promise<number> {
  const out = values.out as string | undefined;
  if (!out) throw new UsageError(`--out <file.csv|file.xlsx> is required\n\n${HELP.export}`);
  const { writeSpreadsheet } = await import('./tools/spreadsheet.js');
  const { kb: data, problems } = await readKnowledgeBase(kb);
  if (problems.some((p) => p.severity === 'error')) throw new KefuKnowledgeBaseError(problems);
  await writeSpreadsheet(data, out);
  console.log(`✓ ${data.faqs.length} FAQs → ${out}`);
  return 0;
}

async function evaluate(kb: string, caseFiles: string[], values: Record<string, unknown>): Promise<number> {
  if (caseFiles.length === 0) throw new UsageError(`--cases <file…> is required\n\n${HELP.eval}`);
  const files = await expandCaseFiles(caseFiles);
  const matcher = await loadMatcher(kb, values);
  const cases = await loadCaseFiles(files, new Set(matcher.kb.faqs.map((f) => f.id)));
  const sweep = sweepThresholds(matcher, cases);
  const out = (values.out as string | undefined) ?? 'kefu-eval.html';
  await writeFile(out, renderEvalReport(sweep, { kb, cases: files, date: new Date().toISOString().slice(0, 19).replace('T', ' '), segmenter: matcher.segmenterName }));
  const r = sweep.recommended;
  const c = sweep.current;
  console.log(`✓ ${out}: ${cases.length} cases; accuracy ${c.accuracy.toFixed(3)} at the current thresholds (answer ${c.thresholds.answer}), ${r.accuracy.toFixed(3)} at the recommended answer ${r.thresholds.answer}, clarify ${r.thresholds.clarify}`);
  return 0;
}

async function build(kb: string, values: Record<string, unknown>): Promise<number> {
  const out = values.out as string | undefined;
  if (!out) throw new UsageError(`--out <file> is required\n\n${HELP.build}`);
  const t0 = performance.now();
  const matcher = await loadMatcher(kb, values);
  const json = JSON.stringify(matcher.toJSON());
  const tmp = `${out}.${process.pid}.tmp`;
  await writeFile(tmp, json);
  const { rename } = await import('node:fs/promises');
  await rename(tmp, out);
  const { size } = matcher;
  console.log(`✓ ${out}: ${size.faqs} FAQs, ${size.questions} questions, ${size.features} features, ${(json.length / 1024).toFixed(0)} KB, built in ${Math.round(performance.now() - t0)} ms (segmenter ${matcher.segmenterName})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const debug = process.argv.includes('--debug');
    if (err instanceof UsageError) {
      console.error(`kefu: ${err.message}`);
      process.exitCode = 2;
    } else if (err instanceof KefuKnowledgeBaseError) {
      for (const p of err.problems) console.error(formatProblem(p));
      process.exitCode = 1;
    } else if (err instanceof KefuError) {
      console.error(err.message);
      process.exitCode = 1;
    } else {
      console.error(`kefu: unexpected error: ${(err as Error)?.message ?? String(err)}${debug ? '' : ' (run with --debug for details)'}`);
      process.exitCode = 1;
    }
    if (debug && err instanceof Error) console.error(err.stack);
  },
);
