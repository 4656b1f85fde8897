/** The trained softmax classifier (classifier.ts): its posterior among the candidates. */
import type { Scorer } from './scorer.js';

export const softmaxScorer: Scorer<'trained'> = {
  name: 'trained',
  stage: 'rescore',
  // Trained only when the KB has enough similar questions (build/train.ts).
  applies: ({ engine }) => engine.softmax !== undefined,
  score({ engine, query }, candidates) {
    const post = engine.softmax!.posterior(
      candidates.map((c) => c.entry),
      query.feats,
      query.weights,
    );
    candidates.forEach((c, i) => (c.trained = post[i]));
  },
};
