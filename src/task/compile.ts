/**
 * Tasks in a knowledge base: their matcher entries (so a task competes with FAQs in the same
 * engine) and the checks that need the whole KB (entity types, patterns, `next`).
 */
import type { KefuProblem } from '../errors.js';
import { normalize } from '../text/normalize.js';
import type { KefuFaq, KefuTask, KnowledgeBase } from '../kb/schema.js';

export const BUILTIN_ENTITY_TYPES = ['order-number', 'tracking-number', 'mobile', 'phone', 'email', 'address', 'date', 'time', 'amount', 'count', 'size', 'color', 'product'] as const;

/** The matcher entry of a task: its questions and patterns, answer left to the task runner. */
export function taskEntry(task: KefuTask): KefuFaq {
  return {
    id: task.id,
    question: task.question,
    similar: task.similar ?? [],
    // Never shown: matching this entry starts the task. The question keeps it free of {variables}.
    answer: task.question,
    ...(task.patterns ? { patterns: task.patterns } : {}),
    ...(task.keywords ? { keywords: task.keywords } : {}),
    ...(task.category ? { category: task.category } : {}),
    task: task.id,
    source: task.source,
  };
}

function badRegex(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export function checkTasks(kb: KnowledgeBase): KefuProblem[] {
  const problems: KefuProblem[] = [];
  const known = new Set<string>([...BUILTIN_ENTITY_TYPES, ...Object.keys(kb.entities?.custom ?? {})]);
  const taskIds = new Set((kb.tasks ?? []).map((t) => t.id));
  for (const [name, def] of Object.entries(kb.entities?.custom ?? {})) {
    const why = def.pattern !== undefined ? badRegex(def.pattern) : undefined;
    if (why) problems.push({ severity: 'error', code: 'bad-pattern', message: `entities.custom.${name}.pattern is not a regular expression: ${why}`, path: `entities.custom.${name}.pattern` });
    if (!def.pattern && !def.values) problems.push({ severity: 'error', code: 'schema', message: `entities.custom.${name} needs \`values\` or \`pattern\``, path: `entities.custom.${name}` });
  }
  for (const key of ['orderNumber', 'trackingNumber'] as const) {
    const why = kb.entities?.[key] !== undefined ? badRegex(kb.entities[key]!) : undefined;
    if (why) problems.push({ severity: 'error', code: 'bad-pattern', message: `entities.${key} is not a regular expression: ${why}`, path: `entities.${key}` });
  }
  for (const task of kb.tasks ?? []) {
    const at = { file: task.source?.file, faqId: task.id };
    const slots = Object.keys(task.slots ?? {});
    for (const [name, slot] of Object.entries(task.slots ?? {})) {
      if (!known.has(slot.entity)) problems.push({ severity: 'error', code: 'bad-task', message: `slot "${name}" uses entity "${slot.entity}", which is neither built in (${BUILTIN_ENTITY_TYPES.join(', ')}) nor declared under entities.custom`, path: `slots.${name}.entity`, ...at });
      const why = slot.validate?.pattern !== undefined ? badRegex(slot.validate.pattern) : undefined;
      if (why) problems.push({ severity: 'error', code: 'bad-pattern', message: `slots.${name}.validate.pattern is not a regular expression: ${why}`, path: `slots.${name}.validate.pattern`, ...at });
    }
    if (task.faq !== undefined && !kb.faqs.some((f) => f.id === task.faq && !f.task)) problems.push({ severity: 'error', code: 'bad-task', message: `faq "${task.faq}" is not an FAQ of this knowledge base`, path: 'faq', ...at });
    if (task.next !== undefined && !taskIds.has(task.next)) problems.push({ severity: 'error', code: 'bad-task', message: `next "${task.next}" is not a task of this knowledge base`, path: 'next', ...at });
    const texts = [task.answer, task.refused ?? [], task.confirm ?? []].flat();
    for (const t of texts) {
      for (const [, name] of t.matchAll(/\{([\w.]+)\}/g)) {
        if (name.startsWith('result.') || name === 'result' || slots.includes(name)) continue;
        // Anything else must be a bot variable; the bot checks those when it is created.
        if (name.includes('.')) problems.push({ severity: 'error', code: 'bad-task', message: `{${name}} is neither a slot of this task (${slots.join(', ') || 'none'}) nor {result.…}`, path: 'answer', ...at });
      }
    }
  }
  return problems;
}

/**
 * The KB a bot with these actions runs: tasks without an action are taken out (so they do not
 * take matches from FAQs, and the KB is exactly its FAQs); an active task takes over the
 * questions it shares with its `faq` (the how-to FAQ it stands in for: 我的快递到哪了 belongs to
 * track-order when the host can track orders, to logistics-track otherwise). `'all'` keeps every
 * task (validation). Works on a compiled KB or a parsed KB object; the result is for createMatcher.
 */
export function withActiveTasks<K extends { faqs?: KefuFaqLike[]; tasks?: KefuTask[] }>(kb: K, actions: Record<string, unknown> | 'all' | undefined): K {
  if (!kb.tasks?.length) return kb;
  const active = kb.tasks.filter((t) => actions === 'all' || typeof actions?.[t.action] === 'function');
  const taken = new Map<string, Set<string>>();
  for (const t of active) {
    if (!t.faq) continue;
    const set = taken.get(t.faq) ?? new Set<string>();
    for (const q of [t.question, ...(t.similar ?? [])]) set.add(questionKey(q));
    taken.set(t.faq, set);
  }
  const faqs = (kb.faqs ?? [])
    .filter((f) => !f.task)
    .map((f) => (taken.has(f.id) ? { ...f, similar: (f.similar ?? []).filter((q) => !taken.get(f.id)!.has(questionKey(q))) } : f));
  return { ...kb, faqs, tasks: active };
}

/** Two questions are the same one when they normalize alike (the KB's duplicate rule). */
export function questionKey(q: string): string {
  return normalize(q).replace(/ /g, '');
}

type KefuFaqLike = { id: string; question: string; similar?: string[]; task?: string };
