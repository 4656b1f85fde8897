/**
 * Test-case files for `kefu test`: YAML or JSON, `cases: [{ question, expect, reason? }]`.
 * `expect` is an FAQ id, or clarify / fallback / handoff (optionally with a `reason`).
 */
import { z } from 'zod';
import type { KefuReply } from '../../bot/types.js';
import { KefuKnowledgeBaseError, type KefuProblem } from '../../errors.js';
import { readListFile } from './list-file.js';

const CaseSchema = z.strictObject({
  question: z.string().min(1, 'question must not be empty'),
  expect: z.string().min(1, 'expect must name an FAQ id, clarify, fallback or handoff'),
  reason: z.enum(['explicit-request', 'negative-emotion', 'faq-flagged']).optional(),
  tags: z.array(z.string()).optional(),
});
const CaseFileSchema = z.strictObject({ cases: z.array(CaseSchema) });

export interface KefuTestCase {
  question: string;
  expect: string;
  reason?: 'explicit-request' | 'negative-emotion' | 'faq-flagged';
  file: string;
  line?: number;
}

export async function loadCaseFiles(files: readonly string[], faqIds: ReadonlySet<string>): Promise<KefuTestCase[]> {
  const problems: KefuProblem[] = [];
  const cases: KefuTestCase[] = [];
  for (const file of files) {
    const read = await readListFile(file, CaseFileSchema, 'cases', problems);
    if (!read) continue;
    read.data.cases.forEach((c, i) => {
      const line = read.lines[i];
      if (!['clarify', 'fallback', 'handoff'].includes(c.expect) && !faqIds.has(c.expect)) {
        problems.push({ severity: 'error', code: 'schema', message: `expect "${c.expect}" is neither an FAQ id of this KB nor clarify/fallback/handoff`, file, line, path: `cases[${i}].expect` });
      }
      cases.push({ ...c, file, line });
    });
  }
  if (problems.length) throw new KefuKnowledgeBaseError(problems);
  return cases;
}

/** Did the bot do what the case expects? An FAQ id passes as an answer or as a flagged handoff. */
export function casePasses(c: KefuTestCase, reply: KefuReply): boolean {
  switch (c.expect) {
    case 'clarify':
      return reply.type === 'clarify';
    case 'fallback':
      return reply.type === 'fallback';
    case 'handoff':
      return reply.type === 'handoff' && (!c.reason || reply.reason === c.reason);
    default:
      return (reply.type === 'answer' || reply.type === 'handoff') && reply.id === c.expect;
  }
}

/** One word for what happened, as the case files would write it. */
export function outcomeOf(reply: KefuReply): string {
  if (reply.type === 'answer') return reply.id;
  if (reply.type === 'handoff') return reply.reason === 'faq-flagged' ? `${reply.id} (handoff)` : `handoff (${reply.reason})`;
  if (reply.type === 'clarify') return `clarify [${reply.candidates.map((c) => c.id).join(', ')}]`;
  if (reply.type === 'small-talk') return `small-talk (${reply.kind})`;
  return 'fallback';
}
