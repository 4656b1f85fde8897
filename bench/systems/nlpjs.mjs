// NLP.js 4 (node-nlp NlpManager) baseline: one intent per FAQ, its question and
// similar questions as training documents; language 'zh' or 'en'; autoSave/autoLoad
// off (no files written); training log off. Everything else default.
// As shipped: answered iff the returned intent is not 'None' (NLP.js itself turns
// any classification under its default threshold 0.5 into 'None').
// Score/candidates for top-k and the oracle: output.classifications without 'None'.
import { createRequire } from 'node:module';
import { entrySentences } from '../lib/data.mjs';

const require = createRequire(import.meta.url);

export const label = 'NLP.js';
export const packageName = 'node-nlp';
export const THRESHOLD = 0.5;

export async function create({ lang }) {
  const { NlpManager } = require('node-nlp');
  const manager = new NlpManager({
    languages: [lang],
    autoSave: false,
    autoLoad: false,
    nlu: { log: false },
  });
  const meta = { threshold: THRESHOLD };
  return {
    name: 'nlpjs',
    label,
    decides: true,
    meta,
    async prepare() {
      // NLP.js compiles its Chinese dictionary (CC-CEDICT) on first use; do it before the
      // build so that, as for kefu and MiniSearch, the dictionary is reported apart.
      if (lang !== 'zh') return;
      const t0 = performance.now();
      const tokenizer = manager.container.get(`tokenizer-${lang}`);
      if (tokenizer) tokenizer.tokenize('预热词典');
      meta.dictLoadMs = performance.now() - t0;
      meta.dictName = 'NLP.js CC-CEDICT';
    },
    async build(kb) {
      for (const e of kb) for (const s of entrySentences(e)) manager.addDocument(lang, s, e.id);
      await manager.train();
    },
    async query(text) {
      const out = await manager.process(lang, text);
      const candidates = (out.classifications || [])
        .filter((c) => c.intent !== 'None')
        .map((c) => ({ id: c.intent, score: c.score }));
      const answered = out.intent !== 'None' && out.score >= THRESHOLD;
      return {
        type: answered ? 'answer' : 'fallback',
        id: answered ? out.intent : candidates[0]?.id ?? null,
        score: candidates[0]?.score ?? 0,
        candidates,
      };
    },
  };
}
