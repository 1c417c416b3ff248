// The RBF layer: log p_c = −Σᵢ βᶜᵢ (xᵢ − μᶜᵢ)², computed via matmuls, equals the direct sum;
// p = 1 exactly at a centre; centres initialize to class means.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, rbfNetwork, RbfLayer, initRbfCentres, logits, probabilities, softmaxRegression } from '../../src/internals';
import { randomValues } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 5,
  C = 3;
const rand = randomValues;

function rbfWith(mu: number[][], logBeta: number[][]) {
  const clf = rbfNetwork({ seed: 1, inputSize: D, classes: C });
  tf.tidy(() => clf.net.setWeights([tf.tensor2d(mu), tf.tensor2d(logBeta)]));
  return clf;
}

test('the layer computes −Σ β(x − μ)² per class (checked against the direct sum)', () => {
  const muFlat = rand(D * C, 1),
    lbFlat = rand(D * C, 2, -2, 1);
  const mu = Array.from({ length: D }, (_, i) => muFlat.slice(i * C, (i + 1) * C));
  const lb = Array.from({ length: D }, (_, i) => lbFlat.slice(i * C, (i + 1) * C));
  const clf = rbfWith(mu, lb);
  const n = 7,
    xs = rand(n * D, 3);
  const z = tf.tidy(() => logits(clf, tf.tensor2d(xs, [n, D])).arraySync());
  for (let k = 0; k < n; k++)
    for (let c = 0; c < C; c++) {
      let q = 0;
      for (let i = 0; i < D; i++) q += Math.exp(lb[i][c]) * (xs[k * D + i] - mu[i][c]) ** 2;
      assert.ok(Math.abs(z[k][c] + q) < 1e-5 * (1 + q), `example ${k}, class ${c}: ${z[k][c]} vs ${-q}`);
    }
});

test('p_c = 1 at the centre of class c, and below 1 away from it', () => {
  const mu = Array.from({ length: D }, (_, i) => [0.1 * i, 0.5, 1 - 0.1 * i]);
  const clf = rbfWith(
    mu,
    Array.from({ length: D }, () => [0, 0, 0]),
  );
  const centres = [0, 1, 2].map(c => mu.map(row => row[c]));
  const p = tf.tidy(() => probabilities(clf, tf.tensor2d(centres)).arraySync());
  for (let c = 0; c < C; c++) {
    assert.ok(Math.abs(p[c][c] - 1) < 1e-5, `class ${c} at its own centre: p = ${p[c][c]}`);
    for (let o = 0; o < C; o++) if (o !== c) assert.ok(p[c][o] < 0.99, `class ${o} at the centre of ${c}: p = ${p[c][o]}`);
  }
});

test('starts with β = 1/(σ²·d), and initRbfCentres puts each centre at its class mean', () => {
  const clf = rbfNetwork({ seed: 4, inputSize: D, classes: C, sigma: 2 });
  const [, logBeta0] = clf.net.getWeights();
  assert.ok(logBeta0.dataSync().every(v => Math.abs(v - Math.log(1 / (4 * D))) < 1e-6));
  const n = 9,
    xs = Float32Array.from(rand(n * D, 5)),
    ys = Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0]);
  initRbfCentres(clf.net, { x: xs, y: ys, n, d: D, classes: C });
  const [mu, logBeta] = clf.net.getWeights().map(t => t.arraySync() as number[][]);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < D; i++) {
      const members = Array.from(ys)
        .map((y, k) => [y, k])
        .filter(([y]) => y === c)
        .map(([, k]) => xs[k * D + i]);
      const mean = members.length ? members.reduce((a, b) => a + b, 0) / members.length : 0;
      assert.ok(Math.abs(mu[i][c] - mean) < 1e-6, `centre ${c}, pixel ${i}: ${mu[i][c]} vs ${mean}`);
    }
  assert.deepEqual(logBeta, logBeta0.arraySync(), 'precisions unchanged');
  assert.throws(
    () => initRbfCentres(softmaxRegression({ seed: 1, inputSize: D }).net, { x: xs, y: ys, n, d: D, classes: C }),
    /^Error: initRbfCentres: the model has no RbfLayer \(build it with rbfNetwork\)\.$/,
  );
});

test('RbfLayer config round-trips its settings', () => {
  const layer = new RbfLayer({ units: 4, sigma: 0.7, seed: 11, name: 'r' });
  const cfg = layer.getConfig();
  assert.equal(cfg.units, 4);
  assert.equal(cfg.sigma, 0.7);
  assert.equal(cfg.seed, 11);
  assert.deepEqual(layer.computeOutputShape([null, 784]), [null, 4]);
});
