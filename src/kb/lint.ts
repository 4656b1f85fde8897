/**
 * Problems only matching can see: questions of two FAQs so alike that customers will get
 * either (near-duplicates, with their similarity), and FAQs whose own standard question
 * goes to another FAQ (shadowed: they can never win). Warnings, for `kefu validate`.
 */
import type { KefuProblem } from '../errors.js';
import type { KefuFaq } from './schema.js';
import { confusableEntries } from '../match/build/train.js';
import type { Engine } from '../match/engine.js';
import { dotWithQuery } from '../match/index/vectors.js';
import type { KefuMatch } from '../match/types.js';

export function lintEngine(engine: Engine, match: (text: string) => KefuMatch, nearDuplicate = 0.9): KefuProblem[] {
  const { index, kb } = engine;
  const problems: KefuProblem[] = [];
  const seen = new Set<string>();
  const where = (faq: KefuFaq, field: string) => ({ file: faq.source?.file, line: faq.source?.fields?.[field] ?? faq.source?.line, faqId: faq.id, path: field });
  index.sentences.forEach((s, i) => {
    const q = new Map<number, number>();
    for (let k = 0; k < s.feats.length; k++) q.set(s.feats[k], s.weights[k]);
    for (const e of confusableEntries(engine, i, 3)) {
      for (const j of index.entries[e].sentences) {
        const sim = dotWithQuery(index.sentences[j], q);
        const key = i < j ? `${i}:${j}` : `${j}:${i}`;
        if (sim < nearDuplicate || seen.has(key)) continue;
        seen.add(key);
        const a = kb.faqs[s.entry];
        const b = kb.faqs[e];
        problems.push({
          severity: 'warning',
          code: 'near-duplicate',
          message: `${JSON.stringify(s.text)} and ${JSON.stringify(index.sentences[j].text)} of FAQ "${b.id}" are nearly the same question (similarity ${sim.toFixed(2)}): customers may get either answer`,
          ...where(a, fieldOf(engine, i)),
        });
      }
    }
  });
  kb.faqs.forEach((faq) => {
    const m = match(faq.question);
    if (m.id !== null && m.id !== faq.id && m.type === 'answer') {
      problems.push({ severity: 'warning', code: 'shadowed', message: `its own question is answered by FAQ "${m.id}" (confidence ${m.confidence.toFixed(2)}): this FAQ can hardly ever win; merge them or make the questions distinct`, ...where(faq, 'question') });
    }
  });
  return problems;
}

/** `question` or `similar[k]` for a sentence index. */
function fieldOf(engine: Engine, i: number): string {
  const k = engine.index.entries[engine.index.sentences[i].entry].sentences.indexOf(i);
  return k === 0 ? 'question' : `similar[${k - 1}]`;
}
