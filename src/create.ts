// The factory shared by the Node and browser entries (src/index.ts, src/browser.ts).
import { knowledgeBaseFromObject, type KnowledgeBaseInput } from './kb/from-object.js';
import { KefuMatcher, type KefuMatcherOptions, type SerializedIndex } from './match/matcher.js';

/** Build a matcher from an in-memory KB or restore one from a saved index (browser-safe). */
export function createMatcherFromInput(input: KnowledgeBaseInput | SerializedIndex, options: KefuMatcherOptions = {}): KefuMatcher {
  if ((input as SerializedIndex).format === 'kefu-index') return KefuMatcher.fromJSON(input, options);
  return KefuMatcher.build(knowledgeBaseFromObject(input as KnowledgeBaseInput), options);
}
