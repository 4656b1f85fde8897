/**
 * Test-case files for `kefu test`: YAML or JSON, `cases: [{ question, expect, reason? }]`.
 * `expect` is an FAQ id, or clarify / fallback / handoff (optionally with a `reason`).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { KefuReply } from '../../bot/bot.js';
import { KefuKnowledgeBaseError, type KefuProblem } from '../../errors.js';
import { parseDocument } from 'yaml';

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
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push({ severity: 'error', code: 'io-error', message: `cannot read case file: ${(err as Error).message}`, file });
      continue;
    }
    const doc = parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true });
    if (doc.errors.length) {
      problems.push({ severity: 'error', code: 'parse-error', message: doc.errors[0].message.split('\n')[0], file, line: doc.errors[0].linePos?.[0].line });
      continue;
    }
    const parsed = CaseFileSchema.safeParse(doc.toJS({ maxAliasCount: 100 }));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ severity: 'error', code: 'schema', message: issue.message, file, path: issue.path.join('.') });
      continue;
    }
    const items = (doc.get('cases') as { items?: { range?: [number] }[] } | undefined)?.items ?? [];
    parsed.data.cases.forEach((c, i) => {
      const line = items[i]?.range ? text.slice(0, items[i].range![0]).split('\n').length : undefined;
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
