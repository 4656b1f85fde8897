/**
 * Errors thrown by kefu. Every message starts with `kefu:` and says what to do instead.
 * Knowledge-base problems carry their location (file, line, FAQ id, field).
 */

/** Where a knowledge-base problem is. Every field is optional: we say what we know. */
export interface KefuProblemLocation {
  /** The KB file, relative to the KB root when loaded from disk. */
  file?: string;
  /** 1-based line in that file (YAML and JSON files both carry lines). */
  line?: number;
  column?: number;
  /** The FAQ's id, or `#index` when it has none. */
  faqId?: string;
  /** Path inside the file, e.g. `faqs[3].answer`. */
  path?: string;
}

export type KefuProblemSeverity = 'error' | 'warning';

/** One thing wrong with a knowledge base. `code` is stable and safe to match on. */
export interface KefuProblem extends KefuProblemLocation {
  severity: KefuProblemSeverity;
  code: KefuProblemCode;
  message: string;
}

export type KefuProblemCode =
  | 'parse-error'
  | 'file-too-large'
  | 'too-deep'
  | 'alias-bomb'
  | 'forbidden-key'
  | 'schema'
  | 'unknown-field'
  | 'duplicate-id'
  | 'duplicate-question'
  | 'empty-text'
  | 'unknown-category'
  | 'bad-pattern'
  | 'reserved-id'
  | 'no-faqs'
  | 'io-error'
  | 'unsupported-file'
  | 'near-duplicate'
  | 'shadowed'
  | 'bad-encoding'
  | 'undeclared-variable'
  | 'bad-task';

/**
 * What went wrong, stable and safe to match on (`err.code === 'kb-not-found'`), with what
 * each means. The message says the particulars (file, id, value) and what to do instead.
 */
export const KEFU_ERRORS = {
  'kb-invalid': 'the knowledge base has errors (KefuKnowledgeBaseError lists them)',
  'kb-not-found': 'the knowledge-base path does not exist',
  'kb-locked': 'another writer holds the lock of a KB file',
  'file-not-found': 'an input file (e.g. a spreadsheet) does not exist',
  'file-exists': 'a file would be overwritten without { overwrite: true }',
  'unsupported-file': 'a file of a kind kefu cannot read or write',
  'bad-index': 'a saved index that is not one, or of another version',
  'bad-option': 'an option value out of range',
  'unknown-option': 'an option key kefu does not know (the message has the closest one)',
  'duplicate-id': 'an FAQ id that is already taken',
  'unknown-faq': 'no FAQ with that id',
  'undeclared-variable': 'an answer or session variable that is not declared',
  'unknown-session': 'no session with that id (expired or never started)',
  'unknown-turn': 'no bot reply with that id in the session',
  'not-with-human': 'an agent reply to a session no human holds',
  'bad-feedback': "feedback other than 'up' or 'down'",
  'unknown-item': 'no learning item with that id',
  'not-open': 'a learning item already approved or ignored',
  'nothing-to-learn': 'every wording of a learning item still holds redacted data',
  'bad-learning-file': 'a learning queue file with a line that is not a learning item',
  'bad-learning-item': 'a learning item in Redis without an id',
  'bad-redis-url': 'a Redis URL that is not one',
  'redis-unreachable': 'Redis did not answer',
  'bad-encoding': 'a text file that is not in the encoding kefu expects (KB files: UTF-8); the message names the byte and the likely encoding',
  'question-not-text': 'a question that is not a string',
  'question-too-long': 'a question over maxQuestionLength characters',
  'approval-invalid': 'an approval that would leave the knowledge base invalid (nothing was written)',
  'bad-agents-file': 'a kefu serve agents file that cannot be read or is malformed',
  'no-agent-credentials': 'kefu serve started without KEFU_AGENT_TOKEN or an agents file',
  'weak-agent-token': 'an agent token too short to be safe',
  'bad-actions': 'a task actions module (--actions) that cannot be loaded or exports no actions',
} as const;

export type KefuErrorCode = keyof typeof KEFU_ERRORS;

/** Base class of every error kefu throws on purpose. */
export class KefuError extends Error {
  readonly code: KefuErrorCode;
  constructor(code: KefuErrorCode, message: string, options?: { cause?: unknown }) {
    super(message.startsWith('kefu:') ? message : `kefu: ${message}`, options);
    this.name = 'KefuError';
    this.code = code;
  }
}

/** A knowledge base failed to load or validate. `problems` lists every error and warning found. */
export class KefuKnowledgeBaseError extends KefuError {
  readonly problems: KefuProblem[];
  constructor(problems: KefuProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const head = `kefu: the knowledge base has ${errors.length} error${errors.length === 1 ? '' : 's'}`;
    super('kb-invalid', [head, ...errors.map((p) => `  ${formatProblem(p)}`)].join('\n'));
    this.name = 'KefuKnowledgeBaseError';
    this.problems = problems;
  }
}

/** A file name as printable text: control characters (terminal escapes) shown as \\xNN. */
export function safeForTerminal(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** `file:line:column faq "id" (path): message`, leaving out what is unknown. */
export function formatProblem(p: KefuProblem): string {
  let where = p.file === undefined ? '' : safeForTerminal(p.file);
  if (p.file && p.line) where += `:${p.line}${p.column ? `:${p.column}` : ''}`;
  const parts: string[] = [];
  if (where) parts.push(where);
  if (p.faqId) parts.push(`faq "${p.faqId}"`);
  if (p.path) parts.push(`(${p.path})`);
  const prefix = parts.length ? `${parts.join(' ')}: ` : '';
  return `${p.severity}: ${prefix}${p.message}`;
}

/** What went wrong, as text, whatever was thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
