// Notebook 08's measures: intervals, pre-activation shares, SmoothGrad, rubbish-class confidence and
// shared perturbations, each against a hand-worked case, plus a leak test for the tensor code.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Classifier,
  Dataset,
  softmaxRegression,
  logisticRegression,
  tanhMlp,
  maxoutNetwork,
  binomialInterval,
  errorInterval,
  pairedErrorDifference,
  meanInterval,
  saturationShares,
  layerOutputs,
  smoothGrad,
  strokeShare,
  gaussianNoiseImages,
  rubbishConfidence,
  sharedFgsmPerturbation,
  addPerturbation,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const D = 6;
function data(n: number, classes: number, seed: number): Dataset {
  const r = rng(seed);
  return {
    x: Float32Array.from({ length: n * D }, () => r()),
    y: Int32Array.from({ length: n }, (_, i) => i % classes),
    n,
    d: D,
    classes,
    side: 0,
    description: 'synthetic',
  };
}
/** Sets a one-dense-layer model's kernel and bias. */
function setLinear(clf: Classifier, w: number[][], b: number[]) {
  clf.net.setWeights([tf.tensor2d(w), tf.tensor1d(b)]);
}
const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
function noLeak(what: string, f: () => unknown) {
  const run = () => {
    const out = f();
    tf.dispose(out as tf.TensorContainer);
  };
  run();
  const n = tf.memory().numTensors;
  run();
  assert.equal(tf.memory().numTensors, n, `${what} leaked ${tf.memory().numTensors - n} tensor(s)`);
}

test('binomialInterval matches hand-worked values and rejects bad counts', () => {
  // 0 of 10: [0, z²/(n + z²)]; 5 of 10: the textbook [.2366, .7634].
  const z2 = 1.959963984540054 ** 2;
  const a = binomialInterval(0, 10);
  close(a.low, 0, 1e-12, 'low 0/10');
  close(a.high, z2 / (10 + z2), 1e-12, 'high 0/10');
  const b = binomialInterval(5, 10);
  close(b.low, 0.2366, 1e-4, 'low 5/10');
  close(b.high, 0.7634, 1e-4, 'high 5/10');
  close(b.estimate, 0.5, 0, 'estimate');
  assert.throws(() => binomialInterval(11, 10), /k = 11/);
  assert.throws(() => binomialInterval(1, 0), /n = 0/);
  assert.deepEqual(errorInterval([1, 2, 3, 4], [1, 0, 3, 0]), binomialInterval(2, 4));
});

test('pairedErrorDifference counts only the disagreements', () => {
  const y = [0, 0, 0, 0];
  // A wrong on images 0, 1; B wrong on 0, 2, 3: only-A = 1 (image 1), only-B = 2 (2, 3).
  const d = pairedErrorDifference([1, 1, 0, 0], [1, 0, 1, 1], y);
  assert.equal(d.onlyA, 1);
  assert.equal(d.onlyB, 2);
  close(d.estimate, -0.25, 1e-15, 'difference');
  const se = Math.sqrt(3 - 1 / 4) / 4;
  close(d.high - d.estimate, 1.959963984540054 * se, 1e-12, 'half width');
  assert.throws(() => pairedErrorDifference([1], [1, 2], [0, 0]), /same images/);
});

test('meanInterval: mean ± z·s/√n by hand', () => {
  // [1, 2, 3, 4]: mean 2.5, sample variance 5/3, s/√n = √(5/12).
  const m = meanInterval([1, 2, 3, 4]);
  close(m.estimate, 2.5, 1e-15, 'mean');
  close(m.high - 2.5, 1.959963984540054 * Math.sqrt(5 / 12), 1e-12, 'half width');
  assert.throws(() => meanInterval([1]), /at least 2/);
});

test('saturationShares: linear range, saturated tails and the median of |z|', () => {
  const s = saturationShares([-3, -1, -0.5, 0.5, 1.5, 2]);
  close(s.linear, 3 / 6, 1e-15, 'linear');
  close(s.saturated, 2 / 6, 1e-15, 'saturated');
  close(s.medianAbs, 1.25, 1e-15, 'median');
  assert.throws(() => saturationShares([]), /no values/);
  assert.throws(() => saturationShares([1], { linear: 2, saturated: 1 }), /linear ≤ saturated/);
});

test('layerOutputs of a tanh network is x·W + b of its first layer; unknown layers are named', () => {
  const clf = tanhMlp({ seed: 3, inputSize: D, units: 4, layers: 1, classes: 2 });
  const ds = data(5, 2, 1);
  const { values, width } = layerOutputs(clf, ds, 'linear1');
  assert.equal(width, 4);
  const [w, b] = clf.net
    .getLayer('linear1')
    .getWeights()
    .map(t => Array.from(t.dataSync()));
  for (let i = 0; i < ds.n; i++)
    for (let u = 0; u < 4; u++) {
      let z = b[u];
      for (let j = 0; j < D; j++) z += ds.x[i * D + j] * w[j * 4 + u];
      close(values[i * 4 + u], z, 1e-5, `z[${i}, ${u}]`);
    }
  const t = layerOutputs(clf, ds, 'tanh1').values;
  for (let k = 0; k < values.length; k++) close(t[k], Math.tanh(values[k]), 1e-5, 'tanh of z');
  assert.throws(() => layerOutputs(clf, ds, 'nope'), /no layer 'nope'.*linear1/);
  clf.net.dispose();
});

