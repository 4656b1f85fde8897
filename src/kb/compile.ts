/**
 * Merging parsed KB files into one KnowledgeBase, with the checks that need the whole KB:
 * duplicate ids, the same normalized question under two ids, reserved ids, unknown
 * categories and patterns that do not compile.
 */
import type { KefuProblem } from '../errors.js';
import { compilePattern, PatternSyntaxError } from './patterns.js';
import { normalize } from '../text/normalize.js';
import { SynonymTable } from '../text/synonyms.js';
import type { ParsedKbFile } from './parse.js';
import { RESERVED_IDS, type KefuFaq, type KefuTask, type KnowledgeBase } from './schema.js';
import { taskEntry, checkTasks } from '../task/compile.js';

export interface CompiledKb {
  kb: KnowledgeBase;
  problems: KefuProblem[];
}

/** Merge files in the order given (the loader sorts them by path, so results are stable). */
export function compileKnowledgeBase(files: readonly ParsedKbFile[]): CompiledKb {
  const problems: KefuProblem[] = files.flatMap((f) => f.problems);
  const kb: KnowledgeBase = { faqs: [], synonyms: [], vocabulary: [], stopwords: [], categories: [], thresholds: {} };
  const idAt = new Map<string, KefuFaq>();
  const pending: KefuFaq[] = [];

  for (const f of files) {
    const d = f.data;
    if (!d) continue;
    kb.synonyms.push(...(d.synonyms ?? []));
    kb.vocabulary.push(...(d.vocabulary ?? []));
    kb.stopwords.push(...(d.stopwords ?? []));
    kb.categories.push(...(d.categories ?? []));
    if (d.thresholds) Object.assign(kb.thresholds, d.thresholds);
    if (d.variables) kb.variables = { ...kb.variables, ...d.variables };
    if (d.entities) kb.entities = { ...kb.entities, ...d.entities, custom: { ...kb.entities?.custom, ...d.entities.custom } };
    if (d.followUps !== undefined) kb.followUps = d.followUps;
    if (d.purchase) kb.purchase = { ...kb.purchase, ...d.purchase };
    // Tasks compete with FAQs in the matcher through an entry of their own (same id, `task` set).
    for (const raw of d.tasks ?? []) {
      const task: KefuTask = { ...raw, source: { file: f.file } };
      (kb.tasks ??= []).push(task);
      pending.push(taskEntry(task));
    }
    (d.faqs ?? []).forEach((raw, i) => {
      const line = f.faqLines[i];
      const faq: KefuFaq = { ...raw, similar: raw.similar ?? [], source: { file: f.file, line, fields: f.faqFieldLines?.[i] } };
      const here = { file: f.file, line, faqId: faq.id };
      const prev = idAt.get(faq.id);
      if (prev) {
        const where = prev.source ? `${prev.source.file}${prev.source.line ? `:${prev.source.line}` : ''}` : 'elsewhere';
        problems.push({ severity: 'error', code: 'duplicate-id', message: `id "${faq.id}" is already used at ${where}; ids must be unique across the knowledge base`, path: `faqs[${i}].id`, ...here, line: f.faqFieldLines?.[i]?.id ?? line });
        return;
      }
      if ((RESERVED_IDS as readonly string[]).includes(faq.id)) {
        problems.push({ severity: 'error', code: 'reserved-id', message: `id "${faq.id}" is reserved (${RESERVED_IDS.join(', ')} mean outcomes in test cases); choose another`, path: `faqs[${i}].id`, ...here });
        return;
      }
      idAt.set(faq.id, faq);
      kb.faqs.push(faq);
    });
  }

  for (const entry of pending) {
    const prev = idAt.get(entry.id);
    if (prev) {
      problems.push({ severity: 'error', code: 'duplicate-id', message: `task id "${entry.id}" is already used${prev.source ? ` at ${prev.source.file}` : ''}; ids must be unique across FAQs and tasks`, path: 'tasks', file: entry.source?.file, faqId: entry.id });
      continue;
    }
    idAt.set(entry.id, entry);
    kb.faqs.push(entry);
  }
  problems.push(...checkTasks(kb));

  const categoryIds = new Map(kb.categories.map((c) => [c.id, c]));
  const synonyms = new SynonymTable(kb.synonyms);
  const questionOwner = new Map<string, KefuFaq>();
  for (const faq of kb.faqs) {
    const at = { file: faq.source?.file, line: faq.source?.line, faqId: faq.id };
    const lineOf = (field: string) => faq.source?.fields?.[field] ?? faq.source?.line;
    const category = faq.category === undefined ? undefined : categoryIds.get(faq.category);
    if (faq.category !== undefined && categoryIds.size > 0 && !category) {
      problems.push({ severity: 'warning', code: 'unknown-category', message: `category "${faq.category}" is not declared under \`categories\` (declared: ${[...categoryIds.keys()].join(', ')})`, path: 'category', ...at, line: lineOf('category') });
    }
    if (category) {
      faq.handoff ??= category.handoff;
      faq.priority ??= category.priority;
    }
    for (const [field, q] of [['question', faq.question], ...faq.similar.map((s, j) => [`similar[${j}]`, s] as const)] as const) {
      const key = normalize(q).replace(/ /g, '');
      if (!key) {
        problems.push({ severity: 'error', code: 'empty-text', message: `${field} ${JSON.stringify(q)} has no letters or digits`, path: field, ...at, line: lineOf(field) });
        continue;
      }
      const owner = questionOwner.get(key);
      // A task may share questions with the FAQ it stands in for (`faq:`); src/task/compile.ts gives them to one.
      const standIn = owner && ((faq.task && kb.tasks?.find((t) => t.id === faq.task)?.faq === owner.id) || (owner.task && kb.tasks?.find((t) => t.id === owner.task)?.faq === faq.id));
      if (owner && owner !== faq && standIn) continue;
      if (owner && owner !== faq) {
        // Identical but for traditional/simplified script: likely two sources, warn only.
        const literal = [owner.question, ...owner.similar].some((o) => basicKey(o) === basicKey(q));
        problems.push({ severity: literal ? 'error' : 'warning', code: 'duplicate-question', message: `${field} ${JSON.stringify(q)} is the same question as one of FAQ "${owner.id}"${owner.source ? ` (${owner.source.file}${owner.source.line ? `:${owner.source.line}` : ''})` : ''}; a question belongs to one FAQ`, path: field, ...at, line: lineOf(field) });
      } else if (owner === faq) {
        problems.push({ severity: 'warning', code: 'duplicate-question', message: `${field} ${JSON.stringify(q)} repeats another question of the same FAQ`, path: field, ...at, line: lineOf(field) });
      } else questionOwner.set(key, faq);
    }
    // createBot refuses answers whose {variables} nobody declares; say so at validate time.
    // shopName has a default in the bot; hosts may declare more in createBot({ variables }).
    const answers = Array.isArray(faq.answer) ? faq.answer : [faq.answer];
    for (const name of new Set(answers.flatMap((a) => [...String(a).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))) {
      if (name === 'shopName' || (kb.variables && name in kb.variables)) continue;
      problems.push({ severity: 'warning', code: 'undeclared-variable', message: `answer uses {${name}}, which no \`variables\` entry declares; createBot refuses it unless the host passes createBot({ variables: { ${name}: … } })`, path: 'answer', ...at, line: lineOf('answer') });
    }
    (faq.patterns ?? []).forEach((p, j) => {
      try {
        compilePattern(p, (t) => synonyms.groupOf(t));
      } catch (err) {
        if (!(err instanceof PatternSyntaxError)) throw err;
        problems.push({ severity: 'error', code: 'bad-pattern', message: err.message, path: `patterns[${j}]`, ...at, line: lineOf(`patterns[${j}]`) });
      }
    });
  }
  if (kb.faqs.length === 0 && !problems.some((p) => p.severity === 'error')) {
    problems.push({ severity: 'error', code: 'no-faqs', message: 'the knowledge base has no FAQs: add a file with a top-level `faqs` list' });
  }
  return { kb, problems };
}

/** Lower-cased, width-folded, without spaces and punctuation; no script conversion. */
function basicKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}
