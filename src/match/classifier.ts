/**
 * A trained classifier over each FAQ's questions: softmax regression on the TF-IDF vectors,
 * normalized over a candidate set (the FAQ itself plus the FAQs retrieval confuses it with)
 * instead of over every FAQ. That is what makes it trainable and usable at 10,000 FAQs:
 * training touches ~11 FAQs per question and a query only its ~10 candidates, where
 * natural's classifiers score every class for every query.
 *
 * Invariant: `weights[e]` is sorted by feature id; FAQs never seen in training have none
 * and score 0.
 */
import { searchSorted, type SparseVector } from './index/vectors.js';
import { runSync, type Steps } from './steps.js';

export interface ClassifierTrainingSet {
  /** Unit TF-IDF vector of each training question. */
  vectors: readonly SparseVector[];
  /** The FAQ (entry index) of each training question. */
  labels: readonly number[];
  /** For each training question: other FAQs it is easily confused with (hard negatives). */
  confusers: readonly (readonly number[])[];
  entries: number;
}

export interface SoftmaxClassifierData {
  feats: number[][];
  weights: number[][];
}

export class SoftmaxClassifier {
  private readonly feats: Int32Array[];
  private readonly weights: Float32Array[];

  private constructor(feats: Int32Array[], weights: Float32Array[]) {
    this.feats = feats;
    this.weights = weights;
  }

  /** SGD on the candidate-normalized softmax; a few epochs suffice (weights start at 0). */
  static train(set: ClassifierTrainingSet, epochs = 10, learningRate = 10): SoftmaxClassifier {
    return runSync(SoftmaxClassifier.trainSteps(set, epochs, learningRate));
  }

  /** `train`, yielding every few training questions (see steps.ts). */
  static *trainSteps(set: ClassifierTrainingSet, epochs = 10, learningRate = 10): Steps<SoftmaxClassifier> {
    const features = 1 + set.vectors.reduce((m, v) => Math.max(m, v.feats.length ? v.feats[v.feats.length - 1] : 0), 0);
    // Dense weights (entries × features) when they fit, else a map: same updates, same result.
    const dense = set.entries * features <= 16_000_000 ? new Float32Array(set.entries * features) : undefined;
    const map = dense ? undefined : new Map<number, number>();
    const get = dense ? (k: number) => dense[k] : (k: number) => map!.get(k) ?? 0;
    const add = dense ? (k: number, d: number) => void (dense[k] += d) : (k: number, d: number) => void map!.set(k, (map!.get(k) ?? 0) + d);
    const order = set.vectors.map((_, i) => i);
    const z: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const lr = learningRate / (1 + epoch);
      shuffle(order, epoch + 1);
      for (let n = 0; n < order.length; n++) {
        if ((n & 31) === 31) yield;
        const i = order[n];
        const x = set.vectors[i];
        const cands = [set.labels[i], ...set.confusers[i]];
        let max = -Infinity;
        for (let c = 0; c < cands.length; c++) {
          const base = cands[c] * features;
          let s = 0;
          for (let k = 0; k < x.feats.length; k++) s += get(base + x.feats[k]) * x.weights[k];
          z[c] = s;
          if (s > max) max = s;
        }
        let total = 0;
        for (let c = 0; c < cands.length; c++) total += (z[c] = Math.exp(z[c] - max));
        for (let c = 0; c < cands.length; c++) {
          const g = z[c] / total - (c === 0 ? 1 : 0);
          if (Math.abs(g) < 1e-4) continue;
          const base = cands[c] * features;
          for (let k = 0; k < x.feats.length; k++) add(base + x.feats[k], -lr * g * x.weights[k]);
        }
      }
    }
    yield;
    const per = Array.from({ length: set.entries }, () => [] as [number, number][]);
    if (dense) {
      for (let e = 0; e < set.entries; e++) {
        if ((e & 63) === 63) yield;
        for (let f = 0, base = e * features; f < features; f++) if (dense[base + f] !== 0) per[e].push([f, dense[base + f]]);
      }
    } else for (const [key, value] of map!) per[Math.floor(key / features)].push([key % features, value]);
    for (const list of per) list.sort((a, b) => a[0] - b[0]);
    return new SoftmaxClassifier(
      per.map((list) => Int32Array.from(list, ([f]) => f)),
      per.map((list) => Float32Array.from(list, ([, w]) => w)),
    );
  }

  static fromJSON(data: SoftmaxClassifierData): SoftmaxClassifier {
    return new SoftmaxClassifier(data.feats.map((f) => Int32Array.from(f)), data.weights.map((w) => Float32Array.from(w)));
  }

  toJSON(): SoftmaxClassifierData {
    return { feats: this.feats.map((f) => Array.from(f)), weights: this.weights.map((w) => Array.from(w)) };
  }

  /** Softmax over the given FAQs for a query vector (feature ids and their weights). */
  posterior(entries: readonly number[], queryFeats: readonly number[], queryWeights: readonly number[]): number[] {
    const z = entries.map((e) => {
      const feats = this.feats[e];
      const weights = this.weights[e];
      if (!feats || feats.length === 0) return 0;
      let s = 0;
      for (let k = 0; k < queryFeats.length; k++) {
        const i = searchSorted(feats, queryFeats[k]);
        if (i >= 0) s += weights[i] * queryWeights[k];
      }
      return s;
    });
    const max = Math.max(...z);
    const ex = z.map((v) => Math.exp(v - max));
    const total = ex.reduce((a, b) => a + b, 0);
    return ex.map((v) => v / total);
  }
}

/** Deterministic shuffle, so a KB always trains to the same weights. */
function shuffle(a: number[], seed: number): void {
  let s = seed * 2654435761;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
}
