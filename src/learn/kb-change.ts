/**
 * A change to the knowledge base made while bots are running (an approved learning item),
 * in a form that can travel between processes and be applied to any running matcher.
 * Applying is idempotent: a change already in the index (because the process loaded the
 * KB files after they were written, or saw the change twice) does nothing. Browser-safe.
 */
import type { KefuFaq } from '../kb/schema.js';
import type { KefuMatcher } from '../match/matcher.js';

export type KefuKbChange =
  /** More questions for an existing FAQ. */
  | { kind: 'similar'; faqId: string; questions: string[] }
  /** A new FAQ. */
  | { kind: 'faq'; faq: Pick<KefuFaq, 'id' | 'question' | 'similar' | 'answer'> & Partial<KefuFaq> };

/**
 * Apply a change to a running matcher. Returns how many questions were added (0 when the
 * index already had them all); throws `unknown-faq` when the change names an FAQ this KB lacks.
 * @example
 * applyKbChange(bot.matcher, { kind: 'similar', faqId: 'refund-time', questions: ['钱多久能退回来'] });
 */
export function applyKbChange(matcher: KefuMatcher, change: KefuKbChange): number {
  if (change.kind === 'similar') return matcher.addQuestions(change.faqId, change.questions);
  if (matcher.faq(change.faq.id)) return 0;
  const faq = { ...change.faq, similar: change.faq.similar ?? [] } as KefuFaq;
  matcher.addFaq(faq);
  return 1 + faq.similar.length;
}
