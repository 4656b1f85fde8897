/**
 * nodejieba, loaded lazily and once per process: its dictionary takes ~1–2 s to load on
 * first use, so it is loaded when the first bot or matcher is created, never at import.
 * It is an optional dependency: if it failed to build, kefu falls back to Intl.Segmenter.
 */
import { createRequire } from 'node:module';
import { IntlSegmenter, type KefuSegmenter } from '../text/segmenter.js';

type Jieba = typeof import('nodejieba');

let jieba: Jieba | undefined;
let loadError: Error | undefined;
let loadMs = 0;
const inserted = new Set<string>();

function loadJieba(): Jieba | undefined {
  if (jieba || loadError) return jieba;
  const t0 = performance.now();
  try {
    const require = createRequire(import.meta.url);
    const mod = require('nodejieba') as Jieba;
    mod.load(); // loads the dictionaries now rather than inside the first question
    mod.cut('预热', true);
    jieba = mod;
  } catch (err) {
    loadError = err as Error;
  }
  loadMs = performance.now() - t0;
  return jieba;
}

/** nodejieba in HMM mode (`cut(text, true)`), which keeps ASCII words such as `iPhone` whole. */
export class JiebaSegmenter implements KefuSegmenter {
  readonly name = 'nodejieba';
  private readonly jieba: Jieba;
  constructor() {
    const j = loadJieba();
    if (!j) throw new Error(`kefu: nodejieba is not available (${loadError?.message ?? 'unknown error'})`);
    this.jieba = j;
  }
  addWords(words: readonly string[]): void {
    // nodejieba's dictionary is process-wide: user words accumulate across KBs in one process.
    for (const w of words) {
      if (w.length < 2 || inserted.has(w)) continue;
      this.jieba.insertWord(w);
      inserted.add(w);
    }
  }
  cut(text: string): string[] {
    return this.jieba.cut(text, true);
  }
}

export type SegmenterChoice = 'auto' | 'nodejieba' | 'intl' | KefuSegmenter;

export interface SegmenterInfo {
  segmenter: KefuSegmenter;
  name: string;
  /** Milliseconds spent loading the dictionary in this call (0 once loaded). */
  loadMs: number;
  /** Why nodejieba was not used, when it was wanted ('auto') but failed to load. */
  fallbackReason?: string;
}

/**
 * Pick the segmenter: `auto` (default) uses nodejieba when it loads and Intl.Segmenter
 * otherwise; the env var KEFU_SEGMENTER=intl|nodejieba overrides `auto`.
 */
export function loadSegmenterSync(choice: SegmenterChoice = 'auto'): SegmenterInfo {
  if (typeof choice === 'object') return { segmenter: choice, name: choice.name, loadMs: 0 };
  const wanted = choice === 'auto' ? ((globalThis.process?.env?.KEFU_SEGMENTER as SegmenterChoice | undefined) ?? 'auto') : choice;
  if (wanted === 'intl') return { segmenter: new IntlSegmenter(), name: 'intl', loadMs: 0 };
  const before = jieba;
  const j = loadJieba();
  const ms = before ? 0 : loadMs;
  if (j) return { segmenter: new JiebaSegmenter(), name: 'nodejieba', loadMs: ms };
  if (wanted === 'nodejieba') throw new Error(`kefu: nodejieba was requested but cannot load: ${loadError?.message}`);
  return { segmenter: new IntlSegmenter(), name: 'intl', loadMs: ms, fallbackReason: loadError?.message };
}

/** Async twin of loadSegmenterSync, for symmetry with createMatcher/createBot. */
export async function loadSegmenter(choice: SegmenterChoice = 'auto'): Promise<SegmenterInfo> {
  return loadSegmenterSync(choice);
}
