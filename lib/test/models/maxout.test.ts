// The maxout unit: its value is the max of each group of pieces, and its hand-written gradient
// (upstream gradient to the winning piece only) equals tfjs's generic Max gradient.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, maxoutOp, Maxout } from '../../src/internals';
import { randomTensor } from '../helpers';

before(async () => {
  await initBackend();
});

const rand = (shape: [number, number], seed: number) => randomTensor(shape, seed, -2, 2) as tf.Tensor2D;

test('maxoutOp: the max over consecutive groups of `pieces` columns', () => {
  const z = tf.tensor2d([
    [1, 5, 2, -1, -3, -2],
    [0, 0, 7, 4, 9, 1],
  ]);
  assert.deepEqual(
    tf.tidy(() => maxoutOp(z, 3).arraySync()),
    [
      [5, -1],
      [7, 9],
    ],
  );
  assert.deepEqual(
    tf.tidy(() => maxoutOp(z, 2).arraySync()),
    [
      [5, 2, -2],
      [0, 7, 9],
    ],
  );
  assert.deepEqual(
    tf.tidy(() => maxoutOp(z, 1).arraySync()),
    z.arraySync(),
    'one piece is the identity',
  );
  assert.throws(() => maxoutOp(z, 4), /^Error: maxout: 6 columns cannot be split into groups of 4 pieces\.$/);
  assert.throws(() => maxoutOp(z, 0), /groups of 0 pieces/);
  assert.throws(() => maxoutOp(z, 1.5), /groups of 1\.5 pieces/);
  z.dispose();
});

test('the custom gradient equals tf.grad of reshape + max on random input', () => {
  for (const [rows, units, pieces, seed] of [
    [5, 4, 3, 1],
    [8, 7, 5, 2],
    [3, 10, 2, 3],
  ]) {
    const z = rand([rows, units * pieces], seed),
      dy = rand([rows, units], seed + 100);
    const before = tf.memory().numTensors;
    const fast = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(maxoutOp(x as tf.Tensor2D, pieces), dy)))(z);
    const generic = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.max(tf.reshape(x, [-1, units, pieces]), 2), dy)))(z);
    const a = fast.dataSync(),
      b = generic.dataSync();
    assert.deepEqual(a, b, `rows ${rows}, units ${units}, pieces ${pieces}`);
    // Exactly one non-zero entry per group: the winner gets dy.
    const nonZero = a.filter(v => v !== 0).length;
    assert.equal(nonZero, rows * units);
    tf.dispose([fast, generic]);
    assert.equal(tf.memory().numTensors, before, 'the gradient leaves no saved tensors behind');
    const v1 = tf.tidy(() => maxoutOp(z, pieces).dataSync()),
      v2 = tf.tidy(() => tf.max(tf.reshape(z, [-1, units, pieces]), 2).dataSync());
    assert.deepEqual(v1, v2, 'same forward values');
    tf.dispose([z, dy]);
  }
});

test('Maxout layer: output shape, config, and the same values as maxoutOp', () => {
  const layer = new Maxout({ pieces: 5, name: 'mx' });
  assert.deepEqual(layer.computeOutputShape([null, 1200]), [null, 240]);
  const cfg = layer.getConfig();
  assert.equal(cfg.pieces, 5);
  assert.equal(cfg.name, 'mx');
  const z = rand([3, 20], 9);
  const out = tf.tidy(() => (layer.apply(z) as tf.Tensor).arraySync() as number[][]);
  assert.deepEqual(
    out,
    tf.tidy(() => maxoutOp(z, 5).arraySync()),
  );
  assert.equal(out[0].length, 4);
  assert.equal(tf.serialization.SerializationMap.getMap().classNameMap.Maxout?.[0], Maxout, 'registered for deserialization');
  z.dispose();
});
