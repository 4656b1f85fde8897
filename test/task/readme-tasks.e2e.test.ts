/** The README's Tasks example runs as written (against the built package). */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

describe('README Tasks section', () => {
  it('its JavaScript example prints the collecting state and the tracking answer', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Tasks'), readme.indexOf('\n## ', readme.indexOf('## Tasks') + 5));
    const code = /```js\n([\s\S]*?)```/.exec(section)![1]
      .replace("from 'kefu'", `from ${JSON.stringify(path.join(root, 'dist/index.js'))}`)
      .replace("'./knowledge-base'", JSON.stringify(path.join(root, 'knowledge-base')));
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'kefu-readme-')), 'tasks.mjs');
    writeFileSync(file, code);
    const out = execFileSync('node', [file], { encoding: 'utf8' });
    expect(out).toContain("status: 'collecting'");
    expect(out).toContain("missing: [ 'orderNumber' ]");
    expect(out).toContain('订单SO20241111001：运输中。顺丰 SF1234567890123，预计明天送达。');
  }, 120_000);
});
