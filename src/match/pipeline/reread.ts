/**
 * Second readings of a question that may hold typos: characters typed for others of the
 * same sound, and pinyin typed among Chinese. A reading is kept only if the KB agrees with
 * it better (pipeline/rank.ts).
 */
import { isCjk } from '../../text/normalize.js';
import { charPinyin, pinyinSyllables } from '../../text/pinyin.js';
import type { TextAnalysis } from '../../text/features.js';
import type { FeatureSpace } from '../index/features.js';
import { df, onlyInExcluded, type SearchIndex } from '../index/postings.js';
import type { Exclude } from '../types.js';

/**
 * A character typed for another of the same sound (发获 for 发货, 分其 for 分期, 花被 for
 * 花呗): where two neighbouring characters never occur together in the KB but sound like a
 * KB word that does and that shares one of them, read the KB's word (the most frequent one
 * of that sound). Toneless pinyin, default readings; a few µs a question.
 */
export function correctHomophones(fs: FeatureSpace, index: SearchIndex, text: string, exclude?: Exclude): string {
  const bySound = homophones(fs, index);
  if (bySound.size === 0) return text;
  const chars = [...text];
  let changed = false;
  for (let i = 0; i + 1 < chars.length; i++) {
    const a = chars[i];
    const b = chars[i + 1];
    if (!isCjk(a) || !isCjk(b) || fs.ids.has(`b:${a}${b}`) || fs.ids.has(`w:${a}${b}`)) continue;
    const pa = charPinyin(a);
    const pb = pa && charPinyin(b);
    if (!pb) continue;
    const id = bySound.get(`${pa} ${pb}`);
    if (id === undefined || (exclude && onlyInExcluded(index, id, exclude))) continue;
    const key = fs.keys[id];
    if (key[2] !== a && key[3] !== b) continue;
    chars[i] = key[2];
    chars[i + 1] = key[3];
    changed = true;
    i++; // a corrected pair is not the start of another correction
  }
  return changed ? chars.join('') : text;
}

/**
 * Pinyin typed among Chinese (我要 tuihuo, 怎么 tuikuan): a Latin word that reads as
 * toneless pinyin, where every two syllables sound like a two-character word of the KB, is
 * read as those words (its pinyin features alone are a small part of what the KB's own
 * words carry). English words the KB knows stay as they are; so does all-pinyin input,
 * which is scored by its pinyin.
 */
export function readPinyinWords(fs: FeatureSpace, index: SearchIndex, analysis: TextAnalysis, asciiPinyin: boolean): string {
  const text = analysis.normalized;
  if (!asciiPinyin || analysis.pinyinOnly || !/[a-z]/.test(text) || !/[\u3400-\u9fff]/.test(text)) return text;
  const bySound = homophones(fs, index);
  return text.replace(/[a-z]{4,}/g, (word) => {
    if (fs.ids.has(`w:${word}`)) return word;
    const syllables = pinyinSyllables(word);
    if (!syllables || syllables.length < 2 || syllables.length % 2 === 1) return word;
    let out = '';
    for (let i = 0; i < syllables.length; i += 2) {
      const id = bySound.get(`${syllables[i]} ${syllables[i + 1]}`);
      if (id === undefined) return word;
      out += fs.keys[id].slice(2);
    }
    return out;
  });
}

/** Known two-character words by sound, kept in step with the feature keys. */
function homophones(fs: FeatureSpace, index: SearchIndex): Map<string, number> {
  const t = (fs.bySound ??= { upTo: 0, map: new Map() });
  // Per sound, the KB's most frequent two-character word. Only words: with every neighbouring
  // pair of a 10,000-question KB as a target, 44% of zh-afqmc-scale's questions got a
  // "correction" to score a second time (14% with words only), and accuracy did not gain.
  for (let id = t.upTo; id < fs.keys.length; id++) {
    const key = fs.keys[id];
    if (key.length !== 4 || key[0] !== 'w' || !isCjk(key[2]) || !isCjk(key[3])) continue;
    const pa = charPinyin(key[2]);
    const pb = pa && charPinyin(key[3]);
    if (!pb) continue;
    const sound = `${pa} ${pb}`;
    const cur = t.map.get(sound);
    if (cur === undefined || df(index, id) > df(index, cur)) t.map.set(sound, id);
  }
  t.upTo = fs.keys.length;
  return t.map;
}
