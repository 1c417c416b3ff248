// No public tensor function leaks: tf.memory().numTensors is the same before and after each call
// (after disposing what the call returns), for every model family.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Classifier,
  logisticRegression,
  softmaxRegression,
  maxoutNetwork,
  reluMlp,
  rbfNetwork,
  fgsm,
  fgsmDataset,
  evaluate,
  epsilonSweep,
  train,
  logitsAlongLine,
  transferMatrix,
  noiseDataset,
  addNoise,
  logits,
  probabilities,
  predict,
  loss,
  inputGradient,
  logisticAdversarialLoss,
  adversarialObjective,
  l1Penalty,
  worstCasePerturbation,
  taylorLossChange,
} from '../src/internals';
import { syntheticDataset } from './helpers';

before(async () => {
  await initBackend();
});

const D = 12,
  C = 3;
const data = (n: number, classes: number, seed: number) => syntheticDataset(n, D, classes, seed);
const models = (): Classifier[] => [
  softmaxRegression({ seed: 1, inputSize: D, classes: C }),
  maxoutNetwork({ seed: 2, inputSize: D, units: 4, pieces: 3, classes: C }),
  reluMlp({ seed: 3, inputSize: D, units: 5, classes: C }),
  rbfNetwork({ seed: 4, inputSize: D, classes: C }),
];

/** Asserts that `f` (run twice: once to warm up lazily built state) leaves the tensor count unchanged. */
function noLeak(what: string, f: () => unknown) {
  const run = () => {
    const out = f();
    tf.dispose(out as tf.TensorContainer);
  };
  run();
  const before = tf.memory().numTensors;
  run();
  assert.equal(tf.memory().numTensors, before, `${what} leaked ${tf.memory().numTensors - before} tensor(s)`);
}

test('attacks and measures leak nothing, for every model family', () => {
  const ds = data(30, C, 1),
    x = tf.tensor2d(ds.x.subarray(0, 5 * D), [5, D]),
    y = tf.tensor1d(ds.y.subarray(0, 5), 'int32');
  const t = tf.tensor1d([1, 2, 0, 1, 2], 'int32'),
    x0 = tf.tensor1d(ds.x.subarray(0, D)),
    dir = tf.ones([D]);
  for (const clf of models()) {
    const n = clf.name;
    noLeak(`${n}: logits`, () => logits(clf, x));
    noLeak(`${n}: probabilities`, () => probabilities(clf, x));
    noLeak(`${n}: predict`, () => predict(clf, x));
    noLeak(`${n}: loss`, () => loss(clf, x, y));
    noLeak(`${n}: inputGradient`, () => inputGradient(clf, x, y));
    noLeak(`${n}: fgsm`, () => fgsm(clf, x, y, 0.1));
    noLeak(`${n}: targeted fgsm`, () => fgsm(clf, x, y, 0.1, { target: t }));
    noLeak(`${n}: fgsmDataset`, () => {
      fgsmDataset(clf, ds, 0.1, { batchSize: 7 });
    });
    noLeak(`${n}: targeted fgsmDataset`, () => {
      fgsmDataset(clf, ds, 0.1, { targets: new Int32Array(ds.n).fill(1) });
    });
    noLeak(`${n}: evaluate`, () => {
      evaluate(clf, ds, 8);
    });
    noLeak(`${n}: epsilonSweep`, () => {
      epsilonSweep(clf, ds, [0, 0.1, 0.25]);
    });
    noLeak(`${n}: logitsAlongLine`, () => {
      logitsAlongLine(clf, x0, dir, [0, 0.5], { label: 1, clip: true });
    });
    noLeak(`${n}: adversarialObjective`, () => tf.tidy(() => adversarialObjective(clf, x, tf.add(x, 0.1) as tf.Tensor2D, y)));
    noLeak(`${n}: l1Penalty`, () => l1Penalty(clf, 0.01));
  }
  tf.dispose([x, y, t, x0, dir]);
});

test('transferMatrix, noise and the linear helpers leak nothing', () => {
  const ds = data(20, C, 2),
    ms = models();
  noLeak('transferMatrix', () => {
    transferMatrix(ms, ds, 0.2);
  });
  noLeak('noiseDataset (sign)', () => {
    noiseDataset(ds, 0.1, 'sign', 1);
  });
  noLeak('noiseDataset (uniform)', () => {
    noiseDataset(ds, 0.1, 'uniform', 1);
  });
  const x = tf.tensor2d(ds.x.subarray(0, 4 * D), [4, D]);
  noLeak('addNoise', () => addNoise(x, 0.1, 'sign', 3));
  noLeak('worstCasePerturbation', () => worstCasePerturbation(x, 0.1));
  noLeak('taylorLossChange', () => taylorLossChange(x, x));
  const lr = logisticRegression({ seed: 5, inputSize: D });
  const y2 = tf.tensor1d([0, 1, 0, 1], 'int32');
  noLeak('logisticAdversarialLoss', () => logisticAdversarialLoss(lr, x, y2, 0.1));
  tf.dispose([x, y2]);
});

test('training leaks nothing: plain, dropout, adversarial, early stopping, L1, SGD, closed-form logistic', () => {
  const ds = data(40, C, 3),
    val = data(12, C, 4),
    bin = data(40, 2, 5);
  const [, maxout, , rbf] = models();
  noLeak('train maxout (dropout, adversarial, early stopping)', () => {
    train(maxout, ds, {
      seed: 1,
      epochs: 2,
      batchSize: 16,
      validation: val,
      adversarial: { epsilon: 0.1 },
      earlyStopping: { patience: 1 },
    });
  });
  noLeak('train rbf (SGD, L1, cosine)', () => {
    train(rbf, ds, { seed: 1, epochs: 2, batchSize: 16, optimizer: 'sgd', l1: 1e-3, schedule: 'cosine' });
  });
  const lr = logisticRegression({ seed: 6, inputSize: D });
  noLeak('train logistic (closed-form adversarial loss)', () => {
    train(lr, bin, { seed: 1, epochs: 1, batchSize: 16, logisticAdversarialEpsilon: 0.1, validation: data(10, 2, 6) });
  });
});
