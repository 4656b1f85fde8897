// Fits DEFAULT_MODEL (src/match/calibrate.ts): the calibration used by KBs without enough
// similar questions to fit their own. Pools the calibration samples of KBs that have them:
// the sample KB and the evaluation sets in ../shared/eval (read at run time, not copied),
// each KB weighted equally. Run after `npm run build`: node scripts/fit-default-calibration.mjs
import fs from 'node:fs';
import path from 'node:path';
import { createMatcher } from '../dist/index.js';
import { fitCalibration } from '../dist/internal.js';

const evalDir = process.env.KEFU_EVAL_DIR ?? path.resolve(import.meta.dirname, '../../shared/eval');
const readJsonl = (f) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const kbs = [['sample', 'knowledge-base']];
for (const set of ['zh-bq-dev', 'en-clinc-dev']) {
  const file = path.join(evalDir, set, 'kb.jsonl');
  if (fs.existsSync(file)) kbs.push([set, { faqs: readJsonl(file).map((e) => ({ ...e, answer: '-' })) }]);
}
const pooled = { xs: [], ys: [], weights: [], inScope: [] };
for (const [name, kb] of kbs) {
  // As KBs without similar questions run: no trained classifier (naive Bayes only).
  const m = await createMatcher(kb, { ablate: ['trained'] });
  const s = m.calibrationSample();
  const total = s.weights.reduce((a, b) => a + b, 0);
  s.xs.forEach((x, i) => {
    pooled.xs.push(x);
    pooled.ys.push(s.ys[i]);
    pooled.weights.push((s.weights[i] / total) * 1000);
    pooled.inScope.push(i < s.inScope);
  });
  console.error(`${name}: ${s.xs.length} samples, ${s.positive} right`);
}
const model = fitCalibration(pooled);
console.log(JSON.stringify(model));
