// FGSM: on linear models the step moves the score by exactly ε‖w‖₁ (the paper's §3 argument);
// on any model x' = clip(x + ε·sign ∇ₓJ), within ε of x in max-norm; targeted FGSM lowers the
// target's loss; bad input is refused with a clear message; the dataset version equals the batch one.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Classifier,
  Dataset,
  softmaxRegression,
  fgsm,
  fgsmDataset,
  logits,
  inputGradient,
  lossFromLogits,
} from '../../src/internals';
import { logisticWith, randomRows, tinyMlp as helperMlp, tinyMaxout as helperMaxout } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 12;
const W = [0.9, -1.3, 0.4, -0.2, 1.7, -0.8, 0.05, -2.1, 0.6, -0.45, 1.1, -0.3];
const l1 = (v: number[]) => v.reduce((a, b) => a + Math.abs(b), 0);

function setWeights(clf: Classifier, w: number[][], b: number[]) {
  tf.tidy(() => clf.net.setWeights([tf.tensor2d(w), tf.tensor1d(b)]));
}
/** Logistic regression with the known weights W and bias b. */
const knownLogistic = (b = 0.3) => logisticWith(W, b);
const tinyMlp = () => helperMlp(D),
  tinyMaxout = () => helperMaxout(D);

test('logistic regression, clip off: FGSM moves the score by exactly −y·ε‖w‖₁', () => {
  const clf = knownLogistic();
  const n = 6,
    x = tf.tensor2d(randomRows(n, D, 1, -2, 2), [n, D]);
  for (const label of [0, 1]) {
    const y = tf.tensor1d(new Array(n).fill(label), 'int32');
    for (const eps of [0, 0.01, 0.1, 0.25, 1]) {
      const [z, zAdv] = tf.tidy(() => {
        const xAdv = fgsm(clf, x, y, eps, { clip: false });
        return [logits(clf, x).dataSync(), logits(clf, xAdv).dataSync()];
      });
      const want = (label === 1 ? -1 : 1) * eps * l1(W); // away from the true class
      for (let i = 0; i < n; i++) {
        assert.ok(Math.abs(zAdv[i] - z[i] - want) < 1e-5, `label ${label}, ε ${eps}, row ${i}: Δz = ${zAdv[i] - z[i]}, expected ${want}`);
      }
    }
    y.dispose();
  }
  x.dispose();
});

test('two-class softmax regression: the logit gap moves by exactly ε‖w₁ − w₀‖₁ toward the other class', () => {
  const clf = softmaxRegression({ seed: 2, inputSize: D, classes: 2 });
  const w0 = W.map(v => v * 0.5 - 0.1),
    w1 = W.map((v, i) => (i % 3) - v);
  setWeights(
    clf,
    W.map((_, i) => [w0[i], w1[i]]),
    [0.2, -0.1],
  );
  const gapL1 = l1(w1.map((v, i) => v - w0[i]));
  const n = 5,
    x = tf.tensor2d(randomRows(n, D, 2), [n, D]),
    eps = 0.07;
  for (const label of [0, 1]) {
    const y = tf.tensor1d(new Array(n).fill(label), 'int32');
    const [z, zAdv] = tf.tidy(() => {
      const xAdv = fgsm(clf, x, y, eps, { clip: false });
      return [logits(clf, x).arraySync(), logits(clf, xAdv).arraySync()];
    });
    for (let i = 0; i < n; i++) {
      const moved = zAdv[i][1] - zAdv[i][0] - (z[i][1] - z[i][0]);
      assert.ok(Math.abs(moved - (label === 0 ? 1 : -1) * eps * gapL1) < 1e-5, `label ${label}, row ${i}: gap moved ${moved}`);
    }
    y.dispose();
  }
  x.dispose();
});

