/**
 * Issue 18, item 4: long category names never reach the file system as over-long file
 * names. The spreadsheet bombs, refused by a real `kefu import` process whose peak RSS is
 * measured, are in import-limits.e2e.test.ts.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpreadsheet } from '../../src/cli/tools/spreadsheet';
import { importToKbFiles } from '../../src/cli/tools/kb-files';
import { readKnowledgeBase } from '../../src/index';
import { tempKb } from '../helpers';

describe('import writes nothing it cannot finish', () => {
  it('a 300-character category name becomes a short file name, and the KB loads', async () => {
    const dir = tempKb({});
    const long = '售后服务'.repeat(75);
    const csv = path.join(dir, 'in.csv');
    writeFileSync(csv, `id,question,answer,category\nq1,怎么退货,七天无理由。,${long}\nq2,多久发货,48小时内。,物流\n`);
    const { faqs, problems } = await readSpreadsheet(csv);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    const out = path.join(dir, 'kb');
    const written = await importToKbFiles(faqs, out);
    expect(written).toHaveLength(2);
    for (const f of readdirSync(out)) expect(Buffer.byteLength(f)).toBeLessThan(255);
    expect((await readKnowledgeBase(out)).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });
});
