import { it } from 'vitest';
import { loadKnowledgeBase } from '../../src/index';
import { readSpreadsheet, writeSpreadsheet, importToKbFiles } from '../../src/node/spreadsheet';
it('smoke', async () => {
  const kb = await loadKnowledgeBase('knowledge-base');
  await writeSpreadsheet(kb, '/tmp/ss/kb.csv');
  await writeSpreadsheet(kb, '/tmp/ss/kb.xlsx');
  const a = await readSpreadsheet('/tmp/ss/kb.csv');
  const b = await readSpreadsheet('/tmp/ss/kb.xlsx');
  console.log(a.faqs.length, a.problems, b.faqs.length, b.problems);
  console.log(JSON.stringify(b.faqs.find(f => f.id === 'order-how')));
  const files = await importToKbFiles(a.faqs, '/tmp/ss/out', { overwrite: true });
  console.log(files);
});
