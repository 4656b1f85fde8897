import { writeFileAtomic } from '../../node/write-atomic.js';
import { COMMON, defineCommand, requireKb, UsageError } from '../command.js';
import { loadMatcher } from '../shared.js';

const help = `Usage: kefu build <kb> --out <index.json> [--vector-cache <file>]

Builds the index once and saves it as JSON; createBot/createMatcher load it without
rebuilding (the browser entry uses it).

Example:
  kefu build knowledge-base --out public/kb-index.json`;

export default defineCommand({
  name: 'build',
  synopsis: 'build <kb> --out <file>',
  summary: 'write a prebuilt index (browsers, fast cold starts)',
  help,
  options: { ...COMMON, out: { type: 'string' }, 'vector-cache': { type: 'string' } },
  async run(values, positionals) {
    const kb = requireKb(positionals, help);
    const out = values.out;
    if (!out) throw new UsageError(`--out <file> is required\n\n${help}`);
    const t0 = performance.now();
    const matcher = await loadMatcher(kb, values);
    const json = JSON.stringify(matcher.toJSON());
    await writeFileAtomic(out, json);
    const { size } = matcher;
    console.log(`✓ ${out}: ${size.faqs} FAQs, ${size.questions} questions, ${size.features} features, ${(json.length / 1024).toFixed(0)} KB, built in ${Math.round(performance.now() - t0)} ms (segmenter ${matcher.segmenterName})`);
    return 0;
  },
});
