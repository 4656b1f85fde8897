/**
 * Where the bundled sentence-embedding model lives, and the check that it is the file we
 * measured. The model travels inside the kefu package (models/bge-small-zh-v1.5/, with its
 * MIT notices), so a fresh clone or install matches semantically without any model hub.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BGE_SMALL_ZH = {
  name: 'bge-small-zh-v1.5',
  folder: 'models/bge-small-zh-v1.5',
  file: 'model_quantized.onnx',
  bytes: 24_010_842,
  sha256: '15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc',
  dim: 512,
  maxLength: 512,
} as const;

export interface ModelFiles {
  dir: string;
  model: Uint8Array;
  vocabText: string;
}

/**
 * The model folder: `dir` if given, else KEFU_MODEL_DIR, else the package's own models/
 * folder found by walking up from this module (src/embed/ in the repo, dist/ when installed).
 */
export function findModelDir(dir?: string): string {
  const explicit = dir ?? globalThis.process?.env?.KEFU_MODEL_DIR;
  if (explicit) return resolve(explicit);
  let here = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(here, BGE_SMALL_ZH.folder);
    if (existsSync(join(candidate, BGE_SMALL_ZH.file))) return candidate;
    here = dirname(here);
  }
  throw new Error(`kefu: the embedding model is missing: no ${BGE_SMALL_ZH.folder}/${BGE_SMALL_ZH.file} above ${dirname(fileURLToPath(import.meta.url))} (set KEFU_MODEL_DIR, or reinstall kefu)`);
}

/** Read the model and vocabulary, refusing a model file whose size or sha256 differs. */
export function readModelFiles(dir?: string): ModelFiles {
  const folder = findModelDir(dir);
  const path = join(folder, BGE_SMALL_ZH.file);
  if (!existsSync(path)) throw new Error(`kefu: the embedding model is missing: ${path} does not exist`);
  const model = readFileSync(path);
  if (model.byteLength !== BGE_SMALL_ZH.bytes) {
    throw new Error(`kefu: the embedding model ${path} has ${model.byteLength} bytes, expected ${BGE_SMALL_ZH.bytes} (truncated or replaced; a Git LFS pointer?)`);
  }
  const sha = createHash('sha256').update(model).digest('hex');
  if (sha !== BGE_SMALL_ZH.sha256) throw new Error(`kefu: the embedding model ${path} has sha256 ${sha}, expected ${BGE_SMALL_ZH.sha256} (corrupted or replaced)`);
  const vocabPath = join(folder, 'vocab.txt');
  if (!existsSync(vocabPath)) throw new Error(`kefu: the embedding model's vocabulary is missing: ${vocabPath} does not exist`);
  return { dir: folder, model, vocabText: readFileSync(vocabPath, 'utf8') };
}
