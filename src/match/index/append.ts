/**
 * Hot updates: questions and FAQs added to a running engine without a rebuild. IDF, the
 * trained classifier and the calibration keep their built values until consolidation.
 */
import { KefuError } from '../../errors.js';
import type { KefuFaq } from '../../kb/schema.js';
import { familyOf } from '../../text/features.js';
import { normalize } from '../../text/normalize.js';
import { SynonymTable } from '../../text/synonyms.js';
import { enabled, type Engine } from '../engine.js';
import { nbCounts } from '../scorers/naive-bayes.js';
import { compileRulesOf } from '../scorers/rules.js';
import { NB_FAMILIES, rawWeight, intern } from './features.js';
import { appendFlat, pinyinNormOf } from './flat.js';
import { idfOf, toUnitVector, type IndexedSentence } from './vectors.js';

const compactOf = (q: string) => normalize(q).replace(/ /g, '');

/** Add questions to an FAQ; returns the ones that were new (by normalized text). */
export function appendQuestions(engine: Engine, faqId: string, questions: readonly string[]): string[] {
  const e = engine.faqIndex.get(faqId);
  if (e === undefined) throw new KefuError('unknown-faq', `kefu: no FAQ "${faqId}" in this index`);
  const faq = engine.kb.faqs[e];
  const have = new Set([faq.question, ...faq.similar].map(compactOf));
  const fresh = questions.filter((q) => {
    const k = compactOf(q);
    if (!k || have.has(k)) return false;
    have.add(k);
    return true;
  });
  if (fresh.length === 0) return fresh;
  faq.similar = [...faq.similar, ...fresh];
  appendSentences(engine, e, fresh);
  return fresh;
}

/** Add a whole FAQ, with its category's `handoff` and `priority` defaults; returns the stored copy. */
export function appendFaq(engine: Engine, faq: KefuFaq): KefuFaq {
  if (engine.faqIndex.has(faq.id)) throw new KefuError('duplicate-id', `kefu: FAQ "${faq.id}" is already in this index`);
  const stored: KefuFaq = { ...faq, similar: [...(faq.similar ?? [])] };
  const category = stored.category === undefined ? undefined : engine.kb.categories.find((c) => c.id === stored.category);
  if (category) {
    stored.handoff ??= category.handoff;
    stored.priority ??= category.priority;
  }
  engine.kb.faqs.push(stored);
  const e = engine.kb.faqs.length - 1;
  engine.faqIndex.set(stored.id, e);
  engine.index.entries.push({ sentences: [] });
  engine.nb.set(e, nbCounts(engine.index, engine.features, []));
  compileRulesOf(engine.rules, stored, e, new SynonymTable(engine.kb.synonyms), enabled(engine, 'pattern'));
  appendSentences(engine, e, [stored.question, ...stored.similar]);
  return stored;
}

function appendSentences(engine: Engine, e: number, texts: readonly string[]): void {
  const { index, features: fs } = engine;
  const n = index.sentences.length + texts.length;
  const added: IndexedSentence[] = texts.map((text) => {
    const raw = new Map<number, number>();
    for (const [key, tf] of engine.extractor.analyze(text).features) {
      const { id, added: isNew } = intern(fs, key);
      if (isNew) {
        fs.nbFeature.push(NB_FAMILIES.has(key[0]));
        const idf = new Float64Array(fs.keys.length);
        idf.set(fs.idf);
        idf[id] = idfOf(1, n, familyOf(key));
        fs.idf = idf;
      }
      raw.set(id, rawWeight(fs, id, tf));
    }
    return { ...toUnitVector(raw), entry: e, text };
  });
  const first = index.sentences.length;
  index.sentences.push(...added);
  appendFlat(index, first);
  added.forEach((s, k) => {
    const d = first + k;
    index.entries[e].sentences.push(d);
    for (let i = 0; i < s.feats.length; i++) {
      let list = index.extra.get(s.feats[i]);
      if (!list) index.extra.set(s.feats[i], (list = { docs: [], weights: [] }));
      list.docs.push(d);
      list.weights.push(s.weights[i]);
    }
  });
  fs.nbVocab = Math.max(1, fs.nbFeature.filter(Boolean).length);
  engine.nb.set(e, nbCounts(index, fs, index.entries[e].sentences));
  index.compacts.push(...added.map((s) => compactOf(s.text)));
  const norms = new Float64Array(index.sentences.length);
  norms.set(index.pinyinNorm);
  added.forEach((s, k) => (norms[first + k] = pinyinNormOf(fs.keys, s)));
  index.pinyinNorm = norms;
}
