// The lib files of notebooks 02–03: steps of equal max-norm (the sign step is the linear optimum and
// moves a logistic margin by exactly ε‖w‖₁), logit slopes (exact for a linear model), targeted FGSM
// success, the Fig. 1 triptych — each checked against closed forms, with no tensor leaks.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Dataset,
  softmaxRegression,
  maxoutNetwork,
  maxNormStep,
  stepEffects,
  logitMargin,
  logitSlopes,
  targetedSuccess,
  fgsmTriptych,
  logits,
} from '../../src/internals';
import { logisticWith } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 8;
const W = [0.9, -1.3, 0.4, -0.2, 1.7, -0.8, 0.05, -2.1];
const l1 = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + Math.abs(b), 0);

function dataset(n: number, d: number, classes: number, seed: number): Dataset {
  const r = rng(seed);
  return {
    x: Float32Array.from({ length: n * d }, () => r()),
    y: Int32Array.from({ length: n }, () => Math.floor(r() * classes)),
    n,
    d,
    classes,
    side: Math.round(Math.sqrt(d)),
    description: `random ${n}×${d}`,
  };
}
const knownLogistic = () => logisticWith(W, 0.1);

test('maxNormStep: every kind has max-norm ε; sign gains ε‖g‖₁, the scaled gradient ε‖g‖₂²/‖g‖∞', () => {
  const g = tf.tensor2d([
    [3, -1, 0.5, 0],
    [1e-9, -2e-9, 0, 0],
    [0, 0, 0, 0],
  ]);
  const eps = 0.2;
  const sign = maxNormStep('sign', g, eps),
    grad = maxNormStep('gradient', g, eps),
    rand = maxNormStep('randomSign', g, eps, 5);
  const G = g.arraySync(),
    S = sign.arraySync(),
    Q = grad.arraySync(),
    R = rand.arraySync();
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(Math.max(...S[i].map(Math.abs)) - eps) < 1e-7, 'sign step uses the full ε');
    assert.ok(Math.abs(Math.max(...Q[i].map(Math.abs)) - eps) < 1e-7, 'scaled gradient reaches ε on its largest entry');
    const gainSign = S[i].reduce((s, v, j) => s + v * G[i][j], 0),
      gainGrad = Q[i].reduce((s, v, j) => s + v * G[i][j], 0);
    assert.ok(Math.abs(gainSign - eps * l1(G[i])) <= 1e-6 * eps * l1(G[i]), `row ${i}: sign gain = ε‖g‖₁`);
    const l2sq = G[i].reduce((s, v) => s + v * v, 0),
      inf = Math.max(...G[i].map(Math.abs));
    assert.ok(Math.abs(gainGrad - (eps * l2sq) / inf) <= 1e-5 * eps * l1(G[i]), `row ${i}: gradient gain = ε‖g‖₂²/‖g‖∞`);
    assert.ok(gainSign >= gainGrad, 'the sign step is the linear optimum');
  }
  assert.deepEqual(S[2], [0, 0, 0, 0], 'a zero gradient gives no sign step');
  assert.deepEqual(Q[2], [0, 0, 0, 0], 'and no gradient step (no NaN from 0/0)');
  assert.ok(
    R.flat().every(v => Math.abs(Math.abs(v) - eps) < 1e-7),
    'random signs are exactly ±ε',
  );
  assert.deepEqual(maxNormStep('randomSign', g, eps, 5).arraySync(), R, 'same seed, same signs');
  assert.throws(() => maxNormStep('sign', g, 2), /epsilon = 2/);
  assert.throws(() => maxNormStep('bogus' as never, g, 0.1), /unknown kind 'bogus'/);
  tf.dispose([g, sign, grad, rand]);
});

test('stepEffects on logistic regression: the sign step lowers every margin by exactly ε‖w‖₁', () => {
  const clf = knownLogistic(),
    ds = dataset(30, D, 2, 3),
    eps = 0.05;
  const before = tf.memory().numTensors;
  const effects = stepEffects(clf, ds, [0, eps], { seed: 1, batchSize: 7 });
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  const at = (kind: string, e: number) => effects.find(r => r.kind === kind && r.epsilon === e)!;
  assert.equal(effects.length, 6);
  for (let i = 0; i < ds.n; i++) {
    assert.ok(Math.abs(at('sign', eps).margin[i] - (at('sign', 0).margin[i] - eps * l1(W))) < 1e-4, `example ${i}`);
    assert.ok(at('sign', eps).lossChange[i] > 0 && at('sign', eps).linearChange[i] > 0);
    assert.ok(at('sign', eps).margin[i] <= at('gradient', eps).margin[i] + 1e-5, 'sign lowers the margin at least as much');
    assert.equal(at('sign', 0).lossChange[i], 0);
  }
  const wrong = Array.from(at('sign', eps).margin).filter(m => m < 0).length / ds.n;
  assert.ok(Math.abs(at('sign', eps).error - wrong) < 1e-12, 'error = share of negative margins');
});

