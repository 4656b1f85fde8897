/**
 * `kefu chat`'s conversation loop, on a terminal or with piped lines. Lines starting with
 * "/" are commands (both ways): /help, /reset, /debug, /agent (play the human after a
 * handoff), /bot (hand back), /quit. Nothing typed is swallowed silently: while a human
 * holds the conversation every message gets a line saying so and how to go on. Colour only
 * on a TTY (and never with NO_COLOR); Ctrl-C / Ctrl-D say goodbye on a terminal.
 */
import readline from 'node:readline';
import type { KefuBot } from '../bot/bot.js';
import type { KefuReply } from '../bot/types.js';

export interface TerminalChatOptions {
  bot: KefuBot;
  json: boolean;
  debug: boolean;
  /** Interactive: prompt, banner, colour, goodbye. */
  tty: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  errors?: NodeJS.WritableStream;
}

export const CHAT_HELP = `Commands:
  /help    this list
  /reset   start a new conversation (forgets the transcript and any handoff)
  /debug   show or hide how each question was matched (tokens, candidates, scores)
  /agent   after a handoff: play the human agent; your lines go to the customer as the agent's
  /bot     hand the conversation back to the bot (also ends /agent)
  /quit    leave (Ctrl-D or Ctrl-C too)`;

export async function runTerminalChat(o: TerminalChatOptions): Promise<void> {
  const out = o.output ?? process.stdout;
  const err = o.errors ?? process.stderr;
  const useColor = o.tty && !process.env.NO_COLOR;
  const paint = (code: string) => (s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
  const c = { bot: paint('36'), agent: paint('35'), note: paint('2'), warn: paint('33'), you: paint('1') };
  const say = (s: string) => out.write(`${s}\n`);
  let debug = o.debug;
  let conversation = 1;
  let sessionId = `cli-${process.pid}-${conversation}`;
  let agent = false;
  const bot = o.bot;

  if (o.tty) {
    const info = bot.info();
    say(c.note(`kefu chat — ${info.faqs} FAQs, ${info.questions} questions, segmenter ${info.segmenter}. /help for commands, Ctrl-D to quit.`));
    if (info.segmenterFallback) say(c.warn(`(${info.segmenterFallback}: Intl.Segmenter in use)`));
  }

  const format = (reply: KefuReply): string => {
    switch (reply.type) {
      case 'answer':
        return `${c.bot('机器人>')} ${reply.text}  ${c.note(`[${reply.id} ${reply.confidence.toFixed(2)}]`)}`;
      case 'handoff':
        return `${c.bot('机器人>')} ${reply.text}  ${c.note(`[handoff: ${reply.reason}, ${reply.priority}]`)}\n${c.note('（已转人工。输入 /agent 扮演客服回复顾客，/reset 开始新对话，/help 查看命令）')}`;
      case 'with-human':
        return reply.waiting
          ? c.note('（已转人工，正在等待客服接入：您的消息已转给客服。输入 /agent 扮演客服，/bot 交回机器人，/reset 开始新对话）')
          : c.note('（人工客服处理中：您的消息已转给客服。输入 /agent 扮演客服，/bot 交回机器人）');
      case 'task':
        return `${c.bot('机器人>')} ${reply.text}  ${c.note(`[${reply.id}: ${reply.task.status}${reply.task.missing.length ? `, missing ${reply.task.missing.join(', ')}` : ''}]`)}`;
      default:
        return `${c.bot('机器人>')} ${reply.text}`;
    }
  };

  const command = async (line: string): Promise<boolean> => {
    const [name] = line.slice(1).trim().split(/\s+/);
    switch (name) {
      case 'help':
      case '?':
        say(CHAT_HELP);
        return true;
      case 'reset':
        sessionId = `cli-${process.pid}-${++conversation}`;
        agent = false;
        say(c.note('（新对话）'));
        return true;
      case 'debug':
        debug = !debug;
        say(c.note(`（debug ${debug ? 'on: each question is explained on stderr' : 'off'}）`));
        return true;
      case 'agent': {
        const s = await bot.session(sessionId);
        if (!s || s.mode === 'bot') {
          say(c.note('（没有转人工的对话：/agent 在机器人转人工之后可用，例如先说“转人工”）'));
          return true;
        }
        agent = true;
        say(c.note('（您现在是客服：输入的内容作为客服回复发给顾客；/bot 交回机器人）'));
        return true;
      }
      case 'bot': {
        const s = await bot.session(sessionId);
        agent = false;
        if (!s || s.mode === 'bot') say(c.note('（机器人正在接待）'));
        else say(`${c.bot('机器人>')} ${await bot.handback(sessionId)}`);
        return true;
      }
      case 'quit':
      case 'exit':
        return false;
      default:
        say(c.note(`（未知命令 /${name}；/help 查看命令）`));
        return true;
    }
  };

  const respond = async (raw: string): Promise<boolean> => {
    const text = raw.trim();
    if (!text) return true;
    if (text.startsWith('/')) return command(text);
    if (agent) {
      await bot.agentReply(sessionId, text, 'cli-agent');
      say(`${c.agent('客服>')} ${text}`);
      return true;
    }
    const reply = await bot.ask(text, { sessionId });
    say(o.json ? JSON.stringify(reply) : format(reply));
    if (debug) err.write(`${JSON.stringify(bot.matcher.explain(await bot.matcher.prepare(text)).explanation, null, 2)}\n`);
    return true;
  };

  const input = o.input ?? process.stdin;
  const rl = readline.createInterface({ input, output: o.tty ? out : undefined, terminal: o.tty, crlfDelay: Infinity, historySize: 200 });
  const prompt = () => {
    if (!o.tty) return;
    rl.setPrompt(agent ? c.agent('客服> ') : c.you('你> '));
    rl.prompt();
  };
  let goodbye = false;
  const bye = () => {
    if (o.tty && !goodbye) say(c.note('\n再见！'));
    goodbye = true;
  };
  rl.on('SIGINT', () => {
    bye();
    rl.close();
  });
  prompt();
  for await (const line of rl) {
    if (!(await respond(line))) break;
    prompt();
  }
  bye();
  rl.close();
}
