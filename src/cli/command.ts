/**
 * What a `kefu` command is: its help, its options (typed from their declaration) and what
 * it runs. One file per command in ./commands; main.ts lists them.
 */
import type { ParseArgsConfig } from 'node:util';

/** A bad command line: exit code 2, the message and (usually) the command's help on stderr. */
export class UsageError extends Error {}

type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The parsed values of declared options: `{ type: 'string', multiple: true }` → string[], etc. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? (O[K] extends { multiple: true } ? boolean[] : boolean) : O[K] extends { multiple: true } ? string[] : string;
};

/** Options every command takes. */
export const COMMON = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  segmenter: { type: 'string' },
  // lexical matching only: the sentence-embedding model is not loaded
  'no-semantic': { type: 'boolean' },
  'no-cache': { type: 'boolean' },
} as const satisfies OptionSpecs;

export interface KefuCommand<O extends OptionSpecs = OptionSpecs> {
  name: string;
  /** Its line in `kefu --help`: what to type, then what it does. */
  synopsis: string;
  summary: string;
  /** `kefu <name> --help`: usage, options, at least one example. */
  help: string;
  options: O;
  run(values: OptionValues<O>, positionals: string[]): Promise<number>;
}

/** Declare a command; `options` are kept literal so `run` sees their types. */
export function defineCommand<const O extends OptionSpecs>(command: KefuCommand<O>): KefuCommand<O> {
  return command;
}

/** The first positional: every command but `schema`, `import` and `learn` takes a KB. */
export function requireKb(positionals: string[], help: string): string {
  const kb = positionals[0];
  if (!kb) throw new UsageError(`missing <kb>: the knowledge-base folder or file\n\n${help}`);
  return kb;
}
