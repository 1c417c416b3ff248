/**
 * What many library tests build: small seeded models with known or random weights, random rows and
 * tensors, and synthetic datasets. One copy here, so a change to how a test model is made is one change.
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, Dataset, logisticRegression, maxoutNetwork, reluMlp, rng, softmaxRegression } from '../src/internals';

/** Logistic regression on `w.length` inputs with weights `w` and bias `b`. */
export function logisticWith(w: number[], b: number): Classifier {
  const clf = logisticRegression({ seed: 1, inputSize: w.length });
  tf.tidy(() => clf.net.setWeights([tf.tensor2d(w.map(v => [v])), tf.tensor1d([b])]));
  return clf;
}

/** `n` seeded uniform values in [lo, hi). */
export function randomValues(n: number, seed: number, lo = 0, hi = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** `n` × `d` seeded uniform values in [lo, hi), row-major. */
export function randomRows(n: number, d: number, seed: number, lo = 0, hi = 1): Float32Array {
  return Float32Array.from(randomValues(n * d, seed, lo, hi));
}

/** A tensor of the given shape with seeded uniform values in [lo, hi) (default [−1, 1)). */
export function randomTensor(shape: number[], seed: number, lo = -1, hi = 1): tf.Tensor {
  return tf.tensor(
    randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
      lo,
      hi,
    ),
    shape,
  );
}

/** `n` random rows of `d` features in [0, 1) with labels 0, 1, …, classes−1, 0, 1, … */
export function syntheticDataset(n: number, d: number, classes: number, seed: number, description = 'synthetic'): Dataset {
  return { x: randomRows(n, d, seed), y: Int32Array.from({ length: n }, (_, i) => i % classes), n, d, classes, side: 0, description };
}

/** Three-class test networks on `d` inputs, small enough to check by hand and fast on any backend. */
export const tinyMlp = (d: number) =>
  reluMlp({ seed: 3, inputSize: d, units: 8, layers: 1, classes: 3, inputDropout: 0, hiddenDropout: 0 });
export const tinyMaxout = (d: number) => maxoutNetwork({ seed: 4, inputSize: d, units: 4, pieces: 3, layers: 2, classes: 3 });
export const tinySoftmax = (d: number) => softmaxRegression({ seed: 5, inputSize: d, classes: 3 });
