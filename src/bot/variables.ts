/**
 * `{variable}` placeholders in answers and messages: filled per session, and checked at
 * start-up so that no customer ever sees a raw `{name}`. Browser-safe.
 */
import { KefuError } from '../errors.js';
import type { KefuFaq } from '../kb/schema.js';

export interface VariableScopes {
  /** The bot's own (KB `variables` and `createBot({ variables })`). */
  bot: Record<string, string>;
  /** Declared session variables with their defaults. */
  sessionDefaults: Record<string, string>;
}

/** Session values, then declared session defaults, then bot variables; an unknown name stays as written. */
export function fillVariables(text: string, scopes: VariableScopes, session?: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => session?.[name] ?? scopes.sessionDefaults[name] ?? scopes.bot[name] ?? whole);
}

/** Throws `undeclared-variable` naming every `{variable}` that answers, small talk or messages use without declaring it. */
export function checkVariables(scopes: VariableScopes, faqs: readonly KefuFaq[], other: { smallTalk: readonly string[]; messages: readonly string[] }): void {
  const declared = new Set([...Object.keys(scopes.bot), ...Object.keys(scopes.sessionDefaults)]);
  const missing = new Map<string, string>();
  const texts: [string, string][] = faqs.flatMap((f) => (Array.isArray(f.answer) ? f.answer : [f.answer]).map((a) => [`FAQ "${f.id}"`, a] as [string, string]));
  for (const t of other.smallTalk) texts.push(['small talk', t]);
  for (const t of other.messages) texts.push(['messages', t]);
  for (const [where, a] of texts) for (const [, name] of a.matchAll(/\{(\w+)\}/g)) if (!declared.has(name) && !missing.has(name)) missing.set(name, where);
  if (missing.size > 0) {
    const list = [...missing].map(([n, where]) => `{${n}} (used by ${where})`).join(', ');
    throw new KefuError('undeclared-variable', `kefu: answers use undeclared variables ${list}; declare them in the KB's \`variables\`, or in createBot({ variables }) or ({ sessionVariables })`);
  }
}
