// The classifier heads and the input gradient: ∇ₓJ matches central finite differences for every
// model family; each head's loss and probabilities match their formulas on hand-picked scores.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Classifier,
  logisticRegression,
  softmaxRegression,
  maxoutNetwork,
  reluMlp,
  rbfNetwork,
  logits,
  probabilities,
  predict,
  loss,
  lossFromLogits,
  probabilitiesFromLogits,
  predictFromLogits,
  inputGradient,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const D = 6;
const rows = (n: number, d: number, seed: number, lo = 0.1, hi = 0.9) => {
  const r = rng(seed);
  return Float32Array.from({ length: n * d }, () => lo + (hi - lo) * r());
};
const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));

/** Central differences of each example's own loss, in float32 on the current backend. */
function finiteDifferences(clf: Classifier, x: Float32Array, y: number, h: number): number[] {
  const d = x.length;
  const pts = new Float32Array(2 * d * d);
  for (let i = 0; i < d; i++) {
    pts.set(x, 2 * i * d);
    pts.set(x, (2 * i + 1) * d);
    pts[2 * i * d + i] += h;
    pts[(2 * i + 1) * d + i] -= h;
  }
  const l = tf.tidy(() =>
    lossFromLogits(
      clf.head,
      logits(clf, tf.tensor2d(pts, [2 * d, d])),
      tf.fill([2 * d], y, 'int32') as tf.Tensor1D,
      clf.classes,
    ).dataSync(),
  );
  return Array.from({ length: d }, (_, i) => (l[2 * i] - l[2 * i + 1]) / (2 * h));
}

const models: [string, () => Classifier, number][] = [
  // [name, builder, step h] — piecewise-linear nets use a smaller step so it rarely crosses a kink.
  ['logistic', () => logisticRegression({ seed: 1, inputSize: D }), 1e-2],
  ['softmax', () => softmaxRegression({ seed: 2, inputSize: D, classes: 4 }), 1e-2],
  ['relu mlp', () => reluMlp({ seed: 3, inputSize: D, units: 7, layers: 2, classes: 4 }), 1e-3],
  ['maxout', () => maxoutNetwork({ seed: 4, inputSize: D, units: 5, pieces: 3, layers: 2, classes: 4 }), 1e-3],
  ['rbf', () => rbfNetwork({ seed: 5, inputSize: D, classes: 4, sigma: 0.5 }), 1e-2],
];

for (const [name, build, h] of models) {
  test(`${name}: inputGradient matches central finite differences, row by row`, () => {
    const clf = build();
    const n = 3,
      xs = rows(n, D, 10 + name.length);
    const ys = Array.from({ length: n }, (_, i) => i % clf.classes);
    const g = tf.tidy(() => inputGradient(clf, tf.tensor2d(xs, [n, D]), tf.tensor1d(ys, 'int32')).arraySync());
    for (let r = 0; r < n; r++) {
      const fd = finiteDifferences(clf, xs.subarray(r * D, (r + 1) * D), ys[r], h);
      const scale = Math.max(...g[r].map(Math.abs));
      assert.ok(scale > 1e-4, `${name} row ${r}: the gradient is not trivially zero (${scale})`);
      for (let i = 0; i < D; i++) {
        assert.ok(
          Math.abs(g[r][i] - fd[i]) <= 1e-2 * scale + 1e-5,
          `${name} row ${r}, pixel ${i}: autodiff ${g[r][i]} vs finite difference ${fd[i]} (h = ${h})`,
        );
      }
    }
  });
}

test('inputGradient: rows do not interact (a batch equals its rows one at a time)', () => {
  const clf = maxoutNetwork({ seed: 6, inputSize: D, units: 4, pieces: 2, layers: 1, classes: 3 });
  const n = 4,
    xs = rows(n, D, 3),
    ys = [0, 1, 2, 1];
  const all = tf.tidy(() => inputGradient(clf, tf.tensor2d(xs, [n, D]), tf.tensor1d(ys, 'int32')).dataSync());
  for (let r = 0; r < n; r++) {
    const one = tf.tidy(() =>
      inputGradient(clf, tf.tensor2d(xs.subarray(r * D, (r + 1) * D), [1, D]), tf.tensor1d([ys[r]], 'int32')).dataSync(),
    );
    for (let i = 0; i < D; i++) assert.ok(Math.abs(one[i] - all[r * D + i]) < 1e-6, `row ${r} pixel ${i}`);
  }
});

