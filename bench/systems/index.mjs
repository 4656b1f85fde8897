// Registry of the systems the runner knows, in report order.
export const SYSTEMS = {
  kefu: () => import('./kefu.mjs'),
  nlpjs: () => import('./nlpjs.mjs'),
  minisearch: () => import('./minisearch.mjs'),
  fuse: () => import('./fuse.mjs'),
};
export const LABELS = { kefu: 'kefu', nlpjs: 'NLP.js', minisearch: 'MiniSearch', fuse: 'fuse.js' };
export const SYSTEM_NAMES = Object.keys(SYSTEMS);
