// One bot process for bench/redis.mjs: a real bot (nodejieba when it loads) with its
// sessions in Redis (or in memory for the baseline), answering as fast as `concurrency`
// simultaneous customers let it, until told to stop.
import { createBot, loadKnowledgeBase } from '../dist/index.js';
import { connectRedis } from '../dist/redis.js';

const { url, prefix, concurrency, kb } = JSON.parse(process.argv[2]);
const redis = url ? await connectRedis(url, { prefix }) : undefined;
const bot = await createBot({ knowledgeBase: kb, sessions: redis?.sessionStore(), maxFailures: 0, smallTalk: false, emotionThreshold: 2 });
const questions = (await loadKnowledgeBase(kb)).faqs.flatMap((f) => f.similar);
for (const q of questions.slice(0, 50)) bot.matcher.match(q); // warm the JIT

let running = false;
let answers = 0;
const latencies = [];
async function customer(k) {
  // A customer asks 10 questions in one conversation, then a new customer comes.
  for (let round = 0; running; round++) {
    const sessionId = `p${process.pid}-c${k}-r${round}`;
    for (let i = 0; i < 10 && running; i++) {
      const t = performance.now();
      await bot.ask(questions[(k * 7 + round * 10 + i) % questions.length], { sessionId });
      latencies.push(performance.now() - t);
      answers++;
      // In-memory asks never wait on I/O: let the event loop (and the stop message) in.
      await new Promise((r) => setImmediate(r));
    }
  }
}

process.on('message', async (m) => {
  if (m === 'start') {
    running = true;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const loops = Array.from({ length: concurrency }, (_, k) => customer(k));
    process.once('message', async () => {
      running = false;
      await Promise.all(loops);
      const wall = performance.now() - t0;
      const used = process.cpuUsage(cpu);
      latencies.sort((a, b) => a - b);
      process.send({ answers, wallMs: wall, cpuMs: (used.user + used.system) / 1000, p50: latencies[Math.floor(latencies.length / 2)], p99: latencies[Math.floor(latencies.length * 0.99)] });
      await redis?.close();
      process.exit(0);
    });
  }
});
process.send('ready');
