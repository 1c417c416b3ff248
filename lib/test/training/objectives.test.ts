// The §5 closed form for logistic regression, the §6 mixed objective J̃, and the L1 penalty.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Classifier,
  softmaxRegression,
  reluMlp,
  logisticAdversarialLoss,
  adversarialObjective,
  l1Penalty,
  linearWeights,
  fgsm,
  lossFromLogits,
  logits,
  loss,
} from '../../src/internals';
import { logisticWith } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 10;
const W = [0.7, -1.2, 0.3, -0.05, 1.5, -0.9, 0.2, -2.0, 0.6, -0.4];
const B = -0.35;
const l1 = (v: number[]) => v.reduce((a, b) => a + Math.abs(b), 0);
const softplus = (v: number) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
const rows = (n: number, seed: number, lo = -1, hi = 2) => {
  const r = rng(seed);
  return Float32Array.from({ length: n * D }, () => lo + (hi - lo) * r());
};

const knownLogistic = () => logisticWith(W, B);
const perRowLoss = (clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D) =>
  tf.tidy(() => lossFromLogits(clf.head, logits(clf, x), y, clf.classes).dataSync());

test('closed form ζ(ε‖w‖₁ − y(wᵀx + b)) equals the loss at the unclipped FGSM point, for y = −1 and y = +1', () => {
  const clf = knownLogistic();
  const n = 8,
    xs = rows(n, 1),
    x = tf.tensor2d(xs, [n, D]);
  for (const label of [0, 1]) {
    const y = tf.tensor1d(new Array(n).fill(label), 'int32');
    for (const eps of [0, 0.1, 0.25, 0.5]) {
      const closed = tf.tidy(() => logisticAdversarialLoss(clf, x, y, eps).dataSync());
      const xAdv = fgsm(clf, x, y, eps, { clip: false });
      const atFgsm = perRowLoss(clf, xAdv, y);
      xAdv.dispose();
      for (let i = 0; i < n; i++) {
        let z = B;
        for (let j = 0; j < D; j++) z += W[j] * xs[i * D + j];
        const s = 2 * label - 1,
          byHand = softplus(eps * l1(W) - s * z);
        assert.ok(
          Math.abs(closed[i] - atFgsm[i]) <= 1e-5 * Math.max(1, atFgsm[i]),
          `label ${label}, ε ${eps}, row ${i}: closed ${closed[i]} vs FGSM ${atFgsm[i]}`,
        );
        assert.ok(
          Math.abs(closed[i] - byHand) <= 1e-5 * Math.max(1, byHand),
          `label ${label}, ε ${eps}, row ${i}: closed ${closed[i]} vs by hand ${byHand}`,
        );
      }
    }
    y.dispose();
  }
  x.dispose();
});

test("the paper's printed form ζ(y(ε‖w‖₁ − wᵀx − b)) is not the FGSM loss for y = −1 (why the library uses the corrected form)", () => {
  const clf = knownLogistic();
  const n = 4,
    xs = rows(n, 2),
    x = tf.tensor2d(xs, [n, D]),
    y = tf.tensor1d([0, 0, 0, 0], 'int32'),
    eps = 0.25;
  const xAdv = fgsm(clf, x, y, eps, { clip: false });
  const atFgsm = perRowLoss(clf, xAdv, y);
  for (let i = 0; i < n; i++) {
    let z = B;
    for (let j = 0; j < D; j++) z += W[j] * xs[i * D + j];
    const printed = softplus(-1 * (eps * l1(W) - z));
    assert.ok(printed < 0.5 * atFgsm[i], `row ${i}: printed form ${printed} is below the actual adversarial loss ${atFgsm[i]}`);
  }
  tf.dispose([x, y, xAdv]);
});

test('logisticAdversarialLoss refuses a non-binary model and a bad ε', () => {
  const sm = softmaxRegression({ seed: 1, inputSize: D, classes: 3 });
  const x = tf.zeros([2, D]) as tf.Tensor2D,
    y = tf.tensor1d([0, 1], 'int32');
  assert.throws(
    () => logisticAdversarialLoss(sm, x, y, 0.1),
    /^Error: logisticAdversarialLoss: softmax has a softmax head; it needs logisticRegression \(binary\)\.$/,
  );
  assert.throws(() => logisticAdversarialLoss(knownLogistic(), x, y, -0.5), /^Error: epsilon = -0\.5: expected a number in \[0, 1\]/);
  tf.dispose([x, y]);
});

