// SeededDropout: a fresh mask at every training call, the same sequence of masks for the same
// seed, identity at inference, and inverted scaling so the expected activation is unchanged.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, SeededDropout } from '../../src/internals';

before(async () => {
  await initBackend();
});

const ones = () => tf.ones([8, 50]);
/** The outputs of `calls` training-mode calls of a fresh layer. */
function masks(rate: number, seed: number, calls: number): Float32Array[] {
  const layer = new SeededDropout({ rate, seed });
  const x = ones();
  const out = Array.from({ length: calls }, () =>
    tf.tidy(() => (layer.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array),
  );
  x.dispose();
  return out;
}

test('a different mask at each call, the same sequence for the same seed', () => {
  const [a1, a2, a3] = masks(0.5, 7, 3),
    [b1, b2, b3] = masks(0.5, 7, 3),
    [c1] = masks(0.5, 8, 1);
  assert.notDeepEqual(a1, a2, 'call 2 draws a new mask');
  assert.notDeepEqual(a2, a3, 'call 3 draws a new mask');
  assert.deepEqual([b1, b2, b3], [a1, a2, a3], 'same seed, same masks in the same order');
  assert.notDeepEqual(c1, a1, 'different seed, different mask');
});

test('kept units are scaled by 1/(1 − rate), about 1 − rate of them are kept', () => {
  for (const rate of [0.2, 0.5]) {
    const [m] = masks(rate, 3, 1);
    const kept = m.filter(v => v !== 0);
    assert.ok(
      kept.every(v => Math.abs(v - 1 / (1 - rate)) < 1e-6),
      `rate ${rate}: kept values are ${1 / (1 - rate)}`,
    );
    const frac = kept.length / m.length;
    // 400 units: sd of the kept fraction ≤ 0.025; allow 4 sd.
    assert.ok(Math.abs(frac - (1 - rate)) < 0.1, `rate ${rate}: kept fraction ${frac}`);
  }
});

test('inference (training false or absent) and rate 0 are the identity; bad rates are refused', () => {
  const layer = new SeededDropout({ rate: 0.5, seed: 1 });
  const x = tf.tensor2d([
    [0.1, 0.2],
    [0.3, 0.4],
  ]);
  assert.deepEqual(
    tf.tidy(() => (layer.apply(x, { training: false }) as tf.Tensor).arraySync()),
    x.arraySync(),
  );
  assert.deepEqual(
    tf.tidy(() => (layer.apply(x) as tf.Tensor).arraySync()),
    x.arraySync(),
  );
  assert.deepEqual(
    tf.tidy(() => (new SeededDropout({ rate: 0, seed: 1 }).apply(x, { training: true }) as tf.Tensor).arraySync()),
    x.arraySync(),
  );
  for (const bad of [1, -0.1, 1.5, NaN]) {
    assert.throws(() => new SeededDropout({ rate: bad, seed: 1 }), new RegExp(`^Error: dropout rate ${bad}: expected 0 ≤ rate < 1\\.$`));
  }
  const cfg = new SeededDropout({ rate: 0.3, seed: 99, name: 'd' }).getConfig();
  assert.equal(cfg.rate, 0.3);
  assert.equal(cfg.seed, 99);
  x.dispose();
});

test('no tensors leak from a training-mode call', () => {
  const layer = new SeededDropout({ rate: 0.5, seed: 2 });
  const x = ones();
  const before = tf.memory().numTensors;
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  y.dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
