// A whole conversation with a handoff to a human agent, as a host app would wire it.
// Run from the repo root after `npm run build`:  node examples/handoff.mjs
import { createBot } from 'kefu';

const agentQueue = []; // stands in for your ticketing / live-chat system

const bot = await createBot({
  knowledgeBase: new URL('../knowledge-base', import.meta.url).pathname,
  variables: { shopName: '示例商城' },
  sessionVariables: { userName: '亲' },
  // Awaited for every handoff. Throw (or take longer than handoffTimeoutMs) and kefu tells
  // the customer, keeps the request and retries on their next message.
  onHandoff: async (e) => {
    agentQueue.push(e);
    console.log(`  [queue] ${e.sessionId} needs a human: ${e.reason}, priority ${e.priority}, emotion ${e.emotion.intensity.toFixed(2)}`);
    console.log(`  [queue] suggested answer for the agent: ${e.suggestions[0]?.question ?? '—'}`);
  },
});

bot.on('customer-message', (e) => console.log(`  [relay to agent] ${e.turn.text}`));
bot.on('agent-message', (e) => console.log(`  [relay to customer] ${e.turn.text}`));
bot.on('handback', (e) => console.log(`  [handback] ${e.sessionId} is with the bot again`));

const say = async (text) => {
  const reply = await bot.ask(text, { sessionId: 'u-42', channel: 'web', variables: { userName: '张先生' } });
  console.log(`客户> ${text}`);
  console.log(`${reply.type === 'with-human' ? '（机器人保持安静，消息已转给人工）' : `机器人> ${reply.text}`}  [${reply.type}${reply.type === 'handoff' ? `: ${reply.reason}` : ''}]`);
  return reply;
};

await say('你好');
await say('這件衣服可以退貨嗎');
await say('快递三天没动了，你们是骗子吧！！！');
await say('到底什么时候能处理');
const e = agentQueue[0];
await bot.agentReply(e.sessionId, '张先生您好，我是客服小王，已为您催促快递公司，今天内给您答复。', 'agent-7');
await say('好的，谢谢');
console.log(`机器人> ${await bot.handback(e.sessionId)}`);
await say('发票怎么开');
console.log('\nstats:', JSON.stringify(bot.stats()));