test('adversarialObjective: α = 1 is the clean loss, α = 0 the FGSM loss, α = ½ their mean', () => {
  const clf = reluMlp({ seed: 3, inputSize: D, units: 6, layers: 1, classes: 3, inputDropout: 0, hiddenDropout: 0 });
  const n = 9,
    x = tf.tensor2d(rows(n, 3, 0, 1), [n, D]),
    y = tf.tensor1d(
      Array.from({ length: n }, (_, i) => i % 3),
      'int32',
    );
  const xAdv = fgsm(clf, x, y, 0.25);
  const clean = tf.tidy(() => loss(clf, x, y).dataSync()[0]),
    adv = tf.tidy(() => loss(clf, xAdv, y).dataSync()[0]);
  assert.ok(adv > clean, 'FGSM raised the loss');
  const J = (alpha?: number) => tf.tidy(() => adversarialObjective(clf, x, xAdv, y, alpha === undefined ? {} : { alpha }).dataSync()[0]);
  assert.ok(Math.abs(J(1) - clean) < 1e-6, `α = 1: ${J(1)} vs clean ${clean}`);
  assert.ok(Math.abs(J(0) - adv) < 1e-6, `α = 0: ${J(0)} vs adversarial ${adv}`);
  assert.ok(Math.abs(J(0.5) - (clean + adv) / 2) < 1e-6);
  assert.ok(Math.abs(J() - (clean + adv) / 2) < 1e-6, 'default α = ½ (the paper)');
  assert.ok(Math.abs(J(0.3) - (0.3 * clean + 0.7 * adv)) < 1e-6);
  for (const bad of [-0.1, 1.1, NaN]) assert.throws(() => J(bad), new RegExp(`^Error: alpha = ${bad}: expected 0 ≤ α ≤ 1`));
  const short = tf.tidy(() => tf.slice(xAdv, [0, 0], [4, D])) as tf.Tensor2D;
  assert.throws(() => adversarialObjective(clf, x, short, y), /^Error: adversarialObjective: 4 adversarial rows for 9 clean rows\.$/);
  tf.dispose([x, y, xAdv, short]);
});

test('l1Penalty is λ·Σ|W| over kernels only, not biases', () => {
  const lr = knownLogistic();
  assert.ok(Math.abs(tf.tidy(() => l1Penalty(lr, 0.01).dataSync()[0]) - 0.01 * l1(W)) < 1e-7, 'logistic: λ‖w‖₁, bias excluded');
  const mlp = reluMlp({ seed: 4, inputSize: 3, units: 2, layers: 1, classes: 2, inputDropout: 0, hiddenDropout: 0 });
  tf.tidy(() =>
    mlp.net.setWeights([
      tf.tensor2d([
        [1, -2],
        [3, -4],
        [0.5, 0],
      ]),
      tf.tensor1d([100, -100]),
      tf.tensor2d([
        [-1, 2],
        [0.25, -0.25],
      ]),
      tf.tensor1d([50, 50]),
    ]),
  );
  const want = 1 + 2 + 3 + 4 + 0.5 + 1 + 2 + 0.25 + 0.25;
  assert.ok(Math.abs(tf.tidy(() => l1Penalty(mlp, 0.5).dataSync()[0]) - 0.5 * want) < 1e-6, 'two kernels summed, biases (±100) ignored');
  assert.equal(
    tf.tidy(() => l1Penalty(mlp, 0).dataSync()[0]),
    0,
  );
  assert.throws(() => l1Penalty(mlp, -1), /^Error: L1 coefficient -1: expected ≥ 0\.$/);
  assert.throws(() => l1Penalty(mlp, NaN), /L1 coefficient NaN/);
});

test('linearWeights returns the variables of a linear model, refuses a deep one', () => {
  const lr = knownLogistic();
  const { w, b } = linearWeights(lr);
  assert.deepEqual(Array.from(w.dataSync()), W.map(Math.fround));
  assert.deepEqual(Array.from(b.dataSync()), [Math.fround(B)]);
  const mlp = reluMlp({ seed: 1, inputSize: 4, units: 2, layers: 1 });
  assert.throws(() => linearWeights(mlp), /^Error: mlp has 2 dense layers; linearWeights needs a linear model/);
});