test('logitMargin: z_y − max of the other logits', () => {
  const clf = softmaxRegression({ seed: 1, inputSize: 2, classes: 3 });
  const z = tf.tensor2d([
      [1, 5, 2],
      [4, 0, -1],
    ]),
    y = tf.tensor1d([1, 2], 'int32');
  const m = logitMargin(clf, z, y);
  assert.deepEqual(Array.from(m.dataSync()), [3, -5]);
  tf.dispose([z, y, m]);
});

test('logitSlopes: exact for a linear model (Wᵀv), and matches finite differences on a maxout net', () => {
  const clf = softmaxRegression({ seed: 2, inputSize: D, classes: 4 });
  const ds = dataset(5, D, 4, 4);
  const x = tf.tensor2d(ds.x, [ds.n, D]);
  const v = tf.tensor2d(
    Float32Array.from({ length: ds.n * D }, (_, i) => ((i * 7) % 3) - 1),
    [ds.n, D],
  );
  const before = tf.memory().numTensors;
  const s = logitSlopes(clf, x, v);
  assert.equal(tf.memory().numTensors, before + 1, 'only the result is kept');
  const expected = tf.tidy(() => tf.matMul(v, clf.net.getWeights()[0] as tf.Tensor2D));
  const S = s.arraySync(),
    E = expected.arraySync() as number[][];
  S.forEach((row, i) => row.forEach((val, c) => assert.ok(Math.abs(val - E[i][c]) < 1e-4, `slope [${i}][${c}]`)));
  tf.dispose([s, expected]);

  const net = maxoutNetwork({ seed: 3, inputSize: D, units: 6, pieces: 3 });
  const slopes = logitSlopes(net, x, v).arraySync();
  const h = 1e-3;
  const diff = tf
    .tidy(() => tf.div(tf.sub(logits(net, tf.add(x, tf.mul(v, h)) as tf.Tensor2D), logits(net, x)), h))
    .arraySync() as number[][];
  slopes.forEach((row, i) =>
    row.forEach((val, c) =>
      assert.ok(Math.abs(val - diff[i][c]) < 1e-2 * (1 + Math.abs(val)), `maxout slope [${i}][${c}]: ${val} vs ${diff[i][c]}`),
    ),
  );
  assert.throws(() => logitSlopes(clf, x, tf.zeros([2, D]) as tf.Tensor2D), /direction has shape \[2,8\]/);
  tf.dispose([x, v]);
});

test('targetedSuccess: counts hits per (class, target), NaN on the diagonal, mean over eligible pairs', () => {
  const clf = softmaxRegression({ seed: 5, inputSize: D, classes: 3 });
  const ds = dataset(40, D, 3, 6);
  const big = targetedSuccess(clf, ds, 1);
  assert.equal(big.success.length, 3);
  for (let c = 0; c < 3; c++) assert.ok(Number.isNaN(big.success[c][c]));
  assert.deepEqual(
    big.counts.reduce((a, b) => a + b, 0),
    ds.n,
  );
  const eligible = big.counts.map((n, c) => ds.n - n);
  const meanFromTargets = big.perTarget.reduce((s, p, t) => s + p * eligible[t], 0) / eligible.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(big.meanSuccess - meanFromTargets) < 1e-12);
  const none = targetedSuccess(clf, ds, 0);
  const cleanPred = tf.tidy(() => tf.argMax(logits(clf, tf.tensor2d(ds.x, [ds.n, D])), 1)).dataSync();
  // With ε = 0 the "attack" succeeds exactly where the model already predicts the target.
  for (let t = 0; t < 3; t++) {
    let hits = 0,
      n = 0;
    for (let i = 0; i < ds.n; i++)
      if (ds.y[i] !== t) {
        n++;
        if (cleanPred[i] === t) hits++;
      }
    assert.ok(Math.abs(none.perTarget[t] - hits / n) < 1e-12, `target ${t}`);
  }
});

test('fgsmTriptych: three tiles per example and consistent rows', () => {
  const clf = softmaxRegression({ seed: 7, inputSize: 16, classes: 3 });
  const ds = dataset(6, 16, 3, 8);
  const before = tf.memory().numTensors;
  const { figure, rows } = fgsmTriptych(clf, ds, [0, 4], 0.3);
  assert.equal(tf.memory().numTensors, before, 'no tensors leak');
  assert.equal(rows.length, 2);
  assert.deepEqual(
    rows.map(r => r.index),
    [0, 4],
  );
  assert.ok(rows.every(r => r.cleanConfidence > 0 && r.cleanConfidence <= 1 && r.adversarialConfidence > 0));
  const annotations = (figure.layout.annotations as { text: string }[]).map(a => a.text);
  assert.equal(annotations.length, 6);
  assert.match(annotations[1], /sign\(∇ₓJ\)/);
  assert.throws(() => fgsmTriptych(clf, ds, [], 0.3), /non-empty array/);
});
