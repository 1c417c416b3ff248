// Margins of a binary model (notebook 04): y·(wᵀx + b) with y = ±1, and unclipped FGSM flips exactly
// the examples whose margin is below ε‖w‖₁.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Dataset,
  logisticRegression,
  softmaxRegression,
  binaryMargins,
  fgsmDataset,
  evaluate,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const W = [0.9, -1.3, 0.4, -0.2, 1.7, -0.8];
function data(n: number, seed: number): Dataset {
  const r = rng(seed);
  return {
    x: Float32Array.from({ length: n * 6 }, () => r()),
    y: Int32Array.from({ length: n }, () => (r() < 0.5 ? 0 : 1)),
    n,
    d: 6,
    classes: 2,
    side: 0,
    description: 'tiny',
  };
}

test('binaryMargins = y·(wᵀx + b), and FGSM (unclipped) flips exactly the margins below ε‖w‖₁', () => {
  const clf = logisticRegression({ seed: 1, inputSize: 6 });
  tf.tidy(() => clf.net.setWeights([tf.tensor2d(W.map(v => [v])), tf.tensor1d([0.2])]));
  const ds = data(50, 3);
  const before = tf.memory().numTensors;
  const m = binaryMargins(clf, ds);
  assert.equal(tf.memory().numTensors, before);
  for (let i = 0; i < ds.n; i++) {
    const z = W.reduce((s, w, j) => s + w * ds.x[i * 6 + j], 0.2);
    assert.ok(Math.abs(m[i] - (2 * ds.y[i] - 1) * z) < 1e-5);
  }
  const l1 = W.reduce((s, w) => s + Math.abs(w), 0);
  for (const eps of [0.05, 0.2, 0.5]) {
    const predicted = m.filter(v => v < eps * l1).length / ds.n;
    assert.ok(Math.abs(evaluate(clf, fgsmDataset(clf, ds, eps, { clip: false })).error - predicted) < 1e-9, `ε = ${eps}`);
  }
});

test('binaryMargins refuses a softmax model and a 10-class dataset', () => {
  assert.throws(() => binaryMargins(softmaxRegression({ seed: 1, inputSize: 6, classes: 2 }), data(3, 1)), /binary model/);
  assert.throws(
    () => binaryMargins(logisticRegression({ seed: 1, inputSize: 6 }), { ...data(3, 1), classes: 10 }),
    /digits\(ds, \[3, 7\]\)/,
  );
});
