/**
 * The paper's control for adversarial training (§6): the same objective J̃ with the FGSM point
 * replaced by x plus uniform noise in [−ε, ε]ᵈ (clipped to [0, 1]), a fresh draw per batch. A
 * model trained this way sees perturbations of the same max-norm that ignore the model.
 * Pass the result as `TrainOptions.adversarialExamples` (α comes from `adversarial.alpha`).
 * @see notebooks/08-the-rest-of-the-lecture.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '../models/classifier';
import { addNoise } from '../attacks/noise';
import { checkEpsilon } from '../core/checks';
import { checkSeed, childSeed } from '../core/random';

export function uniformNoiseTrainingPoints(epsilon: number, seed: number) {
  checkEpsilon(epsilon);
  checkSeed(seed);
  const points = (_clf: Classifier, x: tf.Tensor2D, _y: tf.Tensor1D, at: { epoch: number; batch: number }): tf.Tensor2D =>
    addNoise(x, epsilon, 'uniform', childSeed(seed, `${at.epoch}:${at.batch}`));
  return Object.assign(points, { toJSON: () => ({ points: 'uniform noise', epsilon, seed }) });
}
