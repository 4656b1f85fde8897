/**
 * `kefu/server`: live chat a shop can run — the bot, the widget, the customer API and the
 * agent console behind one fetch-style handler. Node only (node:crypto, node:fs).
 *
 * @example
 * import { createBot } from 'kefu';
 * import { createKefuServer, listen } from 'kefu/server';
 *
 * const bot = await createBot({ knowledgeBase: './knowledge-base' });
 * const server = createKefuServer({ bot, agents: { token: process.env.KEFU_AGENT_TOKEN }, allowOrigins: ['https://shop.example'] });
 * server.on('left-message', (m) => notifyStaff(m));
 * const { url } = await listen(server, { port: 3000 });
 */
export { createKefuServer } from './handler.js';
export type { KefuServer, KefuServerOptions, KefuServerEvents, KefuRequestInfo } from './handler.js';
export { listen, nodeListener } from './node.js';
export type { ListenOptions } from './node.js';
export { hashAgentSecret, verifyAgentSecret, loadAgentsFile, AgentAuth } from './agents.js';
export type { KefuAgent, AgentAuthOptions } from './agents.js';
export { MemoryLiveStore, RedisLiveStore, compareEventIds } from './live-store.js';
export { FileLiveStore, FileSessionStore } from './file-stores.js';
export type { KefuLiveStore, KefuLiveEvent, KefuLeftMessage } from './live-store.js';
