import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh temp folder holding the given files (relative path → content). */
export function tempKb(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-test-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export const repoRoot = path.resolve(__dirname, '..');
export const sampleKb = path.join(repoRoot, 'knowledge-base');
export const cli = path.join(repoRoot, 'dist/cli/main.js');

/**
 * CPU time of this process in ms. Speed checks measure this rather than wall time: on a
 * busy machine other processes stretch wall time many-fold but barely move CPU time.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
