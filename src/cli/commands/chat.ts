import readline from 'node:readline';
import { KefuBot, type KefuReply } from '../../bot/bot.js';
import { JsonlLearningStore } from '../../node/learning-file-store.js';
import { KefuLearner } from '../../learn/learner.js';
import { COMMON, defineCommand, requireKb, UsageError } from '../command.js';
import { loadMatcher, readLines } from '../shared.js';
import { loadActionsModule } from '../tools/actions-module.js';

const help = `Usage: kefu chat <kb> [--json] [--debug] [--learn queue.jsonl] [--actions module.mjs] [--segmenter auto|nodejieba|intl] [--var name=value…]

Talk to the bot. On a terminal: a prompt with history (↑/↓), Ctrl-D to quit.
Piped: each stdin line is a message of one conversation; each reply is printed.

  --json        print each reply object as JSON, one per line
  --debug       show normalized text, tokens, segmenter, candidates and scores
  --var k=v     set an answer variable, e.g. --var shopName=小店
  --learn file  record what the bot could not answer (redacted) in a JSON Lines file
  --actions m   a module exporting the host's task actions (and optional choices), e.g.
                examples/shop/actions.mjs; KB tasks without an action stay off

Examples:
  kefu chat knowledge-base
  echo 怎么退货 | kefu chat knowledge-base --json
  printf '我的快递到哪了\\nSO20241111001\\n' | kefu chat knowledge-base --actions examples/shop/actions.mjs --json`;

export default defineCommand({
  name: 'chat',
  synopsis: 'chat <kb>',
  summary: 'talk to the bot (interactive on a terminal; one line per question when piped)',
  help,
  options: { ...COMMON, json: { type: 'boolean' }, var: { type: 'string', multiple: true }, learn: { type: 'string' }, actions: { type: 'string' } },
  async run(values, positionals) {
    const kb = requireKb(positionals, help);
    const variables: Record<string, string> = {};
    for (const v of values.var ?? []) {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new UsageError(`--var takes name=value, not "${v}"`);
      variables[v.slice(0, eq)] = v.slice(eq + 1);
    }
    const host = values.actions ? (await loadActionsModule(values.actions)).make() : undefined;
    const matcher = await loadMatcher(kb, values, host?.actions);
    const learner = values.learn ? new KefuLearner(matcher, { store: new JsonlLearningStore(values.learn) }) : undefined;
    const bot = new KefuBot(matcher, { variables, learner, actions: host?.actions, choices: host?.choices });
    const sessionId = `cli-${process.pid}`;
    const respond = async (line: string) => {
      const text = line.trim();
      if (!text) return;
      const reply = await bot.ask(text, { sessionId });
      if (values.json) process.stdout.write(`${JSON.stringify(reply)}\n`);
      else process.stdout.write(`${formatReply(reply)}\n`);
      if (values.debug) process.stderr.write(`${JSON.stringify(matcher.explain(text).explanation, null, 2)}\n`);
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
  },
});

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
    case 'task':
      return `机器人> ${reply.text}  [${reply.id}: ${reply.task.status}${reply.task.missing.length ? `, missing ${reply.task.missing.join(', ')}` : ''}]`;
    default:
      return `机器人> ${reply.text}`;
  }
}
