import { COMMON, defineCommand, requireKb } from '../command.js';
import { loadMatcher, readLines } from '../shared.js';

const help = `Usage: kefu match <kb> [--segmenter …]

Reads questions from stdin, one per line; writes one JSON object per line, in order:
{"text","type":"answer"|"clarify"|"fallback","id","confidence","candidates":[{"id","confidence"}]}
No sessions, small talk or handoff. If the KB cannot be loaded: exit 1, problems on stderr.

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
    await readLines((line) => {
      const m = matcher.match(line.trim());
      const out = { text: line, type: m.type, id: m.id, confidence: m.confidence, candidates: m.candidates.map(({ id, confidence }) => ({ id, confidence })) };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    });
    return 0;
  },
});
