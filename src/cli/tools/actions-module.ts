/**
 * `--actions <module>`: the host's task actions for the CLI. The module exports `actions`
 * (name → async (slots, ctx) => result) and optionally `choices` (entity type → provider), or a
 * `create()` returning both (called once per conversation, so every test conversation gets a
 * fresh in-memory shop).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KefuError } from '../../errors.js';
import type { KefuAction, KefuChoiceProvider } from '../../task/types.js';

export interface KefuActionsModule {
  file: string;
  /** A fresh set of actions (from `create()` when exported, else the module's own). */
  make(): { actions: Record<string, KefuAction>; choices?: Record<string, KefuChoiceProvider> };
  names: string[];
}

type Exports = { actions?: unknown; choices?: unknown; create?: unknown; default?: Exports };

function check(file: string, got: { actions?: unknown; choices?: unknown }): { actions: Record<string, KefuAction>; choices?: Record<string, KefuChoiceProvider> } {
  const { actions, choices } = got;
  if (!actions || typeof actions !== 'object') throw new KefuError('bad-actions', `kefu: ${file} exports no \`actions\` object; write e.g. export const actions = { trackOrder: async (slots, ctx) => ({ status: '运输中' }) }`);
  for (const [name, fn] of Object.entries(actions)) if (typeof fn !== 'function') throw new KefuError('bad-actions', `kefu: ${file}: actions.${name} is ${typeof fn}, not a function`);
  if (choices !== undefined && (typeof choices !== 'object' || choices === null)) throw new KefuError('bad-actions', `kefu: ${file}: \`choices\` must be an object of entity type → function`);
  return { actions: actions as Record<string, KefuAction>, choices: choices as Record<string, KefuChoiceProvider> | undefined };
}

export async function loadActionsModule(file: string): Promise<KefuActionsModule> {
  let mod: Exports;
  try {
    mod = (await import(pathToFileURL(path.resolve(file)).href)) as Exports;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(path.resolve(file)) ? 'file not found' : (e.message ?? String(err)).split('\n')[0];
    throw new KefuError('bad-actions', `kefu: cannot load actions module ${file}: ${why}`);
  }
  const m = mod.actions || mod.create ? mod : (mod.default ?? mod);
  const create = typeof m.create === 'function' ? (m.create as () => Exports) : undefined;
  const first = check(file, create ? create() : m);
  return { file, names: Object.keys(first.actions), make: () => (create ? check(file, create()) : first) };
}
