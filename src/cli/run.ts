/**
 * The `kefu` command (started by ./main.ts). Exit codes: 0 success, 1 failure (invalid KB,
 * failing cases), 2 usage error. Human-readable output on stdout, diagnostics on stderr;
 * stack traces only with --debug. Each command is one file in ./commands.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KefuError, KefuKnowledgeBaseError, formatProblem } from '../errors.js';
import { onSegmenterFallback } from '../node/jieba-segmenter.js';
import { UsageError, type KefuCommand } from './command.js';
import build from './commands/build.js';
import chat from './commands/chat.js';
import evaluate from './commands/eval.js';
import exportSheet from './commands/export.js';
import importSheet from './commands/import.js';
import learn from './commands/learn.js';
import match from './commands/match.js';
import schema from './commands/schema.js';
import serve from './commands/serve.js';
import test from './commands/test.js';
import validate from './commands/validate.js';

/** In the order `kefu --help` lists them. */
const COMMANDS: readonly KefuCommand[] = [chat, match, validate, test, evaluate, build, learn, importSheet, exportSheet, schema, serve] as KefuCommand[];

function mainHelp(): string {
  const lines = COMMANDS.map((c) => `  ${c.synopsis.padEnd(30)} ${c.summary}`);
  return `kefu — Chinese customer-service chatbot toolkit

Usage: kefu <command> [options]

Commands:
${lines.join('\n')}

Every command takes --debug (stack traces, details), --segmenter auto|nodejieba|intl and
--no-cache (rebuild the index instead of reusing the one built for the same KB files, kept
in node_modules/.cache/kefu; KEFU_CACHE=0 turns it off, KEFU_CACHE_DIR moves it).

Run 'kefu <command> --help' for a command's options and examples.`;
}

// Started by the launcher (./main.ts): if it dies without passing a signal on (SIGKILL), its IPC
// channel closes and this process stops as on SIGTERM rather than running on unowned.
if (process.env.KEFU_LAUNCHER === '1' && process.channel) {
  delete process.env.KEFU_LAUNCHER;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

// The nodejieba fallback is said once, as one plain line on stderr (stdout stays the answers).
onSegmenterFallback((message) => process.stderr.write(`kefu: ${message}\n`));

/** The version of the installed package (dist/cli/main.js and src/cli/main.ts both sit two levels down). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')}\n\n${command.help}`);
  }
  if (parsed.values.help) {
    console.log(command.help);
    return 0;
  }
  // parseArgs (strict) checked the values against command.options: they have its declared types.
  return command.run(parsed.values as never, parsed.positionals);
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
    // The message was printed above; the stack adds only where it came from.
    if (debug && err instanceof Error && err.stack) console.error(err.stack.startsWith(`${err.name}: ${err.message}`) ? err.stack.slice(err.name.length + 2 + err.message.length).replace(/^\n/, '') : err.stack);
  },
);
