/**
 * bge-small-zh-v1.5 (int8 ONNX) on onnxruntime-node: WordPiece ids in, the [CLS] token's
 * last hidden state out, L2-normalized — bge's own pooling (FlagEmbedding encodes with
 * pooling_method "cls" and normalize_embeddings=True; the bge query instruction prefix is not
 * used: it lowered top-1 on zh-bq-dev from 0.382 to 0.320).
 */
import { createRequire } from 'node:module';
import type { Embedder } from './embedder.js';
import { normalize } from './embedder.js';
import { BGE_SMALL_ZH, readModelFiles } from './model.js';
import { WordPieceTokenizer } from './tokenizer.js';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

export interface OnnxEmbedderOptions {
  /** Model folder (default: the bundled one; env KEFU_MODEL_DIR). */
  modelDir?: string;
  /**
   * Texts per forward pass (default 1). The int8 model quantizes its activations with one
   * range per tensor, so a text's vector shifts with its batch companions (cosine 0.991 to
   * itself alone): one text a pass keeps every vector a function of its text, which the
   * vector cache, hot updates and consolidation rely on (reuse by text hash). Batches of 8
   * save ~40% CPU on a cold build; pass a larger size where that matters more.
   */
  batchSize?: number;
  /** Threads inside one forward pass (default 1: latency per question, and the host's other work). */
  threads?: number;
  /**
   * Longest input in tokens (default 128: FAQ questions are short; a longer text is cut, which
   * also bounds the cost of a pasted essay).
   */
  maxTokens?: number;
}

let ort: Ort | undefined;
let ortError: Error | undefined;

/** onnxruntime-node, loaded once; undefined (with the reason in `ortLoadError()`) when missing. */
export function loadOrt(): Ort | undefined {
  if (ort || ortError) return ort;
  try {
    ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;
  } catch (err) {
    ortError = err as Error;
  }
  return ort;
}

export function ortLoadError(): string | undefined {
  return ortError?.message.split('\n')[0];
}

/** The name `OnnxEmbedder.create()` gives the bundled model on this runtime, without loading the model (undefined without onnxruntime-node). */
export function bundledEmbedderName(): string | undefined {
  const rt = loadOrt();
  return rt && `${BGE_SMALL_ZH.name} int8 on onnxruntime-node ${(rt.env as { versions?: { common?: string } }).versions?.common ?? 'unknown'}`;
}

export class OnnxEmbedder implements Embedder {
  readonly name: string;
  readonly dim = BGE_SMALL_ZH.dim;
  private constructor(
    private readonly ort: Ort,
    private readonly session: Session,
    private readonly tokenizer: WordPieceTokenizer,
    private readonly batchSize: number,
  ) {
    this.name = bundledEmbedderName()!;
  }

  /** Load the model (checks its sha256) into an onnxruntime-node session; ~1 s. */
  static async create(options: OnnxEmbedderOptions = {}): Promise<OnnxEmbedder> {
    const rt = loadOrt();
    if (!rt) throw new Error(`kefu: onnxruntime-node is not available (${ortLoadError()})`);
    const files = readModelFiles(options.modelDir);
    const tokenizer = WordPieceTokenizer.fromVocabText(files.vocabText, { maxLength: Math.min(options.maxTokens ?? 128, BGE_SMALL_ZH.maxLength) });
    const threads = options.threads ?? 1;
    const session = await rt.InferenceSession.create(files.model, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    return new OnnxEmbedder(rt, session, tokenizer, options.batchSize ?? 1);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const out = new Array<Float32Array>(texts.length);
    // Similar lengths share a batch, so little of each pass is padding.
    const encoded = texts.map((t, i) => ({ i, ids: this.tokenizer.encode(t) })).sort((a, b) => a.ids.length - b.ids.length);
    for (let start = 0; start < encoded.length; start += this.batchSize) {
      const batch = encoded.slice(start, start + this.batchSize);
      const vectors = await this.forward(batch.map((b) => b.ids));
      batch.forEach((b, k) => (out[b.i] = vectors[k]!));
    }
    return out;
  }

  private async forward(batch: number[][]): Promise<Float32Array[]> {
    const rows = batch.length;
    const cols = Math.max(...batch.map((ids) => ids.length));
    const ids = new BigInt64Array(rows * cols);
    const mask = new BigInt64Array(rows * cols);
    batch.forEach((seq, r) => seq.forEach((id, c) => {
      ids[r * cols + c] = BigInt(id);
      mask[r * cols + c] = 1n;
    }));
    const shape = [rows, cols];
    const feeds: Record<string, InstanceType<Ort['Tensor']>> = {
      input_ids: new this.ort.Tensor('int64', ids, shape),
      attention_mask: new this.ort.Tensor('int64', mask, shape),
    };
    if (this.session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new this.ort.Tensor('int64', new BigInt64Array(rows * cols), shape);
    const result = await this.session.run(feeds);
    const hidden = result[this.session.outputNames[0]!]!;
    const data = hidden.data as Float32Array;
    const dim = hidden.dims[2]!;
    const vectors: Float32Array[] = [];
    for (let r = 0; r < rows; r++) vectors.push(normalize(data.slice(r * cols * dim, r * cols * dim + dim)));
    return vectors;
  }
}
