// Scores along a line x + ε·d (the paper's Fig. 4): exactly linear in ε for a linear model.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  logitsAlongLine,
  softmaxRegression,
  logisticRegression,
  lossFromLogits,
  epsilonRange,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const D = 8,
  C = 3;
const r = rng(1);
const W = Array.from({ length: D }, () => Array.from({ length: C }, () => r() * 2 - 1));
const B = [0.1, -0.2, 0.3];
const X = Array.from({ length: D }, () => r());
const DIR = Array.from({ length: D }, () => (r() < 0.5 ? -1 : 1));

function known() {
  const clf = softmaxRegression({ seed: 1, inputSize: D, classes: C });
  tf.tidy(() => clf.net.setWeights([tf.tensor2d(W), tf.tensor1d(B)]));
  return clf;
}

test('on a linear model the logits are z(x) + ε·Wᵀd, exactly linear in ε', () => {
  const clf = known(),
    eps = epsilonRange(-1, 1, 21);
  const x = tf.tensor1d(X),
    d = tf.tensor1d(DIR);
  const scan = logitsAlongLine(clf, x, d, eps);
  assert.deepEqual(scan.epsilons, eps);
  assert.equal(scan.logits.length, eps.length);
  for (let k = 0; k < eps.length; k++)
    for (let c = 0; c < C; c++) {
      let z = B[c];
      for (let i = 0; i < D; i++) z += W[i][c] * (X[i] + eps[k] * DIR[i]);
      assert.ok(Math.abs(scan.logits[k][c] - z) < 1e-5, `ε ${eps[k]}, class ${c}: ${scan.logits[k][c]} vs ${z}`);
    }
  // Second differences vanish.
  for (let k = 1; k < eps.length - 1; k++)
    for (let c = 0; c < C; c++) {
      assert.ok(Math.abs(scan.logits[k + 1][c] - 2 * scan.logits[k][c] + scan.logits[k - 1][c]) < 1e-5);
    }
  scan.logits.forEach((row, k) => assert.equal(scan.predictions[k], row.indexOf(Math.max(...row))));
  for (let k = 0; k < eps.length; k++)
    for (let i = 0; i < D; i++) {
      assert.ok(Math.abs(scan.inputs[k * D + i] - (X[i] + eps[k] * DIR[i])) < 1e-6, 'inputs are x + ε·d, unclipped');
    }
  assert.equal(scan.loss, undefined);
  tf.dispose([x, d]);
});

test('clip keeps the points in [0, 1]; a label adds the loss along the line', () => {
  const clf = known(),
    eps = [0, 0.5, 1];
  const x = tf.tensor2d([X]),
    d = tf.tensor2d([DIR]);
  const scan = logitsAlongLine(clf, x, d, eps, { clip: true, label: 2 });
  assert.ok(scan.inputs.every(v => v >= 0 && v <= 1));
  const want = tf.tidy(() => lossFromLogits('softmax', tf.tensor2d(scan.logits), tf.tensor1d([2, 2, 2], 'int32'), C).dataSync());
  scan.loss!.forEach((l, k) => assert.ok(Math.abs(l - want[k]) < 1e-6));
  const bin = logisticRegression({ seed: 2, inputSize: D });
  const s2 = logitsAlongLine(bin, x, d, [0, 0.1]);
  assert.equal(s2.logits[0].length, 1, 'binary: one score per point');
  tf.dispose([x, d]);
});

test('bad input: wrong sizes, non-finite ε', () => {
  const clf = known();
  const x = tf.tensor1d(X),
    d = tf.tensor1d(DIR);
  const before = tf.memory().numTensors;
  assert.throws(
    () =>
      tf.tidy(() => {
        logitsAlongLine(clf, x, tf.zeros([D + 1]), [0]);
      }),
    /^Error: logitsAlongLine: direction has 9 entries, expected 8\.$/,
  );
  assert.throws(
    () =>
      tf.tidy(() => {
        logitsAlongLine(clf, tf.zeros([D - 1]), d, [0]);
      }),
    /^Error: logitsAlongLine: x has 7 features per row, the model expects 8\./,
  );
  assert.throws(() => logitsAlongLine(clf, x, d, [0, NaN]), /^Error: logitsAlongLine: every ε must be a finite number\.$/);
  assert.throws(() => logitsAlongLine(clf, x, d, [Infinity]), /every ε must be a finite number/);
  assert.equal(tf.memory().numTensors, before, 'refused calls leave no tensors');
  tf.dispose([x, d]);
});
