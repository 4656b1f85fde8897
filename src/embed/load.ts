/**
 * Which embedding path runs in this process, chosen once: the bundled model on
 * onnxruntime-node, or none (lexical matching) when the runtime or the model is missing —
 * said once on stderr, never silently, and reported by `embeddingInfo()` for
 * `kefu match --debug`, the bot's info and the bench notes. With KEFU_REQUIRE_SEMANTIC=1 a
 * missing runtime or model is an error instead (this project's CI sets it, to prove the
 * semantic path ran; a deployment that must never match lexically can too). CI=true alone does
 * not: an app's own CI that installed kefu without onnxruntime-node keeps working.
 */
import type { Embedder } from './embedder.js';
import { OnnxEmbedder, type OnnxEmbedderOptions } from './onnx-embedder.js';

/** `auto` (default): the bundled model when it loads; `off`: lexical only; or your own embedder. */
export type EmbedderChoice = 'auto' | 'off' | Embedder;

export interface EmbeddingInfo {
  /** `onnxruntime-node`, `custom` (an embedder you passed), or `lexical` (no semantic signal). */
  path: 'onnxruntime-node' | 'custom' | 'lexical';
  /** The embedder's name (model and runtime), when there is one. */
  name?: string;
  /** Why the semantic signal is off: `--no-semantic` / `semantic: false`, or the load error. */
  reason?: string;
  /** Milliseconds this process spent loading the model (0 once loaded). */
  loadMs: number;
}

let shared: Promise<OnnxEmbedder> | undefined;
let warned = false;

export interface LoadedEmbedder {
  embedder?: Embedder;
  info: EmbeddingInfo;
}

/**
 * Resolve an embedder choice. The bundled model loads once per process and is shared (a
 * session is ~75 MB); a load failure falls back to lexical matching with one warning.
 */
export async function loadEmbedder(choice: EmbedderChoice = 'auto', options: OnnxEmbedderOptions & { warn?: (msg: string) => void } = {}): Promise<LoadedEmbedder> {
  if (choice === 'off') return { info: { path: 'lexical', reason: 'semantic matching switched off', loadMs: 0 } };
  if (typeof choice === 'object') return { embedder: choice, info: { path: 'custom', name: choice.name, loadMs: 0 } };
  const custom = options.modelDir !== undefined || options.threads !== undefined || options.batchSize !== undefined || options.maxTokens !== undefined;
  const t0 = performance.now();
  const wasLoaded = shared !== undefined && !custom;
  try {
    const embedder = await (custom ? OnnxEmbedder.create(options) : (shared ??= OnnxEmbedder.create()));
    return { embedder, info: { path: 'onnxruntime-node', name: embedder.name, loadMs: wasLoaded ? 0 : performance.now() - t0 } };
  } catch (err) {
    if (!custom) shared = undefined;
    const reason = (err as Error).message.replace(/^kefu: /, '');
    if (globalThis.process?.env?.KEFU_REQUIRE_SEMANTIC === '1') throw err;
    if (!warned) {
      warned = true;
      (options.warn ?? ((m: string) => console.warn(m)))(`kefu: semantic matching is off, matching lexically: ${reason}`);
    }
    return { info: { path: 'lexical', reason, loadMs: performance.now() - t0 } };
  }
}
