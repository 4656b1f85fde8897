/** Issue 18, item 10: `kefu validate` errs on answer variables nobody declares (a real CLI process). */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cli, tempKb } from '../helpers';

describe('validate and answer variables', () => {
  it('kefu validate errs on {nosuchvar} (createBot would refuse it) unless --variables names it', () => {
    const kb = tempKb({
      '_settings.yaml': 'variables:\n  userName: 亲\n',
      'faq.yaml': 'faqs:\n  - id: a\n    question: 怎么退货\n    answer: "{userName}您好，{shopName}支持退货，{nosuchvar}"\n',
    });
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'validate', kb, '--no-lint', ...args], { encoding: 'utf8' });
    const bad = run();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/faq\.yaml:\d+ faq "a" \(answer\): .*\{nosuchvar\}.*createBot would refuse it.*--variables nosuchvar/);
    expect(bad.stdout).toContain('1 errors');
    const ok = run('--variables', 'orderLink, nosuchvar');
    expect(ok.status, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('0 errors, 0 warnings');
  });
});
