/**
 * nodejieba, loaded lazily and once per process: its dictionary takes ~1–2 s to load on
 * first use, so it is loaded when the first bot or matcher is created, never at import.
 * It is an optional dependency: if it failed to build, kefu falls back to Intl.Segmenter and
 * says so once (a process warning with code KEFU_NO_NODEJIEBA; the CLI prints one line).
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
    const e = err as Error & { code?: string };
    // Say which of the two usual cases it is: not installed at all, or installed without its native part.
    if (e.code === 'MODULE_NOT_FOUND' && /'nodejieba'/.test(e.message)) loadError = new Error('the optional dependency nodejieba is not installed', { cause: e });
    else if (e.code === 'BINDING_NOT_FOUND') loadError = new Error('nodejieba is installed but its native module was not built (its install script failed or was skipped)', { cause: e });
    else loadError = e;
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

/** Segmentation without nodejieba differs (answers may change), so the fallback is said once per process. */
export const FALLBACK_WARNING_CODE = 'KEFU_NO_NODEJIEBA';
let noticeGiven = false;
let notify = (message: string): void => {
  process.emitWarning(message, { code: FALLBACK_WARNING_CODE });
};

/** @internal The CLI prints the notice its own way (one plain stderr line). */
export function onSegmenterFallback(handler: (message: string) => void): void {
  notify = handler;
}

function fallbackNotice(reason: string): void {
  if (noticeGiven) return;
  noticeGiven = true;
  notify(
    `nodejieba is not available (${reason.split('\n')[0]}); kefu segments Chinese with Intl.Segmenter instead, ` +
      'so some answers differ from a build with nodejieba. To get it: with g++, make and python3 installed, run ' +
      '`npm_config_yes=true npm install nodejieba` (its install script calls npx); to choose the fallback on purpose, set KEFU_SEGMENTER=intl.',
  );
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
  const reason = loadError?.message ?? 'unknown error';
  fallbackNotice(reason);
  return { segmenter: new IntlSegmenter('zh', `nodejieba unavailable: ${reason.split('\n')[0]}`), name: 'intl', loadMs: ms, fallbackReason: reason };
}

/** Async twin of loadSegmenterSync, for symmetry with createMatcher/createBot. */
export async function loadSegmenter(choice: SegmenterChoice = 'auto'): Promise<SegmenterInfo> {
  return loadSegmenterSync(choice);
}
