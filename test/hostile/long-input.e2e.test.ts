/** Issue 18, item 2: `kefu match` prints one line per input line, whatever the line (a real CLI process). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, sampleKb } from '../helpers';

describe('kefu match', () => {
  it('prints one line per input line whatever the line: 3 in, 3 out; 5 in with 1M characters, 5 out', () => {
    const three = spawnSync(process.execPath, [cli, 'match', sampleKb], { input: `怎么退货\n${'a'.repeat(6000)}\n多久发货\n`, encoding: 'utf8' });
    expect(three.stdout.trim().split('\n')).toHaveLength(3);
    expect(three.status).toBe(1); // the 6,000-char line is over the limit
    const lines = ['怎么退货', 'tuihuo '.repeat(7143), '退'.repeat(1_000_000), '', 'tuihuo'];
    const r = spawnSync(process.execPath, [cli, 'match', sampleKb], { input: `${lines.join('\n')}\n`, encoding: 'utf8', maxBuffer: 2 ** 26 });
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type?: string; error?: { code: string } });
    expect(out).toHaveLength(lines.length);
    expect(out[0]!.type).toBe('answer');
    expect(out[1]!.error?.code).toBe('question-too-long');
    expect(out[2]!.error?.code).toBe('question-too-long');
    expect(out[4]!.type).toBeDefined();
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
