/**
 * Conversation cases for `kefu test`: multi-turn scripts, one fresh session each. A case file
 * with a top-level `conversations:` list is one of these (a `cases:` file stays single-turn):
 *
 *   actions: ../../examples/shop/actions.mjs   # optional, relative to this file (or --actions)
 *   now: 2026-12-02T10:00:00                    # optional clock, for 明天 / 下周一
 *   conversations:
 *     - name: 查物流，先问后给单号
 *       variables: { customerId: C001 }         # optional bot variables (choices, templates)
 *       turns:
 *         - say: 我的快递到哪了
 *           expect: { type: task, id: track-order, status: collecting, missing: [orderNumber] }
 *         - say: SO20241111001
 *           expect: { status: done, text: 运输中 }
 *
 * `expect` is an id (FAQ or task), clarify / fallback / handoff, or an object whose fields must
 * all hold: type, id, status, missing (exact), outcome, reason (handoff), text (substrings),
 * event (emitted during the turn, e.g. purchase-intent) and products (of that event).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KefuBot } from '../../bot/bot.js';
import type { KefuReply } from '../../bot/types.js';
import { KefuKnowledgeBaseError, type KefuProblem } from '../../errors.js';
import type { KnowledgeBase } from '../../kb/schema.js';
import type { KefuMatcher } from '../../match/matcher.js';
import { withActiveTasks } from '../../task/compile.js';
import { loadActionsModule, type KefuActionsModule } from './actions-module.js';
import { readListFile } from './list-file.js';

const ExpectSchema = z.union([
  z.string().min(1),
  z.strictObject({
    type: z.enum(['answer', 'clarify', 'fallback', 'handoff', 'small-talk', 'task', 'with-human']).optional(),
    id: z.string().optional(),
    status: z.enum(['collecting', 'confirming', 'done', 'failed', 'cancelled']).optional(),
    missing: z.array(z.string()).optional(),
    outcome: z.literal('refused').optional(),
    reason: z.string().optional(),
    text: z.union([z.string(), z.array(z.string())]).optional(),
    event: z.string().optional(),
    products: z.array(z.string()).optional(),
  }),
]);
const ConversationFileSchema = z.strictObject({
  actions: z.string().optional(),
  now: z.string().optional(),
  conversations: z.array(
    z.strictObject({
      name: z.string().min(1),
      variables: z.record(z.string(), z.string()).optional(),
      tags: z.array(z.string()).optional(),
      turns: z.array(z.strictObject({ say: z.string().min(1), expect: ExpectSchema.optional() })).min(1, 'a conversation needs at least one turn'),
    }),
  ),
});
type Expect = z.output<typeof ExpectSchema>;

export interface ConversationResult {
  name: string;
  file: string;
  line?: number;
  pass: boolean;
  /** The first turn that did not do what was expected. */
  failure?: string;
  ms: number;
}

/** A file is a conversation file when its top level has `conversations`. */
export async function isConversationFile(file: string): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return /^conversations\s*:/m.test(text) || /^\s*\{\s*"conversations"\s*:/.test(text);
}