test('smoothGrad of a linear model is its weight column for any noise; strokeShare by hand', () => {
  const clf = softmaxRegression({ seed: 1, inputSize: D, classes: 3 });
  const W = [
    [1, 0, -1],
    [2, 1, 0],
    [0, 0, 3],
    [-1, 4, 0],
    [0.5, 0, 0],
    [0, -2, 1],
  ];
  setLinear(clf, W, [0, 0, 0]);
  const ds = data(3, 3, 2);
  const maps = smoothGrad(clf, ds, { seed: 4, samples: 7, sigma: 0.5 });
  for (let i = 0; i < 3; i++) for (let j = 0; j < D; j++) close(maps[i * D + j], W[j][ds.y[i]], 1e-5, `map ${i},${j}`);
  // One image: pixels [.9, .1, .8, 0, 0, .6] → stroke = pixels 0, 2, 5; map |m| = [1, 1, 2, 0, 0, 4] → 7/8.
  const one: Dataset = { ...ds, n: 1, x: Float32Array.from([0.9, 0.1, 0.8, 0, 0, 0.6]), y: Int32Array.from([0]) };
  const s = strokeShare(Float32Array.from([1, -1, 2, 0, 0, -4]), one);
  close(s.massOnStroke[0], 7 / 8, 1e-12, 'mass on stroke');
  close(s.strokeArea[0], 3 / 6, 1e-12, 'stroke area');
  assert.throws(() => smoothGrad(clf, ds, { seed: 1, samples: 0 }), /samples = 0/);
  noLeak('smoothGrad', () => smoothGrad(clf, ds, { seed: 4, samples: 3 }));
  clf.net.dispose();
});

test('gaussianNoiseImages: seeded, moments close to N(μ, s²), clipping; rubbishConfidence by hand', () => {
  const a = gaussianNoiseImages(200, 5, { mean: 0.5, std: 2, d: D, classes: 3 }),
    b = gaussianNoiseImages(200, 5, { mean: 0.5, std: 2, d: D, classes: 3 });
  assert.deepEqual(a.x, b.x);
  const n = a.x.length,
    mean = a.x.reduce((s, v) => s + v, 0) / n,
    sd = Math.sqrt(a.x.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  close(mean, 0.5, 0.2, 'mean (1200 draws: 4.5 standard errors)');
  close(sd, 2, 0.2, 'std');
  const c = gaussianNoiseImages(50, 5, { d: D, clip: true });
  assert.ok(c.x.every(v => v >= 0 && v <= 1));
  const clf = softmaxRegression({ seed: 1, inputSize: D, classes: 3 });
  // Zero weights: every image gets p = 1/3 for each class → confidence 1/3, none ≥ .5.
  setLinear(
    clf,
    Array.from({ length: D }, () => [0, 0, 0]),
    [0, 0, 0],
  );
  let r = rubbishConfidence(clf, a);
  close(r.meanConfidence, 1 / 3, 1e-6, 'uniform confidence');
  assert.equal(r.confidentShare, 0);
  // A bias of 10 on class 2: every image labelled 2 with confidence e¹⁰/(e¹⁰ + 2).
  setLinear(
    clf,
    Array.from({ length: D }, () => [0, 0, 0]),
    [0, 0, 10],
  );
  r = rubbishConfidence(clf, a);
  close(r.meanConfidence, Math.exp(10) / (Math.exp(10) + 2), 1e-6, 'biased confidence');
  assert.equal(r.confidentShare, 1);
  close(r.classShares[2], 1, 1e-9, 'class 2 share');
  clf.net.dispose();
});

test('sharedFgsmPerturbation is ε·sign of the summed gradient (logistic regression by hand); addPerturbation clips', () => {
  const clf = logisticRegression({ seed: 1, inputSize: 3 });
  clf.net.setWeights([tf.tensor2d([[1], [-2], [0.5]]), tf.tensor1d([0])]);
  // At x = 0 every example has z = 0: ∇ₓ ζ(−s·z) = −s·σ(0)·w = −s·w/2. Three y = 1 (s = 1), one y = 0:
  // the sum is −w(3 − 1)/2 = −w, so η = −ε·sign(w) = ε·[−1, 1, −1].
  const ds: Dataset = { x: new Float32Array(12), y: Int32Array.from([1, 1, 1, 0]), n: 4, d: 3, classes: 2, side: 0, description: 'zeros' };
  assert.deepEqual(Array.from(sharedFgsmPerturbation(clf, ds, 0.25)), [-0.25, 0.25, -0.25]);
  const moved = addPerturbation({ ...ds, x: Float32Array.from([0.1, 0.9, 0.5, 0, 0, 0, 1, 1, 1, 0.5, 0.5, 0.5]) }, [-0.25, 0.25, -0.25]);
  assert.deepEqual(Array.from(moved.x), [0, 1, 0.25, 0, 0.25, 0, 0.75, 1, 0.75, 0.25, 0.75, 0.25]);
  assert.throws(() => addPerturbation(ds, [1, 2]), /η has 2 values/);
  const net = maxoutNetwork({ seed: 2, inputSize: D, units: 3, pieces: 2, classes: 3 });
  noLeak('sharedFgsmPerturbation', () => sharedFgsmPerturbation(net, data(20, 3, 1), 0.1));
  noLeak('layerOutputs', () => layerOutputs(net, data(20, 3, 1), 'maxout1'));
  clf.net.dispose();
  net.net.dispose();
});
