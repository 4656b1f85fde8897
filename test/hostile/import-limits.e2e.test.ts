/**
 * Issue 18, item 4: spreadsheet bombs are refused before they are unpacked or parsed, in a
 * process whose peak RSS stays far below 300 MB (a real `kefu import`; the long category
 * names are in import-limits.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, createDeflateRaw } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, tempKb } from '../helpers';

// `kefu import` itself, reporting its peak RSS on exit.
const WITH_RSS = `const t = Date.now(); process.on('exit', () => process.stderr.write('\\nRSS ' + Math.round(process.resourceUsage().maxRSS / 1024) + ' ' + (Date.now() - t) + '\\n')); import(process.argv[1]);`;

function importInChild(file: string): { code: number | null; stderr: string; ms: number; maxRssMb: number } {
  const r = spawnSync(process.execPath, ['-e', WITH_RSS, cli, 'import', file, '--out', path.join(path.dirname(file), 'out')], { encoding: 'utf8' });
  const m = /\nRSS (\d+) (\d+)\n/.exec(r.stderr)!;
  return { code: r.status, stderr: r.stderr.slice(0, m.index), maxRssMb: Number(m[1]), ms: Number(m[2]) };
}

/** A zip holding one part of `mb` MB of one repeated byte: ~400 KB on disk for 400 MB inside. */
async function zipBomb(file: string, name: string, mb: number, declare?: number): Promise<void> {
  const chunk = Buffer.alloc(2 ** 20, 0x61);
  let crc = 0;
  for (let i = 0; i < mb; i++) crc = crc32(chunk, crc);
  const parts: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const z = createDeflateRaw({ level: 9 });
    z.on('data', (d: Buffer) => parts.push(d));
    z.on('end', resolve);
    z.on('error', reject);
    let i = 0;
    const pump = () => {
      while (i < mb) if (!z.write(chunk, () => undefined) && ++i) return void z.once('drain', pump);
      z.end();
    };
    pump();
  });
  const data = Buffer.concat(parts);
  const size = declare ?? mb * 2 ** 20;
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0), local.writeUInt16LE(20, 4), local.writeUInt16LE(8, 8), local.writeUInt32LE(crc, 14), local.writeUInt32LE(data.length, 18), local.writeUInt32LE(size, 22), local.writeUInt16LE(nameBuf.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0), central.writeUInt16LE(20, 4), central.writeUInt16LE(20, 6), central.writeUInt16LE(8, 10), central.writeUInt32LE(crc, 16), central.writeUInt32LE(data.length, 20), central.writeUInt32LE(size, 24), central.writeUInt16LE(nameBuf.length, 28);
  const cdOffset = 30 + nameBuf.length + data.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0), eocd.writeUInt16LE(1, 8), eocd.writeUInt16LE(1, 10), eocd.writeUInt32LE(46 + nameBuf.length, 12), eocd.writeUInt32LE(cdOffset, 16);
  writeFileSync(file, Buffer.concat([local, nameBuf, data, central, nameBuf, eocd]));
}

describe('spreadsheet bombs', () => {
  it('refuses an xlsx that unpacks to 400 MB without unpacking it', async () => {
    const dir = tempKb({});
    const file = path.join(dir, 'bomb.xlsx');
    await zipBomb(file, 'xl/worksheets/sheet1.xml', 400);
    const r = importInChild(file);
    console.log(`xlsx bomb: refused in ${r.ms} ms, peak RSS ${r.maxRssMb} MB`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bomb\.xlsx: the workbook unpacks to 400\.0 MB \(xl\/worksheets\/sheet1\.xml: 400\.0 MB\).*refused without unpacking/);
    expect(r.stderr).toMatch(/nothing written/);
    expect(r.maxRssMb).toBeLessThan(300);
  }, 120_000);

  it('refuses an xlsx whose directory lies (declares 2 KB, holds 400 MB) by counting what it inflates to, into nothing', async () => {
    const dir = tempKb({});
    const file = path.join(dir, 'liar.xlsx');
    await zipBomb(file, 'xl/worksheets/sheet1.xml', 400, 2048);
    const r = importInChild(file);
    console.log(`lying xlsx bomb: refused in ${r.ms} ms, peak RSS ${r.maxRssMb} MB`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/liar\.xlsx: the workbook unpacks to more than the 64\.0 MB import limit \(xl\/worksheets\/sheet1\.xml\), although it declares 2 KB: a damaged or hostile file; refused/);
    expect(r.stderr).toMatch(/nothing written/);
    expect(r.maxRssMb).toBeLessThan(300);
  }, 120_000);

  it('refuses a 1M-row CSV and a 50 MB cell by size, a 60,000-row CSV by rows, a 30,000-character cell by length', async () => {
    const dir = tempKb({});
    const rows = createWriteStream(path.join(dir, 'rows.csv'));
    rows.write('id,question,answer\n');
    for (let i = 0; i < 1_000_000; i++) rows.write(`q${i},问题${i},答案${i}\n`);
    await new Promise((r) => rows.end(r));
    writeFileSync(path.join(dir, 'cell.csv'), `id,question,answer\nq1,问题,${'长'.repeat(50 * 2 ** 20 / 3)}\n`);
    writeFileSync(path.join(dir, 'many.csv'), `id,question,answer\n${Array.from({ length: 60_000 }, (_, i) => `q${i},问题${i},答案`).join('\n')}\n`);
    writeFileSync(path.join(dir, 'long.csv'), `id,question,answer\nq1,问题,${'长'.repeat(30_000)}\n`);
    for (const [name, message] of [
      ['rows.csv', /file is \d+\.\d MB, more than the 20\.0 MB import limit/],
      ['cell.csv', /file is \d+\.\d MB, more than the 20\.0 MB import limit/],
      ['many.csv', /more than 50,000 rows/],
      ['long.csv', /cell C2 holds 30,000 characters, more than the 20,000-character limit/],
    ] as const) {
      const r = importInChild(path.join(dir, name));
      console.log(`${name}: refused in ${r.ms} ms, peak RSS ${r.maxRssMb} MB`);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.maxRssMb).toBeLessThan(300);
    }
  }, 240_000);
});