test('FGSM stays within ε in max-norm, inside [0, 1], and equals clip(x + ε·sign ∇ₓJ)', () => {
  for (const clf of [tinyMlp(), tinyMaxout(), knownLogistic()]) {
    const n = 20,
      x = tf.tensor2d(randomRows(n, D, 5), [n, D]);
    const y = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % clf.classes),
      'int32',
    );
    for (const eps of [0.05, 0.25, 0.6]) {
      const xAdv = fgsm(clf, x, y, eps);
      const g = inputGradient(clf, x, y);
      const a = xAdv.dataSync(),
        x0 = x.dataSync(),
        gs = g.dataSync();
      let moved = 0;
      for (let i = 0; i < a.length; i++) {
        assert.ok(a[i] >= 0 && a[i] <= 1, `${clf.name} ε ${eps}: x'[${i}] = ${a[i]} outside [0, 1]`);
        assert.ok(Math.abs(a[i] - x0[i]) <= eps + 1e-6, `${clf.name} ε ${eps}: |x' − x|[${i}] = ${Math.abs(a[i] - x0[i])}`);
        const want = Math.min(1, Math.max(0, Math.fround(x0[i] + eps * Math.sign(gs[i]))));
        assert.ok(Math.abs(a[i] - want) <= 1e-6, `${clf.name} ε ${eps}: x'[${i}] = ${a[i]}, clip(x + ε sign g) = ${want}`);
        if (Math.abs(Math.abs(a[i] - x0[i]) - eps) < 1e-6) moved++;
      }
      assert.ok(moved > a.length / 3, `${clf.name} ε ${eps}: most pixels move by the full ε (${moved} of ${a.length})`);
      tf.dispose([xAdv, g]);
    }
    const again = [fgsm(clf, x, y, 0.1), fgsm(clf, x, y, 0.1)];
    assert.deepEqual(again[0].dataSync(), again[1].dataSync(), `${clf.name}: deterministic (no dropout at attack time)`);
    tf.dispose([...again, x, y]);
  }
});

test('FGSM raises the true-class loss and targeted FGSM lowers the target-class loss', () => {
  for (const clf of [tinyMlp(), tinyMaxout()]) {
    const n = 12,
      x = tf.tensor2d(randomRows(n, D, 7, 0.2, 0.8), [n, D]);
    const y = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 3),
      'int32',
    );
    const t = tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i + 1) % 3),
      'int32',
    );
    const lossOf = (xx: tf.Tensor2D, lab: tf.Tensor1D) =>
      tf.tidy(() => lossFromLogits(clf.head, logits(clf, xx), lab, clf.classes).dataSync());
    const eps = 0.01;
    const up = fgsm(clf, x, y, eps),
      toward = fgsm(clf, x, y, eps, { target: t });
    const l0 = lossOf(x, y),
      l1v = lossOf(up, y),
      t0 = lossOf(x, t),
      t1 = lossOf(toward, t);
    for (let i = 0; i < n; i++) {
      assert.ok(l1v[i] > l0[i], `${clf.name} row ${i}: untargeted loss ${l0[i]} → ${l1v[i]} should rise`);
      assert.ok(t1[i] < t0[i], `${clf.name} row ${i}: target loss ${t0[i]} → ${t1[i]} should fall`);
    }
    // The targeted step is the opposite sign of the gradient of the target's loss.
    const gt = inputGradient(clf, x, t).dataSync(),
      a = toward.dataSync(),
      x0 = x.dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - Math.fround(x0[i] - eps * Math.sign(gt[i]))) <= 1e-6);
    tf.dispose([x, y, t, up, toward]);
  }
});

