// The linear explanation (§3): for a score wᵀx the worst max-norm-ε perturbation is ε·sign(w)
// and it changes the score by exactly ε‖w‖₁; the Taylor estimate ηᵀ∇ₓJ (§4).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  worstCasePerturbation,
  linearScoreChange,
  maxLinearScoreChange,
  taylorLossChange,
  logisticRegression,
  inputGradient,
  lossFromLogits,
  logits,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const randW = (n: number, seed: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * 0.2);
};

test('η = ε·sign(w) changes wᵀx by exactly ε‖w‖₁ (linearScoreChange = maxLinearScoreChange)', () => {
  for (const [n, eps] of [
    [784, 0.25],
    [10, 0.007],
    [5000, 1],
    [3, 0],
  ] as const) {
    const w = tf.tensor1d(randW(n, n));
    const eta = worstCasePerturbation(w, eps);
    const ws = w.dataSync(),
      es = eta.dataSync();
    for (let i = 0; i < n; i++) assert.equal(es[i], Math.fround(eps * Math.sign(ws[i])), `η[${i}]`);
    let l1 = 0;
    for (const v of ws) l1 += Math.abs(v);
    const change = linearScoreChange(w, eta),
      closed = maxLinearScoreChange(w, eps);
    assert.ok(Math.abs(closed - eps * l1) <= 1e-12 * Math.max(1, closed), 'closed form is ε‖w‖₁');
    assert.ok(Math.abs(change - closed) <= 1e-6 * Math.max(1e-6, closed), `n ${n}, ε ${eps}: wᵀη = ${change}, ε‖w‖₁ = ${closed}`);
    tf.dispose([w, eta]);
  }
});

test('the change grows like ε·m·n: n weights of magnitude m', () => {
  for (const n of [10, 100, 1000]) {
    const w = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * 0.5));
    assert.ok(Math.abs(maxLinearScoreChange(w, 0.1) - 0.1 * 0.5 * n) < 1e-9);
    const eta = worstCasePerturbation(w, 0.1);
    assert.ok(Math.abs(linearScoreChange(w, eta) - 0.1 * 0.5 * n) < 1e-6 * n);
    tf.dispose([w, eta]);
  }
});

test('no other perturbation in the ε-box changes the score more', () => {
  const n = 200,
    eps = 0.1,
    w = tf.tensor1d(randW(n, 9)),
    best = maxLinearScoreChange(w, eps);
  const r = rng(10);
  for (let k = 0; k < 50; k++) {
    const eta = tf.tensor1d(Float32Array.from({ length: n }, () => (k % 2 ? eps * (2 * r() - 1) : r() < 0.5 ? -eps : eps)));
    assert.ok(linearScoreChange(w, eta) <= best + 1e-9, `random η ${k}`);
    eta.dispose();
  }
  w.dispose();
});

test('sign is exact for tiny weights (every non-zero weight gets a full ±ε step)', () => {
  const w = tf.tensor1d([3e-8, -5e-9, 0, 1e-30, -0.5]);
  const eta = worstCasePerturbation(w, 0.25);
  assert.deepEqual(Array.from(eta.dataSync()), [0.25, -0.25, 0, 0.25, -0.25]);
  tf.dispose([w, eta]);
});

test('bad input: ε out of range, mismatched sizes', () => {
  const w = tf.tensor1d([1, -2, 3]);
  assert.throws(() => worstCasePerturbation(w, -0.1), /^Error: epsilon = -0\.1: expected a number in \[0, 1\]/);
  assert.throws(() => maxLinearScoreChange(w, 2), /^Error: epsilon = 2: expected a number in \[0, 1\]/);
  assert.throws(() => linearScoreChange(w, tf.zeros([4])), /^Error: linearScoreChange: w has 3 entries, η has 4\.$/);
  assert.throws(
    () => taylorLossChange(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([3, 2]) as tf.Tensor2D),
    /^Error: taylorLossChange: gradient \[2,3\] and η \[3,2\] differ in shape\.$/,
  );
  w.dispose();
});

test('taylorLossChange is ηᵀ∇ₓJ per row, and predicts the loss change of a small FGSM step', () => {
  const got = tf.tidy(() =>
    taylorLossChange(
      tf.tensor2d([
        [1, 2],
        [3, -4],
      ]),
      tf.tensor2d([
        [0.5, 0.5],
        [1, 1],
      ]),
    ).arraySync(),
  );
  assert.deepEqual(got, [1.5, -1]);
  const clf = logisticRegression({ seed: 3, inputSize: 20 });
  const r = rng(4),
    n = 5;
  const x = tf.tensor2d(
      Float32Array.from({ length: n * 20 }, () => r()),
      [n, 20],
    ),
    y = tf.tensor1d([0, 1, 0, 1, 1], 'int32');
  const eps = 1e-3;
  const [pred, actual, l1] = tf.tidy(() => {
    const g = inputGradient(clf, x, y),
      eta = tf.mul(tf.sign(g), eps) as tf.Tensor2D;
    const J = (xx: tf.Tensor2D) => lossFromLogits(clf.head, logits(clf, xx), y, 2);
    return [
      taylorLossChange(g, eta).dataSync(),
      tf.sub(J(tf.add(x, eta) as tf.Tensor2D), J(x)).dataSync(),
      tf.sum(tf.abs(g), 1).dataSync(),
    ];
  });
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(pred[i] - eps * l1[i]) < 1e-6 * Math.max(1, pred[i]), 'with η = ε·sign ∇J the estimate is ε‖∇J‖₁');
    assert.ok(Math.abs(actual[i] - pred[i]) <= 0.02 * pred[i], `row ${i}: actual change ${actual[i]}, first-order ${pred[i]}`);
  }
  tf.dispose([x, y]);
});
