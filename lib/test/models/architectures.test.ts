// Model builders: the architectures of the paper with the right shapes; same seed, same weights.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Classifier,
  logisticRegression,
  softmaxRegression,
  maxoutNetwork,
  reluMlp,
  rbfNetwork,
  logits,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const weights = (c: Classifier) => c.net.getWeights().map(w => Array.from(w.dataSync()));
const shapes = (c: Classifier) => c.net.getWeights().map(w => w.shape);

test('the paper-size architectures have the expected weight shapes and heads', () => {
  const lr = logisticRegression({ seed: 1 });
  assert.equal(lr.head, 'binary');
  assert.equal(lr.classes, 2);
  assert.equal(lr.inputSize, 784);
  assert.deepEqual(shapes(lr), [[784, 1], [1]]);
  const sm = softmaxRegression({ seed: 1 });
  assert.equal(sm.head, 'softmax');
  assert.equal(sm.classes, 10);
  assert.deepEqual(shapes(sm), [[784, 10], [10]]);
  const mx = maxoutNetwork({ seed: 1 });
  assert.deepEqual(shapes(mx), [[784, 1200], [1200], [240, 1200], [1200], [240, 10], [10]], '2 × (240 units × 5 pieces)');
  assert.deepEqual(
    mx.net.layers.map(l => l.getClassName()),
    ['InputLayer', 'SeededDropout', 'Dense', 'Maxout', 'SeededDropout', 'Dense', 'Maxout', 'SeededDropout', 'Dense'],
  );
  assert.deepEqual(
    mx.net.layers.filter(l => l.getClassName() === 'SeededDropout').map(l => (l.getConfig() as { rate: number }).rate),
    [0.2, 0.5, 0.5],
  );
  const mlp = reluMlp({ seed: 1 });
  assert.deepEqual(shapes(mlp), [[784, 240], [240], [240, 240], [240], [240, 10], [10]]);
  const rbf = rbfNetwork({ seed: 1 });
  assert.equal(rbf.head, 'rbf');
  assert.deepEqual(shapes(rbf), [
    [784, 10],
    [784, 10],
  ]);
  const noDrop = maxoutNetwork({ seed: 1, inputDropout: 0, hiddenDropout: 0, units: 3, pieces: 2, layers: 3, inputSize: 4, classes: 5 });
  assert.deepEqual(
    noDrop.net.layers.map(l => l.getClassName()),
    ['InputLayer', 'Dense', 'Maxout', 'Dense', 'Maxout', 'Dense', 'Maxout', 'Dense'],
  );
  assert.deepEqual(
    tf.tidy(() => logits(noDrop, tf.zeros([2, 4]) as tf.Tensor2D).shape),
    [2, 5],
  );
});

test('same seed, same weights; different seed, different weights', () => {
  const builders: [string, (seed: number) => Classifier][] = [
    ['logistic', seed => logisticRegression({ seed, inputSize: 20 })],
    ['softmax', seed => softmaxRegression({ seed, inputSize: 20, classes: 3 })],
    ['maxout', seed => maxoutNetwork({ seed, inputSize: 20, units: 4, pieces: 3, classes: 3 })],
    ['mlp', seed => reluMlp({ seed, inputSize: 20, units: 6, classes: 3 })],
    ['rbf', seed => rbfNetwork({ seed, inputSize: 20, classes: 3 })],
  ];
  for (const [name, build] of builders) {
    const a = build(5),
      b = build(5),
      c = build(6);
    assert.deepEqual(weights(a), weights(b), `${name}: same seed`);
    assert.notDeepEqual(weights(a), weights(c), `${name}: different seed`);
    assert.equal(a.name, name);
  }
  const deep = maxoutNetwork({ seed: 5, inputSize: 20, units: 4, pieces: 3, classes: 3 });
  const [w1, , w2] = weights(deep);
  assert.notDeepEqual(w1.slice(0, 10), w2.slice(0, 10), 'layers get different child seeds');
});

test('bad options are refused', () => {
  assert.throws(() => logisticRegression({ seed: -1 }), /seed must be a non-negative integer, got -1/);
  assert.throws(() => maxoutNetwork({ seed: 1, pieces: 0 }), /^Error: pieces = 0: expected a positive integer\.$/);
  assert.throws(() => maxoutNetwork({ seed: 1, units: 2.5 }), /^Error: units = 2\.5: expected a positive integer\.$/);
  assert.throws(() => reluMlp({ seed: 1, layers: 0 }), /^Error: layers = 0: expected a positive integer\.$/);
  assert.throws(() => reluMlp({ seed: 1, hiddenDropout: 1 }), /dropout rate 1: expected 0 ≤ rate < 1/);
});
