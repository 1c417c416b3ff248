// ε sweeps: evenly spaced ε values, and error/confidence at each ε equal to evaluating the attack.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Classifier,
  Dataset,
  epsilonRange,
  epsilonSweep,
  evaluate,
  fgsmDataset,
  logisticRegression,
  softmaxRegression,
} from '../../src/internals';
import { syntheticDataset } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 10;
const data = (n: number, seed: number, classes: number) => syntheticDataset(n, D, classes, seed);
function fittedLogistic(ds: Dataset): Classifier {
  // w points from class 0's mean to class 1's mean, so the clean error is below chance.
  const clf = logisticRegression({ seed: 1, inputSize: D });
  const m = [new Float64Array(D), new Float64Array(D)],
    c = [0, 0];
  for (let i = 0; i < ds.n; i++) {
    c[ds.y[i]]++;
    for (let j = 0; j < D; j++) m[ds.y[i]][j] += ds.x[i * D + j];
  }
  const w = Array.from({ length: D }, (_, j) => 20 * (m[1][j] / c[1] - m[0][j] / c[0]));
  const b = -w.reduce((a, v, j) => a + (v * (m[0][j] / c[0] + m[1][j] / c[1])) / 2, 0);
  tf.tidy(() => clf.net.setWeights([tf.tensor2d(w.map(v => [v])), tf.tensor1d([b])]));
  return clf;
}

test('epsilonRange: evenly spaced, both ends included, rounded to 6 decimals', () => {
  assert.deepEqual(epsilonRange(0, 0.25, 6), [0, 0.05, 0.1, 0.15, 0.2, 0.25]);
  assert.deepEqual(epsilonRange(0, 1, 2), [0, 1]);
  assert.deepEqual(epsilonRange(0.3, 0.1, 3), [0.3, 0.2, 0.1]);
  const r = epsilonRange(0, 0.1, 4);
  assert.deepEqual(r, [0, 0.033333, 0.066667, 0.1]);
  for (const bad of [1, 0, 2.5, NaN])
    assert.throws(() => epsilonRange(0, 1, bad), new RegExp(`^Error: epsilonRange: points = ${bad}, expected an integer ≥ 2\\.$`));
});

test('epsilonSweep equals evaluate on the FGSM dataset at each ε (clean at ε = 0)', () => {
  const ds = data(60, 1, 3),
    clf = softmaxRegression({ seed: 2, inputSize: D, classes: 3 });
  const eps = [0, 0.05, 0.2];
  const sweep = epsilonSweep(clf, ds, eps);
  assert.deepEqual(
    sweep.map(p => p.epsilon),
    eps,
  );
  eps.forEach((e, i) => {
    const ev = evaluate(clf, e === 0 ? ds : fgsmDataset(clf, ds, e));
    assert.equal(sweep[i].error, ev.error, `ε ${e}: error`);
    assert.ok(
      Object.is(sweep[i].meanConfidenceOnErrors, ev.meanConfidenceOnErrors) ||
        sweep[i].meanConfidenceOnErrors === ev.meanConfidenceOnErrors,
    );
  });
});

test('for logistic regression the FGSM error never decreases with ε, and reaches 100 %', () => {
  const ds = data(200, 3, 2),
    clf = fittedLogistic(ds);
  const sweep = epsilonSweep(clf, ds, epsilonRange(0, 0.5, 11));
  assert.ok(sweep[0].error < 0.4, `clean error ${sweep[0].error}`);
  for (let i = 1; i < sweep.length; i++)
    assert.ok(sweep[i].error >= sweep[i - 1].error, `ε ${sweep[i].epsilon}: ${sweep[i].error} < ${sweep[i - 1].error}`);
  assert.equal(sweep[sweep.length - 1].error, 1, 'ε = .5 flips every example of this weak model');
});

test('a custom attack is called for each non-zero ε, and bad ε are refused before any work', () => {
  const ds = data(20, 4, 3),
    clf = softmaxRegression({ seed: 5, inputSize: D, classes: 3 });
  const calls: number[] = [];
  const identity = (_c: Classifier, d: Dataset, e: number) => {
    calls.push(e);
    return d;
  };
  const sweep = epsilonSweep(clf, ds, [0, 0.1, 0.3], identity);
  assert.deepEqual(calls, [0.1, 0.3]);
  assert.ok(
    sweep.every(p => p.error === sweep[0].error),
    'an attack that changes nothing leaves the error flat',
  );
  calls.length = 0;
  assert.throws(() => epsilonSweep(clf, ds, [0.1, 1.5], identity), /^Error: epsilon = 1\.5: expected a number in \[0, 1\]/);
  assert.deepEqual(calls, [], 'nothing ran');
});
