// The native BLAS path (runtime/nativeBlas.ts) against wasm's own products on the same inputs, in
// one process: every transpose combination, odd and degenerate shapes, batches (equal, broadcast,
// empty), gradients and the fused Dense kernel; with wasm threads on, so the heap the addon writes
// into is a SharedArrayBuffer; no tensor or heap block is left behind. Where the addon is not
// built these tests are skipped with the reason (CI builds it: `npm test` then requires it).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  nativeBlas,
  nativeBlasMode,
  nativeProducts,
  withoutNativeBlas,
  blasThreadCount,
  setBlasThreads,
} from '../../src/internals';
import { randomTensor } from '../helpers';

process.env.AELAB_WASM_THREADS ??= '2'; // the threaded build: its heap is shared memory
let backend = '';
before(async () => {
  backend = await initBackend();
});

const rand = (shape: number[], seed: number) => randomTensor(shape, seed);

/** Why the native path can't be tested here, or null when it can. */
function unavailable(): string | null {
  if (backend !== 'wasm') return `the native BLAS serves the wasm backend (backend is ${backend})`;
  const s = nativeBlas();
  return s.active ? null : `native BLAS off: ${s.reason}`;
}

/** `f` natively and on wasm; asserts the native route was taken for `products` products. */
function bothPaths(
  f: () => tf.Tensor | tf.Tensor[],
  products: number | null = null,
): { native: tf.TypedArray[]; wasm: tf.TypedArray[]; shapes: number[][] } {
  const run = () => {
    const out = tf.tidy(f);
    const arr = Array.isArray(out) ? out : [out];
    const v = arr.map(t => t.dataSync());
    const shapes = arr.map(t => t.shape);
    tf.dispose(arr);
    return { v, shapes };
  };
  const p0 = nativeProducts();
  const n = run();
  if (products !== null) assert.equal(nativeProducts() - p0, products, `${products} product(s) ran natively`);
  const p1 = nativeProducts();
  const w = withoutNativeBlas(run);
  assert.equal(nativeProducts(), p1, 'withoutNativeBlas keeps every product on wasm');
  return { native: n.v, wasm: w.v, shapes: n.shapes };
}