test('bad input is refused with a message naming the value and what was expected', () => {
  const clf = tinyMlp();
  const x = tf.tensor2d(randomRows(3, D, 1), [3, D]),
    y = tf.tensor1d([0, 1, 2], 'int32');
  const cases: [() => unknown, RegExp][] = [
    [() => fgsm(clf, x, y, -0.1), /^epsilon = -0\.1: expected a number in \[0, 1\] \(pixel units/],
    [() => fgsm(clf, x, y, 1.5), /^epsilon = 1\.5: expected a number in \[0, 1\]/],
    [() => fgsm(clf, x, y, NaN), /^epsilon = NaN: expected a number in \[0, 1\]/],
    [() => fgsm(clf, x, y, Infinity), /^epsilon = Infinity/],
    [() => fgsm(clf, x, y, '0.1' as unknown as number), /^epsilon = 0\.1: expected a number/],
    [
      () => tf.tidy(() => fgsm(clf, tf.zeros([3, D - 1]) as tf.Tensor2D, y, 0.1)),
      /^fgsm: x has 11 features per row, the model expects 12\./,
    ],
    [
      () => tf.tidy(() => fgsm(clf, tf.zeros([D]) as unknown as tf.Tensor2D, y, 0.1)),
      /^fgsm: x has shape \[12\], expected \[n, 12\] \(flatten images to rows\)\./,
    ],
    [
      () => tf.tidy(() => fgsm(clf, tf.zeros([3, D], 'int32') as tf.Tensor2D, y, 0.1)),
      /^fgsm: x has dtype int32, expected float32 in \[0, 1\]\./,
    ],
    [() => tf.tidy(() => fgsm(clf, x, tf.tensor1d([0, 3, 1], 'int32'), 0.1)), /^fgsm: label 3 at index 1 is outside 0\.\.2\./],
    [() => tf.tidy(() => fgsm(clf, x, tf.tensor1d([0, -1, 1], 'int32'), 0.1)), /^fgsm: label -1 at index 1 is outside 0\.\.2\./],
    [
      () => tf.tidy(() => fgsm(clf, x, tf.tensor1d([0, 1, 2], 'float32'), 0.1)),
      /^fgsm: labels have dtype float32, expected int32 class indices\./,
    ],
    [
      () => tf.tidy(() => fgsm(clf, x, tf.tensor1d([0, 1], 'int32'), 0.1)),
      /^fgsm: labels have shape \[2\], expected \[3\] \(one per row of x\)\./,
    ],
    [
      () => tf.tidy(() => fgsm(clf, x, y, 0.1, { target: tf.tensor1d([0, 0, 7], 'int32') })),
      /^fgsm target: label 7 at index 2 is outside 0\.\.2\./,
    ],
  ];
  const before = tf.memory().numTensors;
  for (const [f, re] of cases)
    assert.throws(f, (e: Error) => {
      assert.match(e.message, re);
      return true;
    });
  assert.equal(tf.memory().numTensors, before, 'refused calls leave no tensors behind');
  const ds: Dataset = { x: randomRows(4, D - 2, 1), y: new Int32Array(4), n: 4, d: D - 2, classes: 3, side: 0, description: 'narrow' };
  assert.throws(() => fgsmDataset(clf, ds, 0.1), /^Error: fgsmDataset: narrow has 10 features, mlp expects 12\./);
  const ok: Dataset = { ...ds, x: randomRows(4, D, 1), d: D, description: 'ok' };
  assert.throws(() => fgsmDataset(clf, ok, 0.1, { targets: new Int32Array(3) }), /^Error: fgsmDataset: 3 targets for 4 examples\./);
  assert.throws(() => fgsmDataset(clf, ok, 2), /^Error: epsilon = 2: expected a number in \[0, 1\]/);
  assert.throws(() => fgsmDataset(clf, ok, 0.1, { batchSize: 0 }), /batchSize = 0: expected an integer in 1\.\.2000/);
  tf.dispose([x, y]);
});

test('fgsmDataset equals fgsm on the whole batch, for every batch size, untargeted and targeted', () => {
  const clf = tinyMaxout();
  const n = 23,
    xs = randomRows(n, D, 11),
    ys = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3);
  const targets = Int32Array.from({ length: n }, (_, i) => (ys[i] + 1 + (i % 2)) % 3);
  const ds: Dataset = { x: xs, y: ys, n, d: D, classes: 3, side: 0, description: 'synthetic' };
  const x = tf.tensor2d(xs, [n, D]),
    y = tf.tensor1d(ys, 'int32'),
    t = tf.tensor1d(targets, 'int32');
  const whole = fgsm(clf, x, y, 0.2),
    wholeT = fgsm(clf, x, y, 0.2, { target: t });
  const wholeUnclipped = fgsm(clf, x, y, 0.2, { clip: false });
  for (const batchSize of [1, 4, 10, 23, 500]) {
    const adv = fgsmDataset(clf, ds, 0.2, { batchSize });
    assert.equal(adv.n, n);
    assert.equal(adv.y, ds.y, 'true labels kept');
    assert.equal(adv.d, D);
    assert.deepEqual(adv.x, whole.dataSync(), `batch size ${batchSize}`);
    assert.deepEqual(fgsmDataset(clf, ds, 0.2, { batchSize, targets }).x, wholeT.dataSync(), `targeted, batch size ${batchSize}`);
    assert.deepEqual(
      fgsmDataset(clf, ds, 0.2, { batchSize, clip: false }).x,
      wholeUnclipped.dataSync(),
      `unclipped, batch size ${batchSize}`,
    );
  }
  assert.equal(fgsmDataset(clf, ds, 0.2).description, 'synthetic, FGSM ε=0.2 on maxout');
  assert.equal(fgsmDataset(clf, ds, 0.2, { targets }).description, 'synthetic, FGSM ε=0.2 on maxout (targeted)');
  assert.deepEqual(fgsmDataset(clf, ds, 0).x, xs, 'ε = 0 changes nothing');
  tf.dispose([x, y, t, whole, wholeT, wholeUnclipped]);
});
