// The wasm BatchMatMul replacement (transpose flags handled by an explicit transpose) must give
// the same numbers as the cpu backend for every flag combination, batched or not, and in the
// MatMul gradient that uses those flags.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, swappedProducts, withoutFastKernels, withoutNativeBlas } from '../../src/internals';
import { randomTensor } from '../helpers';

let backend = '';
before(async () => {
  backend = await initBackend();
});

const rand = (shape: number[], seed: number) => randomTensor(shape, seed);

/** Runs `f` on the cpu backend and on the current one; returns both results as arrays. */
async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ here: Float32Array[]; cpu: Float32Array[] }> {
  const run = () => {
    const out = tf.tidy(f);
    const arr = Array.isArray(out) ? out : [out];
    const v = arr.map(t => t.dataSync() as Float32Array);
    tf.dispose(arr);
    return v;
  };
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
  if (backend !== 'wasm') {
    t.skip(`the fast kernels are wasm-only (backend is ${backend})`);
    return;
  }
  const before = tf.memory().numTensors;
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    const a = rand(ta ? [5, 3] : [3, 5], 1),
      b = rand(tb ? [4, 5] : [5, 4], 2);
    const { here, cpu } = await onBoth(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb));
    assertAllClose(here[0], cpu[0], `matMul(transposeA=${ta}, transposeB=${tb})`);
    const a3 = rand(ta ? [2, 5, 3] : [2, 3, 5], 3),
      b3 = rand(tb ? [2, 4, 5] : [2, 5, 4], 4);
    const r3 = await onBoth(() => tf.matMul(a3 as tf.Tensor3D, b3 as tf.Tensor3D, ta, tb));
    assertAllClose(r3.here[0], r3.cpu[0], `batched matMul(transposeA=${ta}, transposeB=${tb})`);
    tf.dispose([a, b, a3, b3]);
  }
  assert.equal(tf.memory().numTensors, before, 'the temporary transposes are freed');
});

test('the MatMul gradient (which sets the transpose flags) matches the cpu backend', async t => {
  if (backend !== 'wasm') {
    t.skip(`the fast kernels are wasm-only (backend is ${backend})`);
    return;
  }
  const a = rand([6, 7], 5) as tf.Tensor2D,
    b = rand([7, 3], 6) as tf.Tensor2D;
  const { here, cpu } = await onBoth(() =>
    tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D))))([a, b]),
  );
  assertAllClose(here[0], cpu[0], 'dL/da');
  assertAllClose(here[1], cpu[1], 'dL/db');
  tf.dispose([a, b]);
});

test('products computed as (Bᵀ·Aᵀ)ᵀ are bit-for-bit the plain ones, and only where it pays', async t => {
  if (backend !== 'wasm') {
    t.skip(`the fast kernels are wasm-only (backend is ${backend})`);
    return;
  }
  const before = tf.memory().numTensors;
  const a = rand([8, 64], 11) as tf.Tensor2D,
    dy = rand([8, 96], 12) as tf.Tensor2D,
    big = rand([64, 96], 13) as tf.Tensor2D;
  // A new weight matrix under a tape (a training step's forward product) and A·Wᵀ (an input gradient).
  const forward = (w: tf.Tensor2D) => tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, w))))(a);
  const inputGrad = () => tf.matMul(dy, big, false, true);
  // The transposed form is part of the wasm route (with the native BLAS on, products skip it).
  const { w1, w2, w3, second, viaSwap, plain, again } = withoutNativeBlas(() => {
    const s0 = swappedProducts();
    // Copies of their own (tf.clone shares memory now: speed-up 5), so each is a new weight matrix.
    const copy = () => withoutFastKernels(() => tf.clone(big), 'identity') as tf.Tensor2D;
    const w1 = copy(),
      w2 = copy();
    const viaSwap = [forward(w1), inputGrad()];
    assert.ok(swappedProducts() - s0 >= 2, `the forward product and A·Wᵀ took the transposed form (${swappedProducts() - s0} swaps)`);
    const s1 = swappedProducts();
    const plain = withoutFastKernels(() => [forward(w2), inputGrad()], 'swap');
    assert.equal(swappedProducts(), s1, 'withoutFastKernels(…, "swap") turns it off');
    for (let i = 0; i < 2; i++) assert.deepEqual(viaSwap[i].dataSync(), plain[i].dataSync(), `result ${i} bit-for-bit`);
    // A W used twice under a tape (an adversarial step) or once for inference is then packed and
    // reused; outside a tape nothing is swapped; nor when Aᵀ would be larger than B.
    const gradW = (w: tf.Tensor2D) => tf.grad(v => tf.sum(tf.square(tf.matMul(a, v as tf.Tensor2D))))(w); // needs no A·Wᵀ
    const s2 = swappedProducts();
    const second = gradW(w1);
    assert.equal(swappedProducts(), s2 + 1, 'the second product with w1 under a tape is swapped');
    const w3 = copy();
    const again = [gradW(w1), tf.matMul(a, w3), gradW(w3), tf.matMul(rand([512, 96], 15) as tf.Tensor2D, big, false, true)];
    assert.equal(swappedProducts(), s2 + 1, 'no swap for a third use, for inference, after inference, or when Aᵀ is larger than B');
    return { w1, w2, w3, second, viaSwap, plain, again };
  });
  const { here, cpu } = await onBoth(() => tf.matMul(dy, big, false, true));
  assertAllClose(here[0], cpu[0], 'A·Wᵀ vs the cpu backend');
  tf.dispose([a, dy, big, w1, w2, w3, second, ...viaSwap, ...plain, ...again]);
  assert.ok(tf.memory().numTensors <= before + 1, 'temporaries freed'); // the rand() tensor inside `again`
});

test('Identity shares memory on wasm: clones and saved tensors hold the same values, and memory is freed', t => {
  if (backend !== 'wasm') {
    t.skip(`speed-up 5 is for wasm (backend is ${backend})`);
    return;
  }
  const be = tf.backend() as unknown as { numDataIds(): number };
  const ids = be.numDataIds(),
    bytes = tf.memory().numBytes;
  const x = rand([300, 7], 1);
  const want = Array.from(x.dataSync());
  const c = tf.clone(x);
  assert.equal(be.numDataIds(), ids + 1, 'the clone holds no memory of its own');
  const copied = withoutFastKernels(() => tf.clone(x), 'identity');
  assert.equal(be.numDataIds(), ids + 2, "tfjs's own Identity copies");
  x.dispose();
  assert.deepEqual(Array.from(c.dataSync()), want, 'the clone keeps its values after the original is disposed');
  assert.deepEqual(Array.from(copied.dataSync()), want);
  tf.dispose([c, copied]);
  assert.equal(be.numDataIds(), ids, 'every block freed');
  assert.equal(tf.memory().numBytes, bytes);
  // A training step (gradients save tensors through Identity) gives the same weights either way.
  const step = () => {
    const w0 = rand([7, 5], 2),
      w = tf.variable(w0),
      v = rand([300, 7], 3);
    const opt = tf.train.sgd(0.1);
    for (let i = 0; i < 3; i++)
      tf.dispose(opt.minimize(() => tf.sum(tf.square(tf.tanh(tf.matMul(v as tf.Tensor2D, w)))) as tf.Scalar, true) ?? []);
    const out = Array.from(w.dataSync());
    tf.dispose([w0, w, v]);
    opt.dispose();
    return out;
  };
  assert.deepEqual(step(), withoutFastKernels(step, 'identity'), 'weights after 3 SGD steps');
  assert.equal(be.numDataIds(), ids, 'the steps left no memory behind');
});