/** Every unmet part of `expect`, in words. */
function mismatch(expect: Expect, reply: KefuReply, events: { name: string; payload: Record<string, unknown> }[]): string[] {
  const e = typeof expect === 'string' ? (['clarify', 'fallback', 'handoff'].includes(expect) ? { type: expect as 'clarify' } : { id: expect }) : expect;
  const r = reply as KefuReply & { id?: string | null; reason?: string };
  const out: string[] = [];
  if (e.type && reply.type !== e.type) out.push(`type ${reply.type}, expected ${e.type}`);
  if (e.id !== undefined && r.id !== e.id && reply.task?.id !== e.id) out.push(`id ${r.id ?? reply.task?.id ?? 'none'}, expected ${e.id}`);
  if (e.status && reply.task?.status !== e.status) out.push(`task status ${reply.task?.status ?? 'none'}, expected ${e.status}`);
  if (e.missing && JSON.stringify(reply.task?.missing ?? []) !== JSON.stringify(e.missing)) out.push(`missing ${JSON.stringify(reply.task?.missing ?? [])}, expected ${JSON.stringify(e.missing)}`);
  if (e.outcome && reply.task?.outcome !== e.outcome) out.push(`outcome ${reply.task?.outcome ?? 'none'}, expected ${e.outcome}`);
  if (e.reason && r.reason !== e.reason) out.push(`handoff reason ${r.reason ?? 'none'}, expected ${e.reason}`);
  for (const t of e.text === undefined ? [] : [e.text].flat()) if (!reply.text.includes(t)) out.push(`text lacks “${t}”`);
  if (e.event) {
    const ev = events.find((x) => x.name === e.event);
    if (!ev) out.push(`no ${e.event} event`);
    else if (e.products && JSON.stringify([...((ev.payload.products as string[]) ?? [])].sort()) !== JSON.stringify([...e.products].sort())) out.push(`${e.event} products ${JSON.stringify(ev.payload.products)}, expected ${JSON.stringify(e.products)}`);
  }
  return out;
}

const WATCHED = ['purchase-intent', 'handoff', 'task'] as const;

/**
 * Run conversation files against a KB. `build` makes a matcher for a KB (tasks already filtered
 * to the module's actions); one matcher per actions module is built and shared.
 */
export async function runConversationFiles(files: readonly string[], kb: KnowledgeBase, build: (kb: KnowledgeBase) => Promise<KefuMatcher>, defaultActions?: string): Promise<ConversationResult[]> {
  const problems: KefuProblem[] = [];
  const parsed: { file: string; data: z.output<typeof ConversationFileSchema>; lines: (number | undefined)[] }[] = [];
  for (const file of files) {
    const read = await readListFile(file, ConversationFileSchema, 'conversations', problems);
    if (read) parsed.push({ file, ...read });
  }
  if (problems.length) throw new KefuKnowledgeBaseError(problems);

  const modules = new Map<string, KefuActionsModule | undefined>();
  const matchers = new Map<string, KefuMatcher>();
  const results: ConversationResult[] = [];
  for (const { file, data, lines } of parsed) {
    const actionsFile = defaultActions ?? (data.actions ? path.resolve(path.dirname(file), data.actions) : undefined);
    const key = actionsFile ?? '';
    if (!modules.has(key)) modules.set(key, actionsFile ? await loadActionsModule(actionsFile) : undefined);
    const mod = modules.get(key);
    if (!matchers.has(key)) matchers.set(key, await build(withActiveTasks(kb, mod ? Object.fromEntries(mod.names.map((n) => [n, () => undefined])) : undefined)));
    const matcher = matchers.get(key)!;
    const start = data.now ? Date.parse(data.now) : Date.now();
    if (Number.isNaN(start)) throw new KefuKnowledgeBaseError([{ severity: 'error', code: 'schema', message: `now "${data.now}" is not a date such as 2026-12-02T10:00:00`, file, path: 'now' }]);
    for (const [i, c] of data.conversations.entries()) {
      const t0 = performance.now();
      let clock = start;
      const made = mod?.make();
      const bot = new KefuBot(matcher, { variables: c.variables, actions: made?.actions, choices: made?.choices, now: () => clock });
      const events: { name: string; payload: Record<string, unknown> }[] = [];
      for (const name of WATCHED) bot.on(name, (payload: unknown) => events.push({ name, payload: payload as Record<string, unknown> }));
      let failure: string | undefined;
      for (const [k, turn] of c.turns.entries()) {
        events.length = 0;
        clock += 1000;
        const reply = await bot.ask(turn.say, { sessionId: `conversation-${i}` });
        const wrong = turn.expect === undefined ? [] : mismatch(turn.expect, reply, events);
        if (wrong.length) {
          failure = `turn ${k + 1} “${turn.say}”: ${wrong.join('; ')} — replied “${reply.text.slice(0, 80)}”`;
          break;
        }
      }
      results.push({ name: c.name, file, line: lines[i], pass: !failure, failure, ms: performance.now() - t0 });
    }
  }
  return results;
}
