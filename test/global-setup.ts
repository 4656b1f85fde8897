/**
 * One vector cache for the whole e2e run (vitest.config.ts points KEFU_VECTOR_CACHE at it):
 * the dozens of processes that build the sample KB (CLI runs, README blocks, bot workers,
 * servers) embed its questions once between them instead of once each. A fresh, empty file
 * per run, so a changed model or KB is never answered from an old one; the fast group and
 * `kefu build` in test/cli/cli.test.ts still embed cold.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { E2E_VECTOR_CACHE } from '../vitest.config';

export default function setup(): () => void {
  rmSync(path.dirname(E2E_VECTOR_CACHE), { recursive: true, force: true });
  mkdirSync(path.dirname(E2E_VECTOR_CACHE), { recursive: true });
  return () => rmSync(path.dirname(E2E_VECTOR_CACHE), { recursive: true, force: true });
}
