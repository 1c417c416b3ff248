// The wasm BatchMatMul replacement (transpose flags handled by an explicit transpose) must give
// the same numbers as the cpu backend for every flag combination, batched or not, and in the
// MatMul gradient that uses those flags.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, rng } from '../src/index';

let backend = '';
before(async () => { backend = await initBackend(); });

const rand = (shape: number[], seed: number) => { const r = rng(seed); return tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r() * 2 - 1), shape); };

/** Runs `f` on the cpu backend and on the current one; returns both results as arrays. */
async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ here: Float32Array[]; cpu: Float32Array[] }> {
  const run = () => { const out = tf.tidy(f); const arr = (Array.isArray(out) ? out : [out]); const v = arr.map(t => t.dataSync() as Float32Array); tf.dispose(arr); return v; };
  const here = run();
  const current = tf.getBackend();
  await tf.setBackend('cpu');
  const cpu = run();
  await tf.setBackend(current);
  return { here, cpu };
}

function assertAllClose(a: Float32Array, b: Float32Array, what: string) {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-5 * (1 + Math.abs(b[i])), `${what} [${i}]: ${a[i]} vs ${b[i]}`);
}

test('matMul with every transpose combination matches the cpu backend', async t => {
  if (backend !== 'wasm') { t.skip(`the fast kernels are wasm-only (backend is ${backend})`); return; }
  const before = tf.memory().numTensors;
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = rand(ta ? [5, 3] : [3, 5], 1), b = rand(tb ? [4, 5] : [5, 4], 2);
    const { here, cpu } = await onBoth(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb));
    assertAllClose(here[0], cpu[0], `matMul(transposeA=${ta}, transposeB=${tb})`);
    const a3 = rand(ta ? [2, 5, 3] : [2, 3, 5], 3), b3 = rand(tb ? [2, 4, 5] : [2, 5, 4], 4);
    const r3 = await onBoth(() => tf.matMul(a3 as tf.Tensor3D, b3 as tf.Tensor3D, ta, tb));
    assertAllClose(r3.here[0], r3.cpu[0], `batched matMul(transposeA=${ta}, transposeB=${tb})`);
    tf.dispose([a, b, a3, b3]);
  }
  assert.equal(tf.memory().numTensors, before, 'the temporary transposes are freed');
});

test('the MatMul gradient (which sets the transpose flags) matches the cpu backend', async t => {
  if (backend !== 'wasm') { t.skip(`the fast kernels are wasm-only (backend is ${backend})`); return; }
  const a = rand([6, 7], 5) as tf.Tensor2D, b = rand([7, 3], 6) as tf.Tensor2D;
  const { here, cpu } = await onBoth(() => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D))))([a, b]));
  assertAllClose(here[0], cpu[0], 'dL/da'); assertAllClose(here[1], cpu[1], 'dL/db');
  tf.dispose([a, b]);
});
