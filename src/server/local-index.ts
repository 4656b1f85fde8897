/**
 * The index a widget in local mode answers from, for the KB the server runs (`kefu serve mykb`
 * must not hand pages the sample KB's answers). Built as a browser can run it: lexical (no
 * 24 MB model in a widget), Intl.Segmenter, FAQs only (a page has no host actions to run the
 * KB's tasks with, so their questions stay with the FAQs they stand in for). The lite form drops
 * the trained classifier's bulk: weights below 0.2 in magnitude go and the rest keep 2
 * decimals, sentence weights 4 (sample KB: 2.6 MB → 0.6 MB; 207 of its 208 test decisions stay
 * the same, bench/local-mode.mjs). scripts/build-browser-bundle.mjs writes the sample KB's copy.
 */
import { knowledgeBaseFromObject } from '../kb/from-object.js';
import type { KnowledgeBase } from '../kb/schema.js';
import { KefuMatcher } from '../match/matcher.js';
import type { SerializedIndex } from '../match/index/serialize.js';
import { loadSegmenterSync } from '../node/jieba-segmenter.js';

const LITE_MIN_WEIGHT = 0.2;
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** The full and the lite serialized index of a KB, as the widget's local mode loads them. */
export async function localModeIndex(kb: KnowledgeBase): Promise<{ index: SerializedIndex; lite: SerializedIndex; matcher: KefuMatcher }> {
  const { segmenter } = loadSegmenterSync('intl');
  // knowledgeBaseFromObject leaves out compiled task entries; with no tasks none come back
  const matcher = await KefuMatcher.buildAsync(knowledgeBaseFromObject({ ...kb, tasks: [] }), { segmenter });
  const index = matcher.toJSON();
  return { index, lite: liteIndex(index), matcher };
}

export function liteIndex(full: SerializedIndex): SerializedIndex {
  const c = full.classifier;
  const classifier = c && { feats: [] as number[][], weights: [] as number[][] };
  c?.weights.forEach((w, e) => {
    const keep = w.map((_, i) => i).filter((i) => Math.abs(w[i]!) >= LITE_MIN_WEIGHT);
    classifier!.feats.push(keep.map((i) => c.feats[e]![i]!));
    classifier!.weights.push(keep.map((i) => round(w[i]!, 2)));
  });
  return { ...full, classifier, sentences: full.sentences.map(([entry, text, feats, weights]) => [entry, text, feats, weights.map((x) => round(x, 4))]) } as SerializedIndex;
}
