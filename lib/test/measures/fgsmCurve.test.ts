// fgsmErrorCurve (one gradient, many ε) equals evaluating fgsmDataset at each ε; the predicted-label
// variant equals fgsmPredictedDataset; lossAlongDirections starts at the clean loss and, on a linear
// model, rises faster along the FGSM direction than along random signs. No leaks; clear errors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  softmaxRegression,
  fgsmErrorCurve,
  fgsmDataset,
  fgsmPredictedDataset,
  evaluate,
  lossAlongDirections,
  lossFromLogits,
  logits,
} from '../../src/internals';
import { syntheticDataset, tinyMaxout as helperMaxout } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 12;
const dataset = (n: number, seed: number, classes = 3) => syntheticDataset(n, D, classes, seed, `random rows ${seed}`);
const tinyMaxout = () => helperMaxout(D);

test('fgsmErrorCurve matches fgsmDataset + evaluate at every ε, from true or predicted labels', () => {
  const clf = tinyMaxout(),
    ds = dataset(50, 1),
    eps = [0, 0.05, 0.2, 0.5];
  const curve = fgsmErrorCurve(clf, ds, eps, { batchSize: 16 });
  const pred = fgsmErrorCurve(clf, ds, eps, { labels: 'predicted' });
  eps.forEach((e, k) => {
    const ev = evaluate(clf, e === 0 ? ds : fgsmDataset(clf, ds, e));
    assert.equal(curve[k].epsilon, e);
    assert.ok(Math.abs(curve[k].error - ev.error) < 1e-12, `ε ${e}: ${curve[k].error} vs ${ev.error}`);
    if (ev.error > 0) assert.ok(Math.abs(curve[k].meanConfidenceOnErrors - ev.meanConfidenceOnErrors) < 1e-5);
    const evp = evaluate(clf, fgsmPredictedDataset(clf, ds, e));
    assert.ok(Math.abs(pred[k].error - evp.error) < 1e-12, `predicted labels, ε ${e}: ${pred[k].error} vs ${evp.error}`);
  });
});

test('lossAlongDirections: clean loss at t = 0; on a linear model the FGSM direction beats random signs', () => {
  const clf = softmaxRegression({ seed: 2, inputSize: D, classes: 3 }),
    ds = dataset(40, 2);
  const ts = [0, 0.1, 0.2, 0.3];
  const r = lossAlongDirections(clf, ds, ts, 5, { batchSize: 16 });
  const clean = tf.tidy(
    () => tf.mean(lossFromLogits(clf.head, logits(clf, tf.tensor2d(ds.x, [ds.n, D])), tf.tensor1d(ds.y, 'int32'), 3)).dataSync()[0],
  );
  assert.ok(Math.abs(r.fgsm[0] - clean) < 1e-5 && Math.abs(r.random[0] - clean) < 1e-5, 'both curves start at the clean loss');
  for (let k = 1; k < ts.length; k++) {
    assert.ok(r.fgsm[k] > r.random[k], `t = ${ts[k]}: FGSM ${r.fgsm[k]} should exceed random ${r.random[k]}`);
    assert.ok(r.fgsm[k] > r.fgsm[k - 1], 'the loss rises along the FGSM direction of a linear model');
  }
  assert.deepEqual(
    lossAlongDirections(clf, ds, ts, 5, { batchSize: 16 }).random,
    r.random,
    'same seed and batch size, same random directions',
  );
});

test('no leaks, and bad input is refused', () => {
  const clf = tinyMaxout(),
    ds = dataset(20, 3);
  const before = tf.memory().numTensors;
  fgsmErrorCurve(clf, ds, [0.1, 0.2]);
  fgsmErrorCurve(clf, ds, [0.1], { labels: 'predicted' });
  lossAlongDirections(clf, ds, [0, 0.1], 1);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => fgsmErrorCurve(clf, ds, [0.1, 1.5]), /epsilons\[1\] = 1.5/);
  assert.throws(() => fgsmErrorCurve(clf, ds, []), /at least one ε/);
  assert.throws(() => fgsmErrorCurve(clf, ds, [0.1], { labels: 'oracle' as 'true' }), /labels = 'oracle'/);
  assert.throws(() => lossAlongDirections(clf, ds, [-0.1], 1), /ts\[0\] = -0.1/);
  assert.throws(() => lossAlongDirections(clf, ds, [0.1], -2), /seed must be a non-negative integer/);
  const wide = { ...ds, d: D + 1, x: new Float32Array(20 * (D + 1)), description: 'wide rows' };
  assert.throws(() => fgsmErrorCurve(clf, wide, [0.1]), /wide rows has 13 features/);
  assert.throws(() => lossAlongDirections(clf, wide, [0.1], 1), /wide rows has 13 features/);
});
