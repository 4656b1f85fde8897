/**
 * Review of learning items against KB files on disk: approve a group as more questions of
 * an existing FAQ (written into the file that defines it) or as a new FAQ (into a file you
 * choose). Node only.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { KefuError, KefuKnowledgeBaseError } from '../../errors.js';
import { knowledgeBaseFromObject } from '../../kb/from-object.js';
import type { KefuFaq, KnowledgeBase } from '../../kb/schema.js';
import type { KefuLearner, KefuLearningItem } from '../../learn/learner.js';
import type { KefuMatcher } from '../../match/matcher.js';
import { applyKbChange, type KefuKbChange } from '../../learn/kb-change.js';
import { addFaq, addSimilarQuestions } from '../../node/kb-writer.js';
import { readKnowledgeBase } from '../../node/load-kb.js';
import { normalize } from '../../text/normalize.js';

export type KefuApproval = { faqId: string } | { newFaq: { id: string; answer: string; category?: string }; file: string };

const key = (q: string) => normalize(q).replace(/ /g, '');

/** Questions fit for the KB: redaction placeholders make a wording unusable. */
function usableQuestions(item: KefuLearningItem): string[] {
  return item.variants.map((v) => v.text).filter((t) => !t.includes('【'));
}

/**
 * Write an approved group into the KB and mark it approved. Returns the file written.
 * @example
 * await approveLearningItem(learner, 'q-abc', 'knowledge-base', { faqId: 'payment-methods' });
 * await approveLearningItem(learner, 'q-def', 'knowledge-base', { newFaq: { id: 'pay-ecny', answer: '支持…' }, file: 'knowledge-base/payment.yaml' });
 */
export interface KefuApproveOptions {
  /** A running matcher to update at once (hot update, no rebuild). */
  matcher?: KefuMatcher;
  /** Tell other bot processes, e.g. `redis.publishKbChange` from `kefu/redis`. */
  publish?: (change: KefuKbChange) => Promise<unknown>;
}

export async function approveLearningItem(learner: KefuLearner, id: string, kbPath: string, approval: KefuApproval, options: KefuApproveOptions = {}): Promise<{ file: string; questions: string[]; change: KefuKbChange }> {
  const item = await learner.get(id);
  if (item.status !== 'open') throw new KefuError('not-open', `kefu: learning item "${id}" is ${item.status}, not open`);
  const questions = usableQuestions(item);
  if (questions.length === 0) throw new KefuError('nothing-to-learn', `kefu: every wording of "${id}" still holds redacted personal data; add the FAQ by hand`);
  const { kb, problems } = await readKnowledgeBase(kbPath);
  if (problems.some((p) => p.severity === 'error')) throw new KefuError('kb-invalid', `kefu: ${kbPath} has errors; run kefu validate first`);
  if ('faqId' in approval) {
    const faq = kb.faqs.find((f) => f.id === approval.faqId);
    if (!faq?.source) throw new KefuError('unknown-faq', `kefu: no FAQ "${approval.faqId}" in ${kbPath}`);
    const have = new Set([faq.question, ...faq.similar].map(key));
    const fresh = questions.filter((q) => !have.has(key(q)));
    checkWholeKb(kb, kb.faqs.map((f) => (f === faq ? { ...f, similar: [...f.similar, ...fresh] } : f)), `approving "${id}" into "${faq.id}"`);
    const added = await addSimilarQuestions(faq.source.file, faq.id, questions);
    const change: KefuKbChange = { kind: 'similar', faqId: faq.id, questions: added };
    await learner.markApproved(id, faq.id, 'similar');
    await announce(change, options);
    return { file: faq.source.file, questions: added, change };
  }
  const [question, ...similar] = questions;
  const faq = { id: approval.newFaq.id, question, ...(similar.length ? { similar } : {}), answer: approval.newFaq.answer, ...(approval.newFaq.category ? { category: approval.newFaq.category } : {}) };
  checkTarget(approval.file, kbPath);
  checkWholeKb(kb, [...kb.faqs, { ...faq, similar: faq.similar ?? [] }], `approving "${id}" as new FAQ "${faq.id}"`);
  await addFaq(approval.file, faq);
  const change: KefuKbChange = { kind: 'faq', faq: { ...faq, similar: faq.similar ?? [], source: { file: approval.file } } };
  await learner.markApproved(id, approval.newFaq.id, 'new');
  await announce(change, options);
  return { file: approval.file, questions, change };
}

/**
 * The KB as it would be after the approval must load: the same checks as `kefu validate`
 * (ids unique and well-formed, not reserved, answers and questions not empty, categories
 * known), run before any byte is written.
 */
function checkWholeKb(kb: KnowledgeBase, faqs: KefuFaq[], what: string): void {
  try {
    knowledgeBaseFromObject({ ...kb, faqs }, 'the knowledge base after approval');
  } catch (err) {
    if (!(err instanceof KefuKnowledgeBaseError)) throw err;
    const errors = err.problems.filter((p) => p.severity === 'error').map((p) => `  ${p.faqId ? `faq "${p.faqId}" ` : ''}${p.path ? `(${p.path}) ` : ''}${p.message}`);
    throw new KefuError('approval-invalid', [`kefu: ${what} would break the knowledge base; nothing was written:`, ...errors].join('\n'));
  }
}

/** A new FAQ goes into a KB file (.yaml, .yml, .json) inside the KB folder. */
function checkTarget(file: string, kbPath: string): void {
  if (!/\.(?:ya?ml|json)$/i.test(file)) throw new KefuError('approval-invalid', `kefu: cannot add a FAQ to "${file}": KB files end in .yaml, .yml or .json; nothing was written`);
  const root = path.resolve(kbPath);
  const rel = path.relative(root, path.resolve(file));
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    if (path.resolve(file) !== root) throw new KefuError('approval-invalid', `kefu: "${file}" is not the KB file ${kbPath}; nothing was written`);
  } else if (rel.startsWith('..') || path.isAbsolute(rel)) throw new KefuError('approval-invalid', `kefu: "${file}" is outside the knowledge base ${kbPath}; nothing was written`);
}

/** The running bot answers the learned question at once, without a rebuild; other processes hear of it. */
async function announce(change: KefuKbChange, options: KefuApproveOptions): Promise<void> {
  if (options.matcher) applyKbChange(options.matcher, change);
  if (options.publish) await options.publish(change);
}
