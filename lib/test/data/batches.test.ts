// Mini-batching: every example exactly once, in order or in a given order, tensors freed.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Dataset, forEachBatch, mapBatches, MAX_BATCH, permutation } from '../../src/internals';

before(async () => { await initBackend(); });

const D = 3;
const ds = (n: number): Dataset => ({
  x: Float32Array.from({ length: n * D }, (_, k) => Math.floor(k / D) + (k % D) / 10), y: Int32Array.from({ length: n }, (_, i) => i),
  n, d: D, classes: n, side: 0, description: 'rows',
});

test('forEachBatch covers every row once, in order, with the last batch short', () => {
  const seen: number[] = [], sizes: number[] = [];
  const before = tf.memory().numTensors;
  forEachBatch(ds(10), 4, b => {
    sizes.push(b.size);
    assert.deepEqual(b.x.shape, [b.size, D]); assert.equal(b.y.dtype, 'int32');
    const y = Array.from(b.y.dataSync()), x = b.x.arraySync();
    y.forEach((v, i) => { seen.push(v); assert.equal(v, b.start + i); assert.deepEqual(x[i].map(a => Math.round(a * 10) / 10), [v, v + 0.1, v + 0.2]); });
  });
  assert.deepEqual(sizes, [4, 4, 2]);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(tf.memory().numTensors, before, 'batch tensors are disposed');
});

test('forEachBatch with an order gathers those rows', () => {
  const order = permutation(11, 3), seen: number[] = [];
  forEachBatch(ds(11), 5, b => {
    const x = b.x.arraySync();
    Array.from(b.y.dataSync()).forEach((v, i) => { seen.push(v); assert.equal(Math.round(x[i][0]), v, 'x row matches its label'); });
  }, order);
  assert.deepEqual(seen, Array.from(order));
});

test('tensors are freed even when the callback throws; bad batch sizes are refused', () => {
  const before = tf.memory().numTensors;
  assert.throws(() => forEachBatch(ds(5), 2, () => { throw new Error('boom'); }), /boom/);
  assert.equal(tf.memory().numTensors, before);
  for (const bad of [0, -1, 2.5, MAX_BATCH + 1]) {
    assert.throws(() => forEachBatch(ds(5), bad, () => undefined), new RegExp(`^Error: batchSize = ${bad}: expected an integer in 1\\.\\.2000\\.$`));
  }
});

test('mapBatches concatenates per-batch results in order', () => {
  const before = tf.memory().numTensors;
  const out = mapBatches(ds(7), 3, b => tf.mul(b.x, 2));
  assert.equal(out.length, 7 * D);
  for (let k = 0; k < out.length; k++) assert.ok(Math.abs(out[k] - 2 * (Math.floor(k / D) + (k % D) / 10)) < 1e-6);
  const sums = mapBatches(ds(7), 2, b => tf.sum(b.x, 1, true));
  assert.equal(sums.length, 7);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(mapBatches({ ...ds(1), n: 0, x: new Float32Array(0), y: new Int32Array(0) }, 4, b => b.x).length, 0);
});
