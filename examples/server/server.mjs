// kefu/server mounted in your own Node app: the bot, the widget, the customer API and the
// agent console (/agent) on one port, next to your other routes. `kefu serve` does the same
// from the command line.
//
//   KEFU_AGENT_TOKEN=$(openssl rand -hex 16) node examples/server/server.mjs   → http://127.0.0.1:3000/
import http from 'node:http';
import { createBot } from 'kefu';
import { createKefuServer, nodeListener } from 'kefu/server';

const bot = await createBot({ knowledgeBase: process.env.KB ?? 'knowledge-base', variables: { shopName: '示例商城' } });
const kefu = createKefuServer({
  bot,
  agents: { token: process.env.KEFU_AGENT_TOKEN },
  allowOrigins: process.env.SHOP_ORIGIN ? [process.env.SHOP_ORIGIN] : [],
});
kefu.on('left-message', (m) => console.log(`left message (${m.contact}): ${m.text}`));

const handle = nodeListener(kefu);
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok'); // your own routes first
  handle(req, res);
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`kefu example server: http://127.0.0.1:${port}/  (agent console: /agent)`);
});
