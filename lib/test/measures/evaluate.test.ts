// Error rate and mean confidence on errors on a hand-made model whose answers are known;
// confusion counts and agreement on hand-made prediction arrays.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Dataset, evaluate, confusion, agreement, softmaxRegression, logisticRegression } from '../../src/internals';

before(async () => {
  await initBackend();
});

/** Softmax regression with logits = 2·x: it predicts the largest feature. */
function argmaxModel() {
  const clf = softmaxRegression({ seed: 1, inputSize: 3, classes: 3 });
  tf.tidy(() =>
    clf.net.setWeights([
      tf.tensor2d([
        [2, 0, 0],
        [0, 2, 0],
        [0, 0, 2],
      ]),
      tf.zeros([3]),
    ]),
  );
  return clf;
}
const softmax = (z: number[]) => {
  const m = Math.max(...z),
    e = z.map(v => Math.exp(v - m)),
    s = e.reduce((a, b) => a + b, 0);
  return e.map(v => v / s);
};

test('evaluate: predictions, error, confidence and mean confidence on errors by hand', () => {
  const rows = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [0.2, 0.9, 0.1],
    [0.5, 0.4, 0.45],
    [0, 0.3, 0.6],
  ];
  const labels = [0, 1, 2, 0, 0, 2]; // row 3 is wrong (predicts 1), the rest right
  const ds: Dataset = {
    x: Float32Array.from(rows.flat()),
    y: Int32Array.from(labels),
    n: 6,
    d: 3,
    classes: 3,
    side: 0,
    description: 'hand',
  };
  const ev = evaluate(argmaxModel(), ds);
  assert.deepEqual(Array.from(ev.predictions), [0, 1, 2, 1, 0, 2]);
  assert.equal(ev.error, 1 / 6);
  assert.equal(ev.n, 6);
  const conf = rows.map(r => Math.max(...softmax(r.map(v => 2 * v))));
  conf.forEach((c, i) => assert.ok(Math.abs(ev.confidence[i] - c) < 1e-6, `confidence ${i}`));
  assert.ok(Math.abs(ev.meanConfidenceOnErrors - conf[3]) < 1e-6);
  assert.ok(Math.abs(ev.meanConfidence - conf.reduce((a, b) => a + b, 0) / 6) < 1e-6);
  const twoWrong = evaluate(argmaxModel(), { ...ds, y: Int32Array.from([1, 1, 2, 0, 0, 2]) });
  assert.equal(twoWrong.error, 2 / 6);
  assert.ok(Math.abs(twoWrong.meanConfidenceOnErrors - (conf[0] + conf[3]) / 2) < 1e-6);
  const allRight = evaluate(argmaxModel(), { ...ds, y: Int32Array.from([0, 1, 2, 1, 0, 2]) });
  assert.equal(allRight.error, 0);
  assert.ok(Number.isNaN(allRight.meanConfidenceOnErrors), 'no errors: NaN, not 0');
  for (const bs of [1, 4]) assert.deepEqual(evaluate(argmaxModel(), ds, bs), ev, `batch size ${bs} gives the same result`);
});

test('evaluate: the binary head uses max(σ(z), 1 − σ(z)) as confidence', () => {
  const clf = logisticRegression({ seed: 1, inputSize: 1 });
  tf.tidy(() => clf.net.setWeights([tf.tensor2d([[3]]), tf.tensor1d([-1.5])])); // z = 3x − 1.5
  const xs = [0, 0.4, 0.6, 1];
  const ev = evaluate(clf, {
    x: Float32Array.from(xs),
    y: Int32Array.from([0, 1, 1, 1]),
    n: 4,
    d: 1,
    classes: 2,
    side: 0,
    description: 'b',
  });
  assert.deepEqual(Array.from(ev.predictions), [0, 0, 1, 1]);
  assert.equal(ev.error, 0.25);
  const p = xs.map(x => 1 / (1 + Math.exp(-(3 * x - 1.5))));
  p.forEach((v, i) => assert.ok(Math.abs(ev.confidence[i] - Math.max(v, 1 - v)) < 1e-6));
  assert.ok(Math.abs(ev.meanConfidenceOnErrors - (1 - p[1])) < 1e-6);
});

test('evaluate refuses data that does not fit the model', () => {
  const ds: Dataset = { x: new Float32Array(8), y: new Int32Array(2), n: 2, d: 4, classes: 3, side: 2, description: 'wrong' };
  assert.throws(() => evaluate(argmaxModel(), ds), /^Error: evaluate: wrong has 4 features, softmax expects 3\.$/);
  assert.throws(
    () => evaluate(argmaxModel(), { ...ds, d: 3, x: new Float32Array(6), classes: 10 }),
    /^Error: evaluate: wrong has 10 classes, softmax predicts 3\.$/,
  );
});

test('confusion: rows are true classes, columns predictions', () => {
  assert.deepEqual(confusion([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3), [
    [1, 1, 0],
    [0, 1, 0],
    [1, 0, 2],
  ]);
  assert.deepEqual(confusion(Int32Array.from([1, 1]), Int32Array.from([0, 0]), 2), [
    [0, 0],
    [2, 0],
  ]);
  assert.deepEqual(confusion([], [], 2), [
    [0, 0],
    [0, 0],
  ]);
  const m = confusion([0, 1, 2, 1], [2, 1, 0, 1], 3);
  assert.equal(
    m.flat().reduce((a, b) => a + b, 0),
    4,
    'counts add up to n',
  );
  assert.throws(() => confusion([0, 1], [0], 2), /^Error: confusion: 2 labels vs 1 predictions\.$/);
  assert.throws(() => confusion([0, 3], [0, 1], 3), /^Error: confusion: label 3 at index 1 is outside 0\.\.2\.$/);
  assert.throws(() => confusion([0, 1], [0, -1], 3), /^Error: confusion: prediction -1 at index 1 is outside 0\.\.2\.$/);
});

test('agreement: the fraction of equal predictions', () => {
  assert.equal(agreement([1, 2, 3, 4], [1, 2, 0, 4]), 0.75);
  assert.equal(agreement(Int32Array.from([5, 5]), Int32Array.from([5, 5])), 1);
  assert.equal(agreement([1, 2], [2, 1]), 0);
  assert.throws(() => agreement([1, 2, 3], [1, 2]), /^Error: agreement: 3 vs 2 predictions\.$/);
});
