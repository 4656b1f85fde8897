/**
 * `kefu serve <kb>`: the live-chat server (widget, customer API, agent console) on Node's http.
 */
import readline from 'node:readline';
import { createBot } from '../../index.js';
import { createKefuServer, FileLiveStore, FileSessionStore, hashAgentSecret, listen, loadAgentsFile, MemoryLiveStore, RedisLiveStore } from '../../server/index.js';
import type { KefuSessionStore } from '../../bot/session.js';
import type { KefuLiveStore } from '../../server/live-store.js';
import type { KefuRedis } from '../../redis/connection.js';
import { COMMON, defineCommand, UsageError } from '../command.js';
import { segmenterChoice } from '../shared.js';

const SERVE_HELP = `Usage: kefu serve <kb> [--host 127.0.0.1] [--port 3000] [--agents FILE] [--redis URL] [--allow-origin ORIGIN…]
       kefu serve --hash-secret        (reads a secret on stdin, prints its hash for an agents file)

Live chat a shop can run: the widget script, the customer API (/api/…), and the agent
console at /agent (agent API under /api/agent/…).

Agents sign in with KEFU_AGENT_TOKEN (one shared token, at least 16 characters) and/or an
agents file (YAML or JSON) whose secrets are scrypt hashes:
  agents:
    - { id: wang, name: 客服小王, secret: "scrypt$16384$8$1$…" }

  --host H              address to listen on (default 127.0.0.1)
  --port N              port (default 3000; 0 picks a free one)
  --agents FILE         agents with hashed secrets and display names
  --data DIR            keep conversations, events and left messages in DIR (default .kefu-serve),
                        so a restart loses none; --in-memory keeps nothing on disk
  --redis URL           share conversations, events and left messages with other kefu serve processes
                        (kept in Redis instead of --data)
  --redis-prefix P      key prefix in Redis (default kefu:)
  --allow-origin O…     shop pages (e.g. https://shop.example) that embed the widget from this server
  --allow-host NAME…    host names this server is reached by (besides localhost and IP addresses)
  --trust-proxy         behind a reverse proxy: per-client limits use X-Forwarded-For
  --agent-wait SECONDS  how long a customer waits for an agent before the bot offers to take a message (default 120)
  --segmenter S         auto | nodejieba | intl
  --no-semantic         lexical matching only (the embedding model is not loaded)

Examples:
  KEFU_AGENT_TOKEN=$(openssl rand -hex 16) kefu serve knowledge-base --port 3000
  kefu serve knowledge-base --agents agents.yaml --allow-origin https://shop.example --redis redis://127.0.0.1:6379`;

const SERVE_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  agents: { type: 'string' },
  redis: { type: 'string' },
  data: { type: 'string' },
  'in-memory': { type: 'boolean' },
  'redis-prefix': { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  'allow-host': { type: 'string', multiple: true },
  'agent-wait': { type: 'string' },
  'trust-proxy': { type: 'boolean' },
  'hash-secret': { type: 'boolean' },
} as const;


async function readSecret(): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write('secret: ');
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

export default defineCommand({
  name: 'serve',
  synopsis: 'serve <kb>',
  summary: 'live chat: the widget, the customer API and the agent console (/agent)',
  help: SERVE_HELP,
  options: { ...COMMON, ...SERVE_OPTIONS },
  run: (values, positionals) => serve(positionals, values, segmenterChoice(values)),
});

async function serve(positionals: string[], values: Record<string, unknown>, segmenter: ReturnType<typeof segmenterChoice>): Promise<number> {
  if (values['hash-secret']) {
    const secret = (await readSecret()).trim();
    if (secret.length < 8) throw new UsageError('--hash-secret: give a secret of at least 8 characters on stdin');
    console.log(await hashAgentSecret(secret));
    return 0;
  }
  const kb = positionals[0];
  if (!kb) throw new UsageError(`missing <kb>: the knowledge-base folder or file\n\n${SERVE_HELP}`);
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, not "${String(values.port)}"`);
  const wait = values['agent-wait'] === undefined ? 120 : Number(values['agent-wait']);
  if (!(wait > 0)) throw new UsageError(`--agent-wait must be a number of seconds > 0, not "${String(values['agent-wait'])}"`);
  const token = process.env.KEFU_AGENT_TOKEN || undefined;
  const agents = values.agents ? await loadAgentsFile(values.agents as string) : undefined;
  if (!token && !agents) throw new UsageError(`agents need credentials: set KEFU_AGENT_TOKEN or pass --agents FILE\n\n${SERVE_HELP}`);

  let redis: KefuRedis | undefined;
  let live: KefuLiveStore = new MemoryLiveStore();
  let sessions: KefuSessionStore | undefined;
  let kept = 'in memory only';
  if (values.redis && (values.data || values['in-memory'])) throw new UsageError('--redis keeps the state in Redis: leave out --data and --in-memory');
  if (values.data !== undefined && values['in-memory']) throw new UsageError('--data and --in-memory exclude each other');
  if (!values.redis && !values['in-memory']) {
    const dir = (values.data as string | undefined) || '.kefu-serve';
    try {
      sessions = new FileSessionStore(dir);
      live = new FileLiveStore(dir);
    } catch (err) {
      throw new UsageError(`--data ${dir}: cannot keep state there (${(err as Error).message}); give a writable folder, or --in-memory`);
    }
    kept = `state in ${dir}`;
  }
  if (values.redis) {
    const { connectRedis } = await import('../../redis/index.js');
    redis = await connectRedis(values.redis as string, { prefix: values['redis-prefix'] as string | undefined });
    const shared = new RedisLiveStore(redis);
    await shared.whenReady();
    live = shared;
  }
  const since = redis ? await redis.kbVersion() : undefined;
  const bot = await createBot({ knowledgeBase: kb, segmenter, semantic: !values['no-semantic'], sessions: redis?.sessionStore() ?? sessions, agentWaitMs: wait * 1000 });
  if (redis) redis.syncKnowledgeBase(bot.matcher, { since });
  const server = createKefuServer({
    bot,
    agents: { token, agents },
    allowOrigins: values['allow-origin'] as string[] | undefined,
    allowHosts: values['allow-host'] as string[] | undefined,
    live,
    trustProxy: Boolean(values['trust-proxy']),
  });
  server.on('left-message', (m) => console.log(`left message from ${m.sessionId} (${m.contact}): ${m.text.replace(/\s+/g, ' ')}`));
  server.on('error', (err) => console.error(`kefu serve: ${(err as Error)?.message ?? err}`));
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  const { url, close } = await listen(server, { host, port });
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !(values['allow-host'] as string[] | undefined)?.length) {
    console.error(`kefu serve: listening on ${host}; only localhost and IP addresses are accepted as Host — add --allow-host <your domain>`);
  }
  console.log(`kefu serve: ${url}/  (agent console: ${url}/agent)  [${bot.matcher.size.faqs} FAQs, segmenter ${bot.matcher.segmenterName}, ${redis ? `redis ${redis.url}` : kept}]`);
  return new Promise<number>((resolve) => {
    const stop = () => {
      void close()
        .then(() => live.close())
        .then(() => redis?.close())
        .finally(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
