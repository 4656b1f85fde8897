/**
 * The conversation cases (test/conversations/*.yaml) against the bundled KB and the example
 * shop (examples/shop/actions.mjs): real files, real segmenter, real actions. `kefu test` runs
 * the same files (test/cli/conversations-cli.test.ts).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConversationFiles } from '../../src/cli/tools/conversations.js';
import { createMatcher, loadKnowledgeBase } from '../../src/index.js';

const dir = path.resolve(__dirname, '../conversations');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f));

describe('conversation cases', () => {
  it('every conversation passes', async () => {
    const kb = await loadKnowledgeBase(path.resolve(__dirname, '../../knowledge-base'));
    const results = await runConversationFiles(files, kb, (k) => createMatcher(k));
    const failed = results.filter((r) => !r.pass).map((r) => `${path.basename(r.file)}:${r.line} ${r.name}: ${r.failure}`);
    console.log(`conversations: ${results.length - failed.length}/${results.length} passed`);
    expect(results.length).toBeGreaterThanOrEqual(40);
    expect(failed).toEqual([]);
  }, 120_000);
});
