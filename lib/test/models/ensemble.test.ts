// ensembleClassifier: probabilities are the members' mean; one member is that member; attacks
// can differentiate it; bad members are refused by name; no leaks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  softmaxRegression,
  rbfNetwork,
  maxoutNetwork,
  ensembleClassifier,
  probabilities,
  inputGradient,
  fgsmDataset,
  Dataset,
  rng,
} from '../../src/internals';

before(async () => {
  await initBackend();
});
const D = 5;

test("an ensemble averages its members' softmax probabilities", () => {
  const a = softmaxRegression({ seed: 1, inputSize: D, classes: 3 }),
    b = maxoutNetwork({ seed: 2, inputSize: D, units: 3, pieces: 2, classes: 3 });
  const x = tf.tensor2d(
    Float32Array.from({ length: 4 * D }, (_, i) => (i % 7) / 7),
    [4, D],
  );
  const pa = probabilities(a, x).arraySync() as number[][],
    pb = probabilities(b, x).arraySync() as number[][];
  const pe = probabilities(ensembleClassifier([a, b]), x).arraySync() as number[][];
  for (let i = 0; i < 4; i++) for (let c = 0; c < 3; c++) assert.ok(Math.abs(pe[i][c] - (pa[i][c] + pb[i][c]) / 2) < 1e-6, `p̄[${i}][${c}]`);
  const p1 = probabilities(ensembleClassifier([a]), x).arraySync() as number[][];
  for (let i = 0; i < 4; i++) for (let c = 0; c < 3; c++) assert.ok(Math.abs(p1[i][c] - pa[i][c]) < 1e-6);
  x.dispose();
  a.net.dispose();
  b.net.dispose();
});

test('attacks differentiate the ensemble; no tensors leak; bad members are named', () => {
  const a = softmaxRegression({ seed: 3, inputSize: D, classes: 3 }),
    b = softmaxRegression({ seed: 4, inputSize: D, classes: 3 });
  const e = ensembleClassifier([a, b]);
  const x = tf.tensor2d([[0.1, 0.2, 0.3, 0.4, 0.5]]),
    y = tf.tensor1d([1], 'int32');
  // Numerical check of one partial derivative of −log p̄_1.
  const lossAt = (v: number[]) => tf.tidy(() => -Math.log((probabilities(e, tf.tensor2d([v])).arraySync() as number[][])[0][1]));
  const g = (inputGradient(e, x, y).arraySync() as number[][])[0];
  const h = 1e-2,
    v0 = [0.1, 0.2, 0.3, 0.4, 0.5];
  const num = (lossAt(v0.map((v, j) => v + (j === 2 ? h : 0))) - lossAt(v0.map((v, j) => v - (j === 2 ? h : 0)))) / (2 * h);
  assert.ok(Math.abs(g[2] - num) < 1e-3, `∂/∂x₂: ${g[2]} vs numerical ${num}`);
  const r = rng(1);
  const ds: Dataset = {
    x: Float32Array.from({ length: 10 * D }, () => r()),
    y: Int32Array.from({ length: 10 }, (_, i) => i % 3),
    n: 10,
    d: D,
    classes: 3,
    side: 0,
    description: 's',
  };
  fgsmDataset(e, ds, 0.1);
  const n = tf.memory().numTensors;
  fgsmDataset(e, ds, 0.1);
  tf.dispose(probabilities(e, x));
  assert.equal(tf.memory().numTensors, n);
  assert.throws(() => ensembleClassifier([]), /no members/);
  assert.throws(() => ensembleClassifier([a, rbfNetwork({ seed: 1, inputSize: D, classes: 3 })]), /rbf head/);
  assert.throws(() => ensembleClassifier([a, softmaxRegression({ seed: 1, inputSize: D + 1, classes: 3 })]), /takes 6 features/);
  x.dispose();
  y.dispose();
});
