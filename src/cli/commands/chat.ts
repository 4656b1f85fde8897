import { KefuBot } from '../../bot/bot.js';
import { JsonlLearningStore } from '../../node/learning-file-store.js';
import { KefuLearner } from '../../learn/learner.js';
import { COMMON, defineCommand, requireKb, UsageError } from '../command.js';
import { loadMatcher } from '../shared.js';
import { runTerminalChat } from '../terminal-chat.js';
import { loadActionsModule } from '../tools/actions-module.js';

const help = `Usage: kefu chat <kb> [--json] [--debug] [--no-semantic] [--learn queue.jsonl] [--actions module.mjs] [--segmenter auto|nodejieba|intl] [--var name=value…]

Talk to the bot. On a terminal: a prompt with history (↑/↓), colour, Ctrl-D or Ctrl-C to quit.
Piped: each stdin line is a message of one conversation; each reply is printed.
In both, lines starting with / are commands: /help, /reset (new conversation), /debug,
/agent (after a handoff, play the human agent), /bot (hand back to the bot), /quit.

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
    const matcher = await loadMatcher(kb, values, { actions: host?.actions });
    const learner = values.learn ? new KefuLearner(matcher, { store: new JsonlLearningStore(values.learn) }) : undefined;
    const bot = new KefuBot(matcher, { variables, learner, actions: host?.actions, choices: host?.choices });
    await runTerminalChat({ bot, json: Boolean(values.json), debug: Boolean(values.debug), tty: Boolean(process.stdin.isTTY && process.stdout.isTTY) });
    return 0;
  },
});
