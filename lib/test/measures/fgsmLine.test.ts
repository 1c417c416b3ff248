// The FGSM line scan (notebook 06): predictions along x + ε·sign(∇ₓJ) match a direct computation,
// wrong runs are counted as maximal stretches, contiguity means one or two runs, no tensor leaks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Dataset,
  scanFgsmLine,
  wrongRuns,
  scanRow,
  lineContiguity,
  inputGradient,
  predict,
  exactSign,
} from '../../src/internals';
import { tinyMlp as helperMlp } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 10;
function tinyData(n: number, seed: number): Dataset {
  const r = rng(seed);
  return {
    x: Float32Array.from({ length: n * D }, () => r()),
    y: Int32Array.from({ length: n }, () => Math.floor(r() * 3)),
    n,
    d: D,
    classes: 3,
    side: 0,
    description: 'tiny',
  };
}
const tinyMlp = () => helperMlp(D);

test('wrongRuns: maximal runs of wrong predictions, as grid indices', () => {
  assert.deepEqual(wrongRuns([3, 3, 5, 5, 3, 2, 3], 3), [
    { from: 2, to: 3 },
    { from: 5, to: 5 },
  ]);
  assert.deepEqual(wrongRuns([1, 1], 1), []);
  assert.deepEqual(wrongRuns([0, 2, 2], 1), [{ from: 0, to: 2 }]);
  assert.deepEqual(wrongRuns([], 1), []);
});

test('scanFgsmLine equals predicting x + ε·sign(∇ₓJ) directly, for every ε, and leaks no tensors', () => {
  const clf = tinyMlp(),
    ds = tinyData(7, 1),
    eps = [-0.5, -0.1, 0, 0.2, 0.9];
  const before = tf.memory().numTensors;
  const scan = scanFgsmLine(clf, ds, eps, { batchSize: 3 });
  assert.equal(tf.memory().numTensors, before);
  const x = tf.tensor2d(ds.x, [ds.n, D]),
    y = tf.tensor1d(ds.y, 'int32');
  const d = tf.tidy(() => exactSign(inputGradient(clf, x, y)));
  eps.forEach((e, k) => {
    const p = tf.tidy(() => predict(clf, tf.add(x, tf.mul(d, e)) as tf.Tensor2D)).dataSync();
    for (let i = 0; i < ds.n; i++) assert.equal(scanRow(scan, i)[k], p[i], `example ${i}, ε = ${e}`);
  });
  tf.dispose([x, y, d]);
});

test('lineContiguity: one or two runs are contiguous, three are pockets', () => {
  const scan = {
    epsilons: [-2, -1, 0, 1, 2],
    labels: Int32Array.from([0, 0, 0, 0]),
    n: 4,
    clip: false,
    predictions: Int32Array.from([0, 0, 0, 1, 1, /**/ 1, 0, 0, 0, 1, /**/ 1, 0, 1, 0, 1, /**/ 0, 0, 0, 0, 0]),
  };
  const c = lineContiguity(scan);
  assert.equal(c.everWrong, 3);
  assert.equal(c.contiguous, 2);
  assert.equal(c.fractionContiguous, 2 / 3);
  assert.deepEqual(c.runsPerExample, [1, 1, 1, 1]);
  assert.equal(c.meanWrongFractionPositive, (1 + 0.5 + 0.5) / 3);
});

test('scanFgsmLine refuses a bad grid with a clear message', () => {
  const clf = tinyMlp(),
    ds = tinyData(2, 2);
  assert.throws(() => scanFgsmLine(clf, ds, [0.1]), /at least two ε values/);
  assert.throws(() => scanFgsmLine(clf, ds, [0.2, 0.1]), /strictly ascending/);
  assert.throws(() => scanFgsmLine(clf, ds, [0, NaN]), /finite/);
});
