// A bot process for the multi-process Redis tests: a real bot (dist build) with Redis
// sessions, a Redis learning queue and KB sync, driven by the parent over IPC.
import { approveLearningItem, createBot, KefuLearner } from '../../dist/index.js';
import { connectRedis } from '../../dist/redis.js';

const [url, prefix, kb] = process.argv.slice(2);
const redis = await connectRedis(url, { prefix, commandTimeoutMs: 1000 });
const since = await redis.kbVersion();
const sessions = redis.sessionStore();
const bot = await createBot({ knowledgeBase: kb, sessions, segmenter: 'intl' });
const learner = new KefuLearner(bot.matcher, { store: redis.learningStore() });
redis.syncKnowledgeBase(bot.matcher, { since });

const events = [];
for (const name of ['store-degraded', 'store-recovered', 'handoff']) bot.on(name, (e) => events.push({ name, sessionId: e.sessionId, op: e.op, store: e.store, error: e.error, at: Date.now() }));
redis.on('kb-change', (e) => events.push({ name: 'kb-change', added: e.added }));

// Traffic for the chaos test: `count` asks to random sessions at `perSecond` (paced from the start,
// so an outage does not change the schedule), `parallel` at a time; every ask is recorded.
const QUESTIONS = ['怎么退货', '运费谁出', '什么时候发货', '可以开发票吗', '衣服尺码怎么选', '能改地址吗', '支持花呗吗', '今天天气怎么样呀'];
let load;
let loadDone = 0;
async function runLoad(who, sessions, count, parallel, perSecond) {
  const t0 = Date.now();
  const records = [];
  let next = 0;
  const loop = async () => {
    for (let k = next++; k < count; k = next++) {
      const due = t0 + (k * 1000) / perSecond;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const sessionId = `chaos-${Math.floor(Math.random() * sessions)}`;
      const text = `${QUESTIONS[k % QUESTIONS.length]}（${who}第${k}问）`;
      const start = Date.now();
      try {
        const reply = await bot.ask(text, { sessionId });
        records.push({ sessionId, text, start, ms: Date.now() - start, turnId: reply.turnId, type: reply.type });
      } catch (err) {
        records.push({ sessionId, text, start, ms: Date.now() - start, error: `${err.code ?? ''} ${err.message}` });
      }
      loadDone++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, loop));
  return records;
}

const ops = {
  startLoad: (...args) => {
    load = runLoad(...args);
    return true;
  },
  loadProgress: () => loadDone,
  loadResults: () => load,
  ask: (text, sessionId) => bot.ask(text, { sessionId }),
  agentReply: (sessionId, text) => bot.agentReply(sessionId, text, `agent-${process.pid}`),
  handback: (sessionId) => bot.handback(sessionId),
  session: (sessionId) => bot.session(sessionId),
  queue: () => bot.handoffQueue(),
  match: (text) => bot.matcher.match(text),
  capture: (text) => learner.capture({ text, reason: 'fallback', channel: `p${process.pid}` }).then((i) => i?.id),
  items: () => learner.list(),
  approve: (itemId, faqId) => approveLearningItem(learner, itemId, kb, { faqId }, { matcher: bot.matcher, publish: (c) => redis.publishKbChange(c) }).then((r) => r.questions),
  queued: () => ({ sessions: sessions.queued, learning: learner.store.queued }),
  events: () => events.splice(0),
};

process.on('message', async ({ id, op, args }) => {
  try {
    const result = await ops[op](...args);
    process.send({ id, ok: true, result });
  } catch (err) {
    process.send({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
process.on('disconnect', () => redis.close().finally(() => process.exit(0)));
process.send({ ready: true, pid: process.pid });