test('binary head: loss = softplus(−y·z) with y ∈ {−1, 1}, probabilities σ, prediction z > 0', () => {
  const z = [-40, -3, -0.5, 0, 0.25, 2, 40, 40, -40],
    labels = [0, 1, 1, 0, 1, 0, 1, 0, 1];
  const got = tf.tidy(() => {
    const zt = tf.tensor2d(z, [z.length, 1]);
    return {
      loss: lossFromLogits('binary', zt, tf.tensor1d(labels, 'int32'), 2).arraySync(),
      probs: probabilitiesFromLogits('binary', zt).arraySync(),
      pred: predictFromLogits('binary', zt).arraySync(),
    };
  });
  z.forEach((v, i) => {
    const y = 2 * labels[i] - 1,
      want = softplus(-y * v);
    assert.ok(Math.abs(got.loss[i] - want) <= 1e-6 * Math.max(1, want), `z ${v}, label ${labels[i]}: loss ${got.loss[i]} vs ${want}`);
    const p1 = 1 / (1 + Math.exp(-v));
    assert.ok(Math.abs(got.probs[i][1] - p1) < 1e-6 && Math.abs(got.probs[i][0] - (1 - p1)) < 1e-6, `probabilities at z = ${v}`);
  });
  assert.deepEqual(got.pred, [0, 0, 0, 0, 1, 1, 1, 1, 0]);
  assert.ok(
    Math.abs(got.loss[0] - 0) < 1e-12 && Math.abs(got.loss[1] - softplus(3)) < 1e-6,
    'z = −40 with label 0 is a confident correct answer',
  );
  assert.ok(Math.abs(got.loss[6]) < 1e-12);
  assert.ok(Math.abs(got.loss[7] - 40) < 1e-4 && Math.abs(got.loss[8] - 40) < 1e-4, 'confidently wrong: loss ≈ |z|, no overflow');
});

test('softmax head: loss = −log softmax(z)_y, prediction argmax', () => {
  const z = [
      [1, 2, 3],
      [0, 0, 0],
      [-5, 10, 2],
    ],
    y = [0, 2, 1];
  const got = tf.tidy(() => ({
    loss: lossFromLogits('softmax', tf.tensor2d(z), tf.tensor1d(y, 'int32'), 3).arraySync(),
    probs: probabilitiesFromLogits('softmax', tf.tensor2d(z)).arraySync(),
    pred: predictFromLogits('softmax', tf.tensor2d(z)).arraySync(),
  }));
  z.forEach((row, i) => {
    const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
    assert.ok(Math.abs(got.loss[i] - (lse - row[y[i]])) < 1e-5, `row ${i}`);
    row.forEach((v, c) => assert.ok(Math.abs(got.probs[i][c] - Math.exp(v - lse)) < 1e-6));
  });
  assert.deepEqual(got.pred, [2, 0, 1]);
});

test('rbf head: probabilities exp(z) ≤ 1, loss −log p_y − Σ_{c≠y} log(1 − p_c)', () => {
  const z = [
      [-0.1, -2, -5],
      [-3, -0.01, -1],
    ],
    y = [0, 2];
  const got = tf.tidy(() => lossFromLogits('rbf', tf.tensor2d(z), tf.tensor1d(y, 'int32'), 3).arraySync());
  z.forEach((row, i) => {
    const want = row.reduce((a, v, c) => a - (c === y[i] ? v : Math.log(1 - Math.exp(v))), 0);
    assert.ok(Math.abs(got[i] - want) < 1e-5, `row ${i}: ${got[i]} vs ${want}`);
  });
  const clf = rbfNetwork({ seed: 7, inputSize: D, classes: 4 });
  const x = tf.tensor2d(rows(50, D, 8, 0, 1), [50, D]);
  const p = probabilities(clf, x).dataSync(),
    zz = logits(clf, x).dataSync();
  assert.ok(
    p.every(v => v > 0 && v <= 1),
    'every RBF probability is in (0, 1]',
  );
  assert.ok(
    zz.every(v => v <= 0),
    'log-probabilities ≤ 0',
  );
  const l = loss(clf, x, tf.tensor1d(new Array(50).fill(1), 'int32')).dataSync()[0];
  assert.ok(Number.isFinite(l) && l > 0, `mean rbf loss ${l}`);
});

test('probabilities, predict and loss agree with the logits', () => {
  const clf = reluMlp({ seed: 9, inputSize: D, units: 5, layers: 1, classes: 3 });
  const n = 8,
    x = tf.tensor2d(rows(n, D, 4), [n, D]),
    y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
  const z = logits(clf, x).arraySync(),
    p = probabilities(clf, x).arraySync(),
    pr = predict(clf, x).arraySync();
  const l = loss(clf, x, y).dataSync()[0];
  let sum = 0;
  z.forEach((row, i) => {
    const m = Math.max(...row),
      lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    row.forEach((v, c) => assert.ok(Math.abs(p[i][c] - Math.exp(v - lse)) < 1e-6));
    assert.equal(pr[i], row.indexOf(m));
    sum += lse - row[[0, 1, 2, 0, 1, 2, 0, 1][i]];
  });
  assert.ok(Math.abs(l - sum / n) < 1e-5, `mean loss ${l} vs ${sum / n}`);
  assert.equal(predict(clf, x).dtype, 'int32');
  assert.throws(
    () => logits(clf, tf.zeros([2, D + 1]) as tf.Tensor2D),
    /^Error: mlp\.logits: x has 7 features per row, the model expects 6\./,
  );
  assert.throws(
    () => inputGradient(clf, x, tf.tensor1d([0, 1], 'int32')),
    /^Error: mlp\.inputGradient: labels have shape \[2\], expected \[8\]/,
  );
});
