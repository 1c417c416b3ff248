// The original maxout recipe's pieces: the max-norm constraint, the momentum ramp (and that it
// reaches tfjs's optimizer), exponential decay, U(±r) initialization, noise training points.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Dataset,
  maxoutNetwork,
  softmaxRegression,
  train,
  applyMaxColumnNorm,
  maxColumnNorm,
  denseKernels,
  momentumAt,
  setMomentum,
  decayedLearningRate,
  uniformNoiseTrainingPoints,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

test('applyMaxColumnNorm scales long columns to c and keeps short ones', () => {
  // Columns of [[3, 0.3], [4, 0.4]]: norms 5 and 0.5; with c = 1 the first becomes [.6, .8].
  const w = tf.variable(
    tf.tensor2d([
      [3, 0.3],
      [4, 0.4],
    ]),
  );
  applyMaxColumnNorm([w], 1);
  const v = w.arraySync() as number[][];
  for (const [got, want] of [
    [v[0][0], 0.6],
    [v[1][0], 0.8],
    [v[0][1], 0.3],
    [v[1][1], 0.4],
  ])
    assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
  assert.throws(() => applyMaxColumnNorm([w], 0), /maxColumnNorm = 0/);
  const n = tf.memory().numTensors;
  applyMaxColumnNorm([w], 0.5);
  maxColumnNorm([w]);
  assert.equal(tf.memory().numTensors, n, 'no leak');
  w.dispose();
});

test('momentum ramp, decay, and setMomentum really changes the step', () => {
  const ramp = { initial: 0.5, final: 0.7, saturateEpoch: 251 };
  assert.equal(momentumAt(ramp, 1), 0.5);
  assert.ok(Math.abs(momentumAt(ramp, 126) - 0.6) < 1e-12);
  assert.equal(momentumAt(ramp, 400), 0.7);
  assert.equal(momentumAt(0.9, 7), 0.9);
  assert.ok(Math.abs(decayedLearningRate(0.1, { factor: 2 }, 3) - 0.0125) < 1e-15);
  assert.equal(decayedLearningRate(0.1, { factor: 2, minLearningRate: 0.05 }, 3), 0.05);
  assert.throws(() => decayedLearningRate(0.1, { factor: 0.5 }, 1), /factor = 0.5/);
  // Two steps of gradient 1 on f(v) = v from v = 0, lr 1: v = −1 − (1 + m).
  const stepTwice = (m: number) => {
    const v = tf.variable(tf.scalar(0)),
      opt = tf.train.momentum(1, 0.1);
    setMomentum(opt, m);
    for (let i = 0; i < 2; i++) opt.minimize(() => v.mul(1).sum() as tf.Scalar);
    const out = v.dataSync()[0];
    v.dispose();
    opt.dispose();
    tf.SGDOptimizer.prototype.dispose.call(opt);
    return out;
  };
  assert.ok(Math.abs(stepTwice(0.5) - -2.5) < 1e-6, `m = .5: ${stepTwice(0.5)}`);
  assert.ok(Math.abs(stepTwice(0.7) - -2.7) < 1e-6);
});

test('train with maxColumnNorm keeps every dense column within c; initRange draws U(±r)', () => {
  const r = rng(1),
    D = 8,
    n = 64;
  const ds: Dataset = {
    x: Float32Array.from({ length: n * D }, () => r()),
    y: Int32Array.from({ length: n }, (_, i) => i % 2),
    n,
    d: D,
    classes: 2,
    side: 0,
    description: 's',
  };
  const clf = maxoutNetwork({ seed: 1, inputSize: D, units: 4, pieces: 2, classes: 2, initRange: 0.005 });
  assert.ok(
    clf.net
      .getWeights()
      .filter(w => w.rank === 2)
      .every(w => (w.dataSync() as Float32Array).every(v => Math.abs(v) <= 0.005)),
  );
  const big = softmaxRegression({ seed: 2, inputSize: D, classes: 2 });
  big.net.setWeights([tf.mul(tf.ones([D, 2]), 3), tf.zeros([2])]);
  train(big, ds, {
    seed: 1,
    epochs: 2,
    batchSize: 16,
    optimizer: 'sgd',
    learningRate: 0.5,
    momentum: { initial: 0.5, final: 0.7, saturateEpoch: 2 },
    schedule: 'exponential',
    decay: { factor: 1.01 },
    maxColumnNorm: 0.3,
  });
  assert.ok(maxColumnNorm(denseKernels(big)) <= 0.3 + 1e-6, `max column norm ${maxColumnNorm(denseKernels(big))}`);
  assert.throws(() => train(big, ds, { seed: 1, epochs: 1, schedule: 'exponential' }), /needs options.decay/);
  assert.throws(() => train(big, ds, { seed: 1, epochs: 1, momentum: { initial: 0.5, final: 0.7, saturateEpoch: 2 } }), /optimizer: 'sgd'/);
  clf.net.dispose();
  big.net.dispose();
});

test('uniform-noise training points stay within ε of x and in [0, 1], fresh per batch', () => {
  const f = uniformNoiseTrainingPoints(0.25, 3);
  const x = tf.tensor2d([[0, 0.5, 1, 0.2]]),
    y = tf.tensor1d([0], 'int32');
  const a = f(null as never, x, y, { epoch: 1, batch: 1 }),
    b = f(null as never, x, y, { epoch: 1, batch: 2 });
  const av = Array.from(a.dataSync()),
    bv = Array.from(b.dataSync()),
    xv = [0, 0.5, 1, 0.2];
  assert.ok(av.every((v, i) => Math.abs(v - xv[i]) <= 0.25 + 1e-7 && v >= 0 && v <= 1));
  assert.notDeepEqual(av, bv);
  assert.deepEqual(JSON.parse(JSON.stringify({ f })).f, { points: 'uniform noise', epsilon: 0.25, seed: 3 });
  tf.dispose([x, y, a, b]);
});
