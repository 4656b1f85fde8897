/**
 * What a customer message must be before the bot reads it: a string, at most
 * `maxQuestionLength` characters. Above that the bot refuses with a typed error instead of
 * spending seconds and megabytes on one paste (matching is linear, but 1M characters still
 * block a process for most of a minute).
 */
import { KefuError } from '../errors.js';

/** Default `maxQuestionLength`: far above any chat message, matched in tens of milliseconds. */
export const DEFAULT_MAX_QUESTION_LENGTH = 2000;

/** Thrown by `ask`, `agentReply` and `suggest` for a message that is not text or too long. */
export class KefuQuestionError extends KefuError {
  /** The message's length in UTF-16 code units, when it was a string. */
  readonly length?: number;
  readonly limit?: number;
  constructor(code: 'question-not-text' | 'question-too-long', message: string, details: { length?: number; limit?: number } = {}) {
    super(code, message);
    this.name = 'KefuQuestionError';
    this.length = details.length;
    this.limit = details.limit;
  }
}

/**
 * @example
 * checkQuestion('我想退货', 2000, 'ask'); // ok
 * checkQuestion(undefined, 2000, 'ask'); // throws KefuQuestionError 'question-not-text'
 */
export function checkQuestion(text: unknown, limit: number, where: string): asserts text is string {
  if (typeof text !== 'string') {
    const got = text === null ? 'null' : Array.isArray(text) ? 'an array' : typeof text;
    throw new KefuQuestionError('question-not-text', `kefu: ${where}() needs the customer's message as a string, got ${got}`);
  }
  if (text.length > limit) {
    throw new KefuQuestionError('question-too-long', `kefu: ${where}() got a message of ${text.length} characters; the limit is ${limit} (maxQuestionLength). Ask the customer to shorten it, or raise maxQuestionLength`, { length: text.length, limit });
  }
}
