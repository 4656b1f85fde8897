/** Tasks in the terminal chat: `kefu chat --actions` with the example shop's actions (a real CLI process). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('kefu chat --actions', () => {
  it('asks for the order number, then answers with the shop’s tracking result', () => {
    const root = path.resolve(__dirname, '../..');
    const out = execFileSync('node', ['dist/cli/main.js', 'chat', 'knowledge-base', '--actions', 'examples/shop/actions.mjs', '--json'], { cwd: root, input: '我的快递到哪了\nSO20241111001\n', encoding: 'utf8' });
    const [a, b] = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(a.task).toMatchObject({ status: 'collecting', missing: ['orderNumber'] });
    expect(b.task.status).toBe('done');
    expect(b.text).toContain('SF1234567890123');
  }, 120_000);
});
