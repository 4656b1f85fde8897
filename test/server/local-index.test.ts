/**
 * Local mode serves the index of the KB the server runs: `kefu serve mykb` must not hand the
 * widget the sample KB's answers. The browser engine answers from what the server sends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/index';
import { createMatcher as createBrowserMatcher } from '../../src/browser';
import { createKefuServer } from '../../src/server/index';

const kb = {
  faqs: [
    { id: 'opening-hours', question: '你们几点开门', answer: '每天九点开门。', similar: ['营业时间是几点', '早上几点营业'] },
    { id: 'parking', question: '店里有停车位吗', answer: '地下一层可以停车。', similar: ['可以停车吗', '停车方便吗'] },
    { id: 'wifi', question: '店里有无线网吗', answer: '有，密码在收银台。', similar: ['wifi密码是多少', '能上网吗'] },
  ],
};

describe('local mode index of the served KB', async () => {
  const bot = await createBot({ knowledgeBase: kb, semantic: false, consolidateMs: false });
  const server = createKefuServer({ bot, agents: { token: 'test-agent-token-0123456789' } });
  afterAll(() => server.close());
  const get = (init: Record<string, string> = {}) => server.fetch(new Request('http://127.0.0.1:3000/vendor/kb-index.lite.json', { headers: { host: '127.0.0.1:3000', ...init } }));

  it('is built from the bot\'s KB, lexical and with Intl.Segmenter as a browser runs it', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const index = await res.json();
    expect(index.kb.faqs.map((f: { id: string }) => f.id)).toEqual(['opening-hours', 'parking', 'wifi']);
    expect(index.segmenter).toBe('intl');
    expect(index.semantic).toBeUndefined();
    const browser = await createBrowserMatcher(index);
    expect(browser.match('几点开门').id).toBe('opening-hours');
  });

  it('is compressed and cached like the widget\'s files (ETag → 304)', async () => {
    const first = await get({ 'accept-encoding': 'gzip' });
    expect(first.headers.get('content-encoding')).toBe('gzip');
    const etag = first.headers.get('etag')!;
    expect((await get({ 'if-none-match': etag })).status).toBe(304);
  });

  it('follows a hot update of the running KB (questions added in place)', async () => {
    const before = await (await get()).json();
    expect(before.kb.faqs.find((f: { id: string }) => f.id === 'parking').similar).not.toContain('车能停哪里');
    bot.matcher.addQuestions('parking', ['车能停哪里']);
    const after = await (await get()).json();
    expect(after.kb.faqs.find((f: { id: string }) => f.id === 'parking').similar).toContain('车能停哪里');
    expect((await createBrowserMatcher(after)).match('车能停哪里').id).toBe('parking');
  });
});
