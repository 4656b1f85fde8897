import { checkQuestion, DEFAULT_MAX_QUESTION_LENGTH } from '../../bot/question.js';
import { KefuError } from '../../errors.js';
import { COMMON, defineCommand, requireKb } from '../command.js';
import { loadMatcher, readLines } from '../shared.js';

const help = `Usage: kefu match <kb> [--segmenter …] [--no-semantic] [--debug]

Reads questions from stdin, one per line; writes one JSON object per line, in order:
{"text","type":"answer"|"clarify"|"fallback","id","confidence","candidates":[{"id","confidence"}]}
A line that cannot be matched (over the question length limit) gets {"text","error":{"code","message"}}
in its place, and the exit status is 1 at the end. No sessions, small talk or handoff. If the KB cannot be loaded: exit 1, problems on stderr.

Example:
  printf '怎么退货\\n發票怎麼開\\n' | kefu match knowledge-base`;

export default defineCommand({
  name: 'match',
  synopsis: 'match <kb>',
  summary: 'pure matching: one JSON line per stdin line (for CI pipelines)',
  help,
  options: { ...COMMON },
  async run(values, positionals) {
    const matcher = await loadMatcher(requireKb(positionals, help), values);
    // One output line per input line, whatever the line: one that cannot be matched gets an
    // error line in its place (and the exit status is 1 at the end).
    let failed = 0;
    await readLines(async (line) => {
      let out: object;
      try {
        checkQuestion(line, DEFAULT_MAX_QUESTION_LENGTH, 'match');
        const m = matcher.match(await matcher.prepare(line.trim()));
        out = { text: line, type: m.type, id: m.id, confidence: m.confidence, candidates: m.candidates.map(({ id, confidence }) => ({ id, confidence })) };
      } catch (err) {
        failed++;
        out = { text: line.length > 200 ? `${line.slice(0, 200)}…` : line, error: { code: err instanceof KefuError ? err.code : 'unexpected', message: err instanceof Error ? err.message : String(err) } };
      }
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
    return failed ? 1 : 0;
  },
});
