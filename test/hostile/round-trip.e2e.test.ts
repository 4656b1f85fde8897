/**
 * Issue 18, item 9: `kefu export` → `kefu import` of the sample KB gives a KB that loads and
 * answers exactly as the original, through CSV and XLSX: the settings (synonym groups that
 * @patterns name, vocabulary, tasks…) travel in the `.settings.yaml` written beside the
 * sheet. A sheet imported without them is refused before anything is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMatcher, loadKnowledgeBase, type KefuMatcher } from '../../src/index';
import { cli, sampleKb, tempKb } from '../helpers';

function kefu(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every question of the KB, as written and with 请问 in front (synonyms and vocabulary then matter). */
async function questionsOf(kb: string): Promise<string[]> {
  const data = await loadKnowledgeBase(kb);
  const qs = data.faqs.flatMap((f) => [f.question, ...f.similar]);
  return [...qs, ...qs.map((q) => `请问${q}`), '退掉的衣服运费谁出', '丰巢柜里的快件多久会退回', 'VIP等级怎么升', 'tracking number在哪看'];
}

const outcome = (m: KefuMatcher, q: string) => {
  const r = m.match(q);
  return `${r.type} ${'id' in r ? r.id : ''} ${r.confidence.toFixed(6)}`;
};

describe('export → import round trip of the sample KB', () => {
  let original: KefuMatcher;
  let questions: string[];
  beforeAll(async () => {
    original = await createMatcher(sampleKb);
    questions = await questionsOf(sampleKb);
  }, 180_000);

  for (const ext of ['csv', 'xlsx']) {
    it(`through ${ext}: loads, keeps the settings, answers every question as the original`, async () => {
      const dir = tempKb({});
      const sheet = path.join(dir, `kb.${ext}`);
      const exported = kefu('export', sampleKb, '--out', sheet);
      expect(exported.code, exported.err).toBe(0);
      expect(exported.out).toContain('kb.settings.yaml');
      const out = path.join(dir, 'kb2');
      const imported = kefu('import', sheet, '--out', out);
      expect(imported.code, imported.err).toBe(0);
      expect(readdirSync(out)).toContain('_settings.yaml');

      const a = await loadKnowledgeBase(sampleKb);
      const b = await loadKnowledgeBase(out);
      for (const k of ['synonyms', 'vocabulary', 'stopwords', 'categories', 'thresholds', 'variables', 'entities', 'followUps', 'purchase'] as const) expect(b[k], k).toEqual(a[k]);
      expect(b.tasks?.map(({ source: _s, ...t }) => t)).toEqual(a.tasks?.map(({ source: _s, ...t }) => t));
      const strip = (f: (typeof a.faqs)[number]) => ({ ...f, source: undefined });
      expect(b.faqs.map(strip).sort((x, y) => x.id.localeCompare(y.id))).toEqual(a.faqs.map(strip).sort((x, y) => x.id.localeCompare(y.id)));

      const copy = await createMatcher(out);
      const differ = questions.filter((q) => outcome(copy, q) !== outcome(original, q));
      console.log(`round trip through ${ext}: ${a.faqs.length} FAQs and tasks, ${a.synonyms.length} synonym groups, ${questions.length} questions, ${differ.length} answered differently`);
      expect(differ.map((q) => `${q}: ${outcome(original, q)} → ${outcome(copy, q)}`)).toEqual([]);
    }, 300_000);
  }

  it('a sheet whose patterns name synonym groups is refused without its settings, and nothing is written', () => {
    const dir = tempKb({});
    const sheet = path.join(dir, 'kb.csv');
    expect(kefu('export', sampleKb, '--out', sheet).code).toBe(0);
    rmSync(path.join(dir, 'kb.settings.yaml'));
    const out = path.join(dir, 'kb2');
    const r = kefu('import', sheet, '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/names no synonym group/);
    expect(r.err).toMatch(/give the settings exported beside it \(kb\.settings\.yaml, or --settings <file>\)/);
    expect(r.err).toMatch(/nothing written/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    // Into a KB folder that already defines the groups, it goes through.
    const existing = tempKb({});
    expect(kefu('export', sampleKb, '--out', path.join(existing, 'x.csv')).code).toBe(0);
    const into = path.join(dir, 'kb3');
    expect(kefu('import', path.join(existing, 'x.csv'), '--out', into).code).toBe(0);
    const again = kefu('import', sheet, '--out', into, '--overwrite');
    expect(again.code, again.err).toBe(0);
  });
});
