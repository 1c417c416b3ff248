// Where the prediction leaves the label along x + ε·sign(∇ₓJ), and whether it comes back.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  softmaxRegression,
  wrongRegions,
  epsilonRange,
  rng,
  logitsAlongLine,
  exactSign,
  inputGradient,
  Dataset,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const dataset = (x: number[], y: number[], d: number, classes: number): Dataset => ({
  x: Float32Array.from(x),
  y: Int32Array.from(y),
  n: y.length,
  d,
  classes,
  side: 0,
  description: 'test data',
});

test('a 1-D two-class model flips where z₀ − z₁ = 2(x − ε) changes sign, and stays wrong', () => {
  const clf = softmaxRegression({ seed: 1, inputSize: 1, classes: 2 });
  tf.tidy(() => clf.net.setWeights([tf.tensor2d([[1, -1]]), tf.tensor1d([0, 0])]));
  const eps = epsilonRange(0.1, 1, 10); // 0.1, 0.2, …, 1.0
  const [r] = wrongRegions(clf, dataset([0.5], [0], 1, 2), eps);
  // ∇ₓJ for label 0 is negative, so the scan moves x down; at ε = 0.5 the tie goes to class 0.
  assert.ok(Math.abs(r.flipEpsilon - 0.6) < 1e-9, `flips at ${r.flipEpsilon}`);
  assert.equal(r.staysWrong, 1);
  assert.equal(r.finalClass, 1);
  assert.ok(Math.abs(r.finalShare - 0.5) < 1e-9, `class 1 on ε = 0.6 … 1.0: ${r.finalShare}`);
  const [never] = wrongRegions(clf, dataset([5], [0], 1, 2), eps);
  assert.ok(Number.isNaN(never.flipEpsilon) && Number.isNaN(never.staysWrong), 'never flips: NaN');
  assert.equal(never.finalClass, 0);
  assert.equal(never.finalShare, 1);
  clf.net.dispose();
});

test('agrees with a scan done by hand on a random 3-class model, and leaks no tensors', () => {
  const r = rng(3),
    D = 6,
    C = 3,
    N = 8;
  const clf = softmaxRegression({ seed: 2, inputSize: D, classes: C });
  const ds = dataset(
    Array.from({ length: N * D }, () => r()),
    Array.from({ length: N }, () => Math.floor(r() * C)),
    D,
    C,
  );
  const eps = epsilonRange(0.05, 2, 40);
  const before = tf.memory().numTensors;
  const regions = wrongRegions(clf, ds, eps);
  assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
  for (const g of regions) {
    const x = tf.tensor2d(ds.x.subarray(g.index * D, (g.index + 1) * D), [1, D]),
      y = tf.tensor1d([ds.y[g.index]], 'int32');
    const s = exactSign(inputGradient(clf, x, y));
    const p = logitsAlongLine(clf, x, s, eps).predictions;
    tf.dispose([x, y, s]);
    const k = p.findIndex(c => c !== g.label);
    assert.equal(g.flipEpsilon, k < 0 ? NaN : eps[k]);
    assert.equal(g.finalClass, p[p.length - 1]);
    if (k >= 0) assert.equal(g.staysWrong, p.slice(k).filter(c => c !== g.label).length / (p.length - k));
  }
  clf.net.dispose();
});

test('bad ε grids and mismatched data are refused by name', () => {
  const clf = softmaxRegression({ seed: 1, inputSize: 2, classes: 2 });
  const ds = dataset([0, 0], [0], 2, 2);
  for (const bad of [[], [0, 0.1], [0.2, 0.1], [0.1, NaN]])
    assert.throws(() => wrongRegions(clf, ds, bad), /wrongRegions: epsilons must be finite, positive and increasing/);
  assert.throws(() => wrongRegions(clf, dataset([0, 0, 0], [0], 3, 2), [0.1]), /wrongRegions: test data has 3 features, .* expects 2/);
  clf.net.dispose();
});
