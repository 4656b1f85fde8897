/**
 * `kefu/redis`: several bot processes sharing sessions, the learning queue and KB changes
 * through Redis (ioredis). Node only; install `ioredis` next to kefu to use it.
 *
 * @example
 * import { createBot, KefuLearner } from 'kefu';
 * import { connectRedis } from 'kefu/redis';
 *
 * const redis = await connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { prefix: 'shop-a:' });
 * const since = await redis.kbVersion();
 * const bot = await createBot({ knowledgeBase: 'knowledge-base', sessions: redis.sessionStore() });
 * redis.syncKnowledgeBase(bot.matcher, { since });
 * redis.on('degraded', (e) => log.warn('redis', e));
 */
export { connectRedis, KefuRedis } from './connection.js';
export type { KefuRedisOptions, KefuRedisEvents, KefuStoreEvents } from './connection.js';
export { RedisSessionStore } from './session-store.js';
export type { RedisSessionStoreOptions } from './session-store.js';
export { RedisLearningStore } from './learning-store.js';
export { KbSync } from './kb-sync.js';
export type { KbSyncOptions } from './kb-sync.js';