function assertClose(a: tf.TypedArray, b: tf.TypedArray, what: string, tol = 1e-5) {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what} [${i}]: native ${a[i]} vs wasm ${b[i]}`);
}

test('AELAB_NATIVE and AELAB_BLAS_THREADS: values parsed, bad ones named with the fix', () => {
  const keep = { n: process.env.AELAB_NATIVE, t: process.env.AELAB_BLAS_THREADS };
  try {
    for (const [v, mode] of [
      ['0', 'off'],
      ['1', 'on'],
      ['', 'auto'],
    ] as const) {
      process.env.AELAB_NATIVE = v;
      assert.equal(nativeBlasMode(), mode);
    }
    delete process.env.AELAB_NATIVE;
    assert.equal(nativeBlasMode(), 'auto');
    process.env.AELAB_NATIVE = 'yes';
    assert.throws(() => nativeBlasMode(), /AELAB_NATIVE='yes': use 0 \(wasm only\), 1/);
    process.env.AELAB_BLAS_THREADS = '3';
    assert.equal(blasThreadCount(), 3);
    delete process.env.AELAB_BLAS_THREADS; // one per idle core: at least 1, at most 4 and the cores there are
    const idle = blasThreadCount();
    assert.ok(Number.isInteger(idle) && idle >= 1 && idle <= Math.min(4, require('os').cpus().length), `${idle} BLAS threads`);
    process.env.AELAB_BLAS_THREADS = '0';
    assert.throws(() => blasThreadCount(), /AELAB_BLAS_THREADS='0': expected an integer from 1 to 4/);
    process.env.AELAB_BLAS_THREADS = '5';
    assert.throws(() => blasThreadCount(), /AELAB_BLAS_THREADS='5': expected an integer from 1 to 4/);
  } finally {
    if (keep.n === undefined) delete process.env.AELAB_NATIVE;
    else process.env.AELAB_NATIVE = keep.n;
    if (keep.t === undefined) delete process.env.AELAB_BLAS_THREADS;
    else process.env.AELAB_BLAS_THREADS = keep.t;
  }
});

test('the native path is on unless AELAB_NATIVE=0, and says which BLAS', t => {
  if (process.env.AELAB_NATIVE === '0') {
    assert.equal(nativeBlas().active, false);
    assert.equal(nativeBlas().reason, 'AELAB_NATIVE=0');
    return;
  }
  const why = unavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const s = nativeBlas();
  assert.match(s.blas!, /^(OpenBLAS \d+\.\d+\.\d+|Accelerate)$/);
  assert.equal(s.reason, null);
  assert.ok(s.threads !== null && s.threads >= 0);
});

test('wasm threads on: the heap the addon writes into is shared memory', t => {
  const why = unavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
  assert.ok(wasm.HEAPU8.buffer instanceof SharedArrayBuffer, 'AELAB_WASM_THREADS=2 runs the threaded build');
  const r = bothPaths(() => tf.matMul(rand([33, 65], 1) as tf.Tensor2D, rand([65, 17], 2) as tf.Tensor2D), 1);
  assertClose(r.native[0], r.wasm[0], 'product on a shared heap');
});

test('every transpose combination and odd shapes equal wasm within float tolerance', t => {
  const why = unavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const before = tf.memory().numTensors;
  for (const [M, K, N] of [
    [1, 1, 1],
    [1, 7, 1],
    [3, 5, 4],
    [7, 13, 5],
    [129, 785, 33],
    [2, 1200, 240],
  ]) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = rand(ta ? [K, M] : [M, K], M * 31 + K),
        b = rand(tb ? [N, K] : [K, N], N * 17 + K);
      const r = bothPaths(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb), 1);
      assert.deepEqual(r.shapes[0], [M, N]);
      // Two summation orders of K products of U(−1, 1) values differ by a random walk of roundings,
      // ~√K·u·|partial sums|: seen 2.0e-5 at K = 785 on an AMD EPYC (OpenBLAS's Zen kernel), 2026-12-02.
      const tol = 1e-5 * Math.max(1, Math.sqrt(K) / 4);
      assertClose(r.native[0], r.wasm[0], `${M}×${K}·${K}×${N} transposeA=${ta} transposeB=${tb}`, tol);
      tf.dispose([a, b]);
    }
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('batches: equal, broadcast from 1, rank 4, and empty ones', t => {
  const why = unavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const cases: [number[], number[], boolean, boolean][] = [
    [[3, 5, 7], [3, 7, 4], false, false],
    [[3, 7, 5], [3, 4, 7], true, true],
    [[1, 5, 7], [4, 7, 3], false, false],
    [[4, 5, 7], [1, 3, 7], false, true],
    [[2, 3, 5, 6], [2, 3, 6, 4], false, false],
    [[4, 5, 7], [7, 3], false, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const a = rand(sa, sa.length * 7 + sa[0]),
      b = rand(sb, sb.length * 5 + sb[0]);
    const r = bothPaths(() => tf.matMul(a, b, ta, tb), 1);
    assertClose(r.native[0], r.wasm[0], `[${sa}]·[${sb}] (${ta}, ${tb})`);
    tf.dispose([a, b]);
  }
  // Empty: no work, the right shape, nothing read.
  for (const [sa, sb, shape] of [
    [
      [0, 5, 7],
      [0, 7, 3],
      [0, 5, 3],
    ],
    [
      [0, 7],
      [7, 3],
      [0, 3],
    ],
    [
      [5, 7],
      [7, 0],
      [5, 0],
    ],
  ] as const) {
    const p0 = nativeProducts();
    const c = tf.matMul(tf.zeros(sa as unknown as number[]), tf.zeros(sb as unknown as number[]));
    assert.deepEqual(c.shape, shape);
    assert.equal(c.size, 0);
    assert.equal(nativeProducts(), p0, 'an empty product calls no BLAS');
    c.dispose();
  }
  // K = 0: the sum over nothing is 0 (XNNPACK leaves such an output undefined, so compare with 0).
  const z = tf.matMul(tf.zeros([3, 0]) as tf.Tensor2D, tf.zeros([0, 4]) as tf.Tensor2D);
  assert.deepEqual(Array.from(z.dataSync()), new Array(12).fill(0));
  z.dispose();
});

test('gradients (transposed products) and a training step equal wasm', t => {
  const why = unavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const x = rand([16, 37], 3) as tf.Tensor2D,
    w = rand([37, 11], 4) as tf.Tensor2D;
  const loss = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.relu(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D))));
  const r = bothPaths(() => tf.grads(loss)([x, w]), 3); // forward, then x·... gradients: dy·wᵀ and xᵀ·dy
  assertClose(r.native[0], r.wasm[0], 'dL/dx');
  assertClose(r.native[1], r.wasm[1], 'dL/dw');
  // A Dense model: fit one batch a few steps on each path from the same weights.
  const fit = () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [37], units: 24, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const opt = tf.train.sgd(0.05),
      y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0], 'int32'), 5);
    for (let i = 0; i < 5; i++) tf.dispose(opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor), true) ?? []);
    const out = model.predict(x) as tf.Tensor;
    const keep = tf.keep(tf.clone(out));
    tf.dispose([out, y]);
    opt.dispose();
    model.layers.forEach(l => l.dispose());
    return keep;
  };
  const before = tf.memory().numTensors;
  const p0 = nativeProducts();
  const n = fit();
  assert.ok(nativeProducts() - p0 >= 5 * 4, 'the training steps ran natively');
  const wv = withoutNativeBlas(fit);
  assertClose(n.dataSync(), wv.dataSync(), 'outputs after 5 SGD steps', 1e-4);
  tf.dispose([n, wv, x, w]);
  assert.equal(tf.memory().numTensors, before, 'training left no tensor behind');
});

test('fused Dense inference (bias, relu) is native; other activations stay on wasm', t => {
  const why = unavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const x = rand([9, 31], 5) as tf.Tensor2D,
    w = rand([31, 6], 6) as tf.Tensor2D,
    bias = rand([6], 7) as tf.Tensor1D;
  // The reference is matMul + add (+ relu) on wasm: tfjs-wasm's own _FusedMatMul is wrong when
  // both transpose flags are set (4.22.0: its output differs from matMul + add by ~1 here).
  const reference = (a: tf.Tensor2D, b: tf.Tensor2D, ta: boolean, tb: boolean, act: string, withBias = true) =>
    withoutNativeBlas(() =>
      tf.tidy(() => {
        const y = withBias ? tf.add(tf.matMul(a, b, ta, tb), bias) : tf.matMul(a, b, ta, tb);
        return (act === 'relu' ? tf.relu(y) : y).dataSync();
      }),
    );
  for (const activation of ['linear', 'relu'] as const) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = ta ? tf.transpose(x) : x,
        b = tb ? tf.transpose(w) : w;
      const p0 = nativeProducts();
      const y = tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias, activation });
      assert.equal(nativeProducts() - p0, 1, 'one native product');
      assertClose(y.dataSync(), reference(a, b, ta, tb, activation), `fused ${activation} (${ta}, ${tb})`);
      tf.dispose([y, ...(ta ? [a] : []), ...(tb ? [b] : [])]);
    }
    const noBias = bothPaths(() => tf.fused.matMul({ a: x, b: w, activation }), 1);
    assertClose(noBias.native[0], reference(x, w, false, false, activation, false), `fused ${activation} without bias`);
  }
  const elu = bothPaths(() => tf.fused.matMul({ a: x, b: w, bias, activation: 'elu' }), 0);
  assertClose(elu.native[0], elu.wasm[0], 'elu: wasm on both');
  tf.dispose([x, w, bias]);
});

test('BLAS threads: 1 to 4 give the same products bit for bit; the addon refuses operands outside the heap', t => {
  const why = unavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const was = setBlasThreads(1);
  // Training's and FGSM's shapes, odd ones, one below the size that is handed to other threads.
  for (const [M, K, N, ta, tb] of [
    [128, 784, 1200, false, false],
    [784, 128, 1200, true, false],
    [128, 1200, 240, false, true],
    [1000, 784, 1200, false, false],
    [37, 513, 77, true, true],
    [200, 300, 150, false, false],
    [8, 16, 100, false, false],
  ] as const) {
    const a = rand(ta ? [K, M] : [M, K], M + K),
      b = rand(tb ? [N, K] : [K, N], N + K);
    setBlasThreads(1);
    const one = tf.tidy(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb).dataSync());
    for (const threads of [2, 3, 4]) {
      setBlasThreads(threads);
      assert.equal(nativeBlas().threads, threads);
      const p0 = nativeProducts();
      const many = tf.tidy(() => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb).dataSync());
      assert.equal(nativeProducts() - p0, 1, 'the product ran natively');
      assert.deepEqual(
        new Uint32Array(Float32Array.from(many).buffer),
        new Uint32Array(Float32Array.from(one).buffer),
        `${M}×${K}·${K}×${N}: ${threads} threads vs 1`,
      );
    }
    tf.dispose([a, b]);
  }
  setBlasThreads(was);
  const addon = require('aelab-native').addon;
  const heap = new Float32Array(16);
  assert.throws(() => addon.gemm(heap, 1, 4, 4, 4, 0, 0, 0, 0, 4, 0, 0, 0, -1, 0), /operand lies outside the heap/);
  assert.throws(() => addon.gemm([1, 2], 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0), /must be a Float32Array/);
  assert.throws(() => setBlasThreads(5), /setBlasThreads\(5\): expected an integer from 1 to 4/);
});

test('wasm heap blocks are freed: native products hold no more backend data than wasm ones', t => {
  const why = unavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const be = tf.backend() as unknown as { numDataIds(): number };
  const a = rand([64, 128], 10) as tf.Tensor2D,
    b = rand([128, 64], 11) as tf.Tensor2D;
  const step = () => {
    tf.dispose(
      tf.tidy(() =>
        tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D, false, true)))([a, tf.transpose(b)]),
      ),
    );
    tf.dispose(tf.tidy(() => tf.fused.matMul({ a, b, bias: tf.ones([64]), activation: 'relu' })));
    tf.dispose(tf.tidy(() => tf.matMul(tf.reshape(a, [2, 32, 128]), tf.reshape(tf.transpose(b), [1, 64, 128]), false, true)));
  };
  const growth = (f: () => void) => {
    step();
    const ids = be.numDataIds(),
      bytes = tf.memory().numBytes,
      n = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) f();
    assert.equal(tf.memory().numBytes, bytes, 'bytes held by tensors');
    assert.equal(tf.memory().numTensors, n, 'tensors');
    return be.numDataIds() - ids;
  };
  const p0 = nativeProducts();
  const native = growth(step);
  assert.equal(nativeProducts() - p0, 20 * 5 + 5, 'every product of the loop ran natively');
  assert.equal(
    native,
    withoutNativeBlas(() => growth(step)),
    'backend data ids: native vs wasm',
  );
  tf.dispose([a, b]);
});
