import { KefuKnowledgeBaseError } from '../errors.js';
import { compileKnowledgeBase } from './compile.js';
import { validateKbObject } from './parse.js';
import type { KbFileInput, KnowledgeBase } from './schema.js';

/** A knowledge base given in memory: the parsed shape of a KB file, or a loaded KnowledgeBase. */
export type KnowledgeBaseInput = KbFileInput | KnowledgeBase;

/**
 * KBs that loadKnowledgeBase has just validated and compiled, on their way to the matcher
 * inside kefu (createMatcher or createBot with a path, the CLI) with no user code between:
 * knowledgeBaseFromObject does not validate them again (at 100,000 FAQs a second pass took
 * ~1 s). A KB with tasks is still rebuilt, since its task entries follow the host's actions.
 */
const validated = new WeakSet<object>();

/** Marks `kb` as just loaded and validated (see `validated`); only for kefu's own load paths. */
export function asValidated<T extends object>(kb: T): T {
  validated.add(kb);
  return kb;
}

/**
 * Validate an in-memory KB (the same rules as files). Throws KefuKnowledgeBaseError listing
 * every problem with its FAQ id and field.
 */
export function knowledgeBaseFromObject(input: KnowledgeBaseInput, name = '<object>'): KnowledgeBase {
  const raw = input as KnowledgeBase;
  if (validated.has(raw) && !raw.tasks?.length) {
    const { warnings: _warnings, ...kb } = raw as KnowledgeBase & { warnings?: unknown };
    return kb;
  }
  const plain = {
    // A compiled KB holds its tasks' matcher entries among the FAQs; they are rebuilt from `tasks`.
    ...(raw.faqs ? { faqs: raw.faqs.filter((f) => !f.task).map(({ source: _source, ...faq }) => faq) } : { faqs: raw.faqs }),
    ...pick(raw, ['synonyms', 'vocabulary', 'stopwords', 'categories', 'thresholds', 'variables']),
    ...(raw.tasks ? { tasks: raw.tasks.map(({ source: _source, ...task }) => task) } : {}),
  };
  for (const k of Object.keys(raw)) if (!['faqs', 'synonyms', 'vocabulary', 'stopwords', 'categories', 'thresholds', 'variables', 'warnings', 'tasks'].includes(k)) (plain as Record<string, unknown>)[k] = (raw as unknown as Record<string, unknown>)[k];
  const { kb, problems } = compileKnowledgeBase([validateKbObject(plain, name)]);
  if (problems.some((p) => p.severity === 'error')) throw new KefuKnowledgeBaseError(problems);
  // FAQs loaded from files keep where they came from: lint locations, and where a matcher's
  // consolidating rebuild puts FAQs added while it runs (src/kb/order.ts).
  const sources = new Map((raw.faqs ?? []).filter((f) => f.source).map((f) => [f.id, f.source]));
  for (const faq of kb.faqs) if (sources.has(faq.id)) faq.source = sources.get(faq.id);
  return kb;
}

function pick<T extends object>(o: T, keys: string[]): Partial<T> {
  return Object.fromEntries(keys.filter((k) => (o as Record<string, unknown>)[k] !== undefined).map((k) => [k, (o as Record<string, unknown>)[k]])) as Partial<T>;
}
