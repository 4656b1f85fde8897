import { describe, expect, it } from 'vitest';
import { redact } from '../../src/learn/redact';
import { ORDINARY, VARIANTS } from './redaction-set';

/** Per kind: variants, secrets removed (recall), labelled as that kind. */
export function scoreRedaction() {
  const byKind = new Map<string, { n: number; removed: number; rightKind: number; misses: string[] }>();
  for (const [kind, text, ...secrets] of VARIANTS) {
    const row = byKind.get(kind) ?? { n: 0, removed: 0, rightKind: 0, misses: [] };
    byKind.set(kind, row);
    const r = redact(text);
    row.n++;
    if (secrets.every((s) => !r.text.includes(s))) row.removed++;
    else row.misses.push(`${text} → ${r.text}`);
    if (r.found.includes(kind)) row.rightKind++;
    else if (process.env.KEFU_SHOW_KIND) console.log(`kind ${kind}: ${text} → ${r.text} ${r.found}`);
  }
  const changed = ORDINARY.map((q) => ({ q, r: redact(q) })).filter(({ q, r }) => r.text !== q);
  return { byKind, changed };
}

describe('redaction test set', () => {
  const { byKind, changed } = scoreRedaction();
  const total = [...byKind.values()].reduce((a, r) => ({ n: a.n + r.n, removed: a.removed + r.removed }), { n: 0, removed: 0 });

  it('is big enough: ≥ 200 variants over ≥ 12 kinds, ≥ 200 ordinary questions', () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(200);
    expect(byKind.size).toBeGreaterThanOrEqual(12);
    expect(ORDINARY.length).toBeGreaterThanOrEqual(200);
    expect(new Set(ORDINARY).size).toBe(ORDINARY.length);
  });

  it('removes ≥ 98% of the personal data, reported per kind', () => {
    const lines = [...byKind].map(([k, r]) => `${k.padEnd(16)} ${String(r.n).padStart(3)}  recall ${((100 * r.removed) / r.n).toFixed(1).padStart(5)}%  kind ${((100 * r.rightKind) / r.n).toFixed(1).padStart(5)}%${r.misses.length ? `  missed: ${r.misses.join(' | ')}` : ''}`);
    console.log(`${lines.join('\n')}\nall ${total.n} recall ${((100 * total.removed) / total.n).toFixed(1)}%; ordinary changed ${changed.length}/${ORDINARY.length}${changed.map(({ q, r }) => `\n  ${q} → ${r.text}`).join('')}`);
    expect(total.removed / total.n).toBeGreaterThanOrEqual(0.98);
    for (const [, r] of byKind) expect(r.removed / r.n).toBeGreaterThanOrEqual(0.9);
  });

  it('changes ≤ 1% of ordinary shop questions', () => {
    expect(changed.length / ORDINARY.length).toBeLessThanOrEqual(0.01);
  });
});
