// The random-noise controls: max-norm ε, seeded, clipped to [0, 1].
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Dataset, addNoise, noiseDataset } from '../../src/internals';

before(async () => {
  await initBackend();
});

const D = 50;
const flat = (n: number, v: number): Dataset => ({
  x: new Float32Array(n * D).fill(v),
  y: new Int32Array(n),
  n,
  d: D,
  classes: 10,
  side: 0,
  description: 'flat',
});

test('sign noise moves every pixel by exactly ±ε; uniform noise stays within ε and is spread out', () => {
  const x = tf.fill([20, D], 0.5) as tf.Tensor2D,
    eps = 0.1;
  const s = tf.tidy(() => addNoise(x, eps, 'sign', 1).dataSync()),
    u = tf.tidy(() => addNoise(x, eps, 'uniform', 1).dataSync());
  let plus = 0,
    absSum = 0;
  for (let i = 0; i < s.length; i++) {
    const ds = s[i] - 0.5,
      du = u[i] - 0.5;
    assert.ok(Math.abs(Math.abs(ds) - eps) < 1e-6, `sign noise at ${i}: ${ds}`);
    if (ds > 0) plus++;
    assert.ok(Math.abs(du) <= eps + 1e-6, `uniform noise at ${i}: ${du}`);
    absSum += Math.abs(du);
  }
  assert.ok(Math.abs(plus / s.length - 0.5) < 0.1, `half the signs are + (${plus} of ${s.length})`);
  const meanAbs = absSum / u.length;
  assert.ok(Math.abs(meanAbs - eps / 2) < 0.01, `mean |uniform noise| ≈ ε/2: ${meanAbs}`);
  x.dispose();
});

test('same seed same noise, different seed different noise', () => {
  const x = tf.fill([4, D], 0.5) as tf.Tensor2D;
  const n = (seed: number, kind: 'sign' | 'uniform') => tf.tidy(() => addNoise(x, 0.2, kind, seed).dataSync());
  assert.deepEqual(n(3, 'sign'), n(3, 'sign'));
  assert.notDeepEqual(n(3, 'sign'), n(4, 'sign'));
  assert.deepEqual(n(3, 'uniform'), n(3, 'uniform'));
  assert.notDeepEqual(n(3, 'uniform'), n(4, 'uniform'));
  x.dispose();
});

test('results are clipped to [0, 1]', () => {
  for (const v of [0, 1]) {
    const x = tf.fill([10, D], v) as tf.Tensor2D;
    const out = tf.tidy(() => addNoise(x, 0.3, 'sign', 5).dataSync());
    assert.ok(out.every(a => a >= 0 && a <= 1));
    assert.ok(
      out.some(a => a === v) && out.some(a => Math.abs(a - Math.abs(v - 0.3)) < 1e-6),
      'half the pixels clipped back, half moved inward',
    );
    x.dispose();
  }
});

test('noiseDataset: max-norm ε, seeded, labels kept, each batch its own noise', () => {
  const ds = flat(2500, 0.5);
  const a = noiseDataset(ds, 0.05, 'sign', 9),
    b = noiseDataset(ds, 0.05, 'sign', 9),
    c = noiseDataset(ds, 0.05, 'sign', 10);
  assert.equal(a.n, 2500);
  assert.equal(a.y, ds.y);
  assert.match(a.description, /^flat, sign noise ε=0\.05$/);
  assert.ok(a.x.every(v => Math.abs(Math.abs(v - 0.5) - 0.05) < 1e-6));
  assert.deepEqual(a.x, b.x);
  assert.notDeepEqual(a.x, c.x);
  const rowsOf = (arr: Float32Array, from: number) => Array.from(arr.subarray(from * D, (from + 5) * D));
  assert.notDeepEqual(rowsOf(a.x, 1000), rowsOf(a.x, 0), 'the second batch does not repeat the first');
  const u = noiseDataset(ds, 0.05, 'uniform', 9);
  assert.ok(u.x.every(v => Math.abs(v - 0.5) <= 0.05 + 1e-6));
  assert.throws(() => noiseDataset(ds, 1.2, 'sign', 1), /^Error: epsilon = 1\.2: expected a number in \[0, 1\]/);
  assert.throws(() => noiseDataset(ds, 0.1, 'sign', -4), /seed must be a non-negative integer, got -4/);
  const x = tf.zeros([1, D]) as tf.Tensor2D;
  assert.throws(() => addNoise(x, NaN, 'uniform', 1), /^Error: epsilon = NaN/);
  x.dispose();
});
