// The native addon's elementwise passes (runtime/nativeBlas.ts: maxout and its gradient, FGSM's
// sign step, dropout's mask) against the tfjs ops they replace, on the same inputs in one process:
// the same floats bit for bit, the native route taken, nothing left behind, and the addon refusing
// operands outside the heap. With wasm threads on, so the heap is a SharedArrayBuffer. Where the
// addon is not built these tests are skipped with the reason (`npm test` requires it when built).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  nativeBlas,
  nativeElementwisePasses,
  withoutNativeBlas,
  maxoutOp,
  rawFgsm,
  fgsm,
  SeededDropout,
  addNoise,
  nativeRandomUniform,
  exactSign,
  applyMaxColumnNorm,
  momentumOptimizer,
  setMomentum,
} from '../../src/internals';
import { randomTensor, tinyMaxout } from '../helpers';

process.env.AELAB_WASM_THREADS ??= '2'; // the threaded build: its heap is shared memory
let backend = '';
before(async () => {
  backend = await initBackend();
});

function unavailable(): string | null {
  if (backend !== 'wasm') return `the native addon serves the wasm backend (backend is ${backend})`;
  const s = nativeBlas();
  return s.active ? null : `native BLAS off: ${s.reason}`;
}

/** `f`'s outputs natively and on tfjs's ops; asserts that `passes` native passes ran. */
function bothPaths(f: () => tf.Tensor | tf.Tensor[], passes: number): { native: tf.TypedArray[]; tfjs: tf.TypedArray[] } {
  const run = () => {
    const out = tf.tidy(f);
    const arr = Array.isArray(out) ? out : [out];
    const v = arr.map(t => t.dataSync().slice());
    tf.dispose(arr);
    return v;
  };
  const p0 = nativeElementwisePasses();
  const native = run();
  assert.equal(nativeElementwisePasses() - p0, passes, `${passes} native elementwise pass(es)`);
  const p1 = nativeElementwisePasses();
  const tfjs = withoutNativeBlas(run);
  assert.equal(nativeElementwisePasses(), p1, 'withoutNativeBlas keeps every pass on tfjs ops');
  return { native, tfjs };
}

/** Bit-for-bit equality of two float arrays (NaN equals NaN, +0 and −0 differ). */
function assertSameBits(a: tf.TypedArray, b: tf.TypedArray, what: string) {
  assert.equal(a.length, b.length, `${what}: length`);
  const ua = new Uint32Array(Float32Array.from(a as Float32Array).buffer),
    ub = new Uint32Array(Float32Array.from(b as Float32Array).buffer);
  for (let i = 0; i < ua.length; i++) assert.equal(ua[i], ub[i], `${what} [${i}]: native ${a[i]} vs tfjs ${b[i]}`);
}

/** Rows with ties, negative values and tiny values, so the first-index rule and signs are exercised. */
function awkward(rows: number, cols: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const r = randomTensor([rows, cols], seed).dataSync() as Float32Array;
    for (let i = 0; i < r.length; i += 7) r[i] = r[i - (i % 3)] ?? r[i]; // repeated values: ties
    for (let i = 3; i < r.length; i += 11) r[i] = 0;
    for (let i = 5; i < r.length; i += 13) r[i] *= 1e-9; // below wasm's tf.sign threshold
    return tf.tensor2d(r, [rows, cols]);
  });
}

test('maxout forward: the same maxima as tf.max, winners and gradient as the tfjs route', t => {
  const why = unavailable();
  if (why) return t.skip(why);
  const before = tf.memory().numTensors;
  for (const [rows, units, pieces] of [
    [1, 1, 1],
    [3, 4, 5],
    [17, 240, 5],
    [0, 6, 2],
    [5, 7, 3],
  ]) {
    const z = awkward(rows, units * pieces, rows * 100 + units + pieces);
    // Inference: one pass, no winners.
    const inf = bothPaths(() => maxoutOp(z, pieces), rows * units > 0 || rows === 0 ? 1 : 0);
    assertSameBits(inf.native[0], inf.tfjs[0], `maxout ${rows}×${units}×${pieces}`);
    // Under a tape: forward with winners, backward as a scatter (2 passes).
    const w = randomTensor([rows, units], 9);
    const g = bothPaths(() => {
      const [v, grads] = [
        tf.tidy(() => maxoutOp(z, pieces)),
        tf.grad((x: tf.Tensor) => tf.sum(tf.mul(maxoutOp(x as tf.Tensor2D, pieces), w)))(z),
      ];
      return [v, grads];
    }, 3);
    assertSameBits(g.native[0], g.tfjs[0], `maxout ${rows}×${units}×${pieces} value`);
    assertSameBits(g.native[1], g.tfjs[1], `maxout ${rows}×${units}×${pieces} gradient`);
    tf.dispose([z, w]);
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('FGSM: one native sign step gives the same images, tiny gradients and targets included', t => {
  const why = unavailable();
  if (why) return t.skip(why);
  const clf = tinyMaxout(12);
  const x = tf.tidy(() => tf.clipByValue(tf.add(awkward(9, 12, 4), 0.5), 0, 1) as tf.Tensor2D),
    y = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32');
  const before = tf.memory().numTensors;
  // forward winners + 2 maxout gradients + the step = 5 passes
  for (const [eps, dir, clip] of [
    [0.25, 1, true],
    [0.1, -1, true],
    [0.3, 1, false],
    [0, 1, true],
  ] as const) {
    const r = bothPaths(() => rawFgsm(clf, x, y, eps, dir, clip), 5);
    assertSameBits(r.native[0], r.tfjs[0], `rawFgsm ε=${eps} direction ${dir} clip ${clip}`);
  }
  const checked = bothPaths(() => fgsm(clf, x, y, 0.2, { target: tf.tensor1d([2, 2, 2, 1, 1, 1, 0, 0, 0], 'int32') }), 5);
  assertSameBits(checked.native[0], checked.tfjs[0], 'targeted fgsm');
  // The step alone, on gradients far below wasm's tf.sign threshold: ±1 wherever g ≠ 0.
  const g = tf.tensor2d([[1e-9, -1e-12, 0, 3, -0, Number.NaN]]),
    x1 = tf.tensor2d([[0.5, 0.5, 0.5, 0.9, 0.1, 0.2]]);
  const step = bothPaths(() => {
    const native = require('../../src/internals').nativeSignStep(x1, g, 0.25, true);
    return native ?? tf.clipByValue(tf.add(x1, tf.mul(exactSign(g), 0.25)), 0, 1);
  }, 1);
  assertSameBits(step.native[0], step.tfjs[0], 'step on tiny, zero and NaN gradients');
  assert.deepEqual(Array.from(step.native[0]), [0.75, 0.25, 0.5, 1, 0.1, 0.2].map(Math.fround));
  tf.dispose([g, x1]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  tf.dispose([x, y]);
  clf.net.dispose();
});

test('dropout: the native mask is the tfjs mask (same seeds, same stream), forward and backward', t => {
  const why = unavailable();
  if (why) return t.skip(why);
  const before = tf.memory().numTensors;
  for (const [rows, cols, rate] of [
    [128, 784, 0.2],
    [128, 240, 0.5],
    [3, 7, 0.9],
    [1, 1, 0.5],
    [0, 5, 0.5],
  ]) {
    const x = randomTensor([rows, cols], rows + cols);
    // A fresh layer per path: its call counter (which seeds each mask) starts at 0 on both.
    const r = bothPaths(() => {
      const layer = new SeededDropout({ rate, seed: 42 });
      const first = layer.apply(x, { training: true }) as tf.Tensor;
      const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.square(layer.apply(v, { training: true }) as tf.Tensor)))(x);
      return [first, dx];
    }, 2);
    assertSameBits(r.native[0], r.tfjs[0], `dropout ${rows}×${cols} rate ${rate}`);
    assertSameBits(r.native[1], r.tfjs[1], `dropout gradient ${rows}×${cols} rate ${rate}`);
    if (rows * cols >= 1000) {
      const kept = Array.from(r.native[0]).filter(v => v !== 0).length / (rows * cols);
      assert.ok(Math.abs(kept - (1 - rate)) < 0.02, `kept ${kept} of the units at rate ${rate}`);
    }
    x.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('random uniform values: the native stream is tf.randomUniform, and noise attacks give the same images', t => {
  const why = unavailable();
  if (why) return t.skip(why);
  const before = tf.memory().numTensors;
  for (const [shape, lo, hi, seed] of [
    [[128, 784], -1, 1, 7],
    [[3, 5], -0.25, 0.25, 123456],
    [[1000], 0, 1, 2 ** 31 - 1],
    [[0, 4], -1, 1, 1],
  ] as [number[], number, number, number][]) {
    const native = nativeRandomUniform(shape, lo, hi, seed)!;
    const want = tf.randomUniform(shape, lo, hi, 'float32', seed);
    assert.deepEqual(native.shape, shape);
    assertSameBits(native.dataSync(), want.dataSync(), `uniform ${shape} in [${lo}, ${hi}) seed ${seed}`);
    tf.dispose([native, want]);
  }
  const x = tf.tidy(() => tf.add(tf.mul(randomTensor([20, 30], 5), 0.5), 0.5) as tf.Tensor2D);
  for (const kind of ['uniform', 'sign'] as const) {
    const r = bothPaths(() => addNoise(x, 0.3, kind, 99), 1); // the draw; the rest stays on tfjs ops
    assertSameBits(r.native[0], r.tfjs[0], `addNoise ${kind}`);
  }
  x.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('Sum over axis 0 (bias gradients) adds the rows in order like wasm; other axes stay on wasm', t => {
  const why = unavailable();
  if (why) return t.skip(why);
  const before = tf.memory().numTensors;
  for (const shape of [
    [128, 1200],
    [1, 5],
    [7, 3, 4],
    [1000, 10],
  ]) {
    const x = tf.tidy(() =>
      tf
        .mul(
          awkward(
            shape[0],
            shape.slice(1).reduce((a, b) => a * b, 1),
            shape.length,
          ),
          1e3,
        )
        .reshape(shape),
    );
    for (const keepDims of [false, true]) {
      const r = bothPaths(() => tf.sum(x, 0, keepDims), 1);
      assertSameBits(r.native[0], r.tfjs[0], `sum over axis 0 of ${shape} keepDims ${keepDims}`);
    }
    const inner = bothPaths(() => tf.sum(x, -1), 0); // not axis 0: wasm on both
    assertSameBits(inner.native[0], inner.tfjs[0], `sum over the last axis of ${shape}`);
    x.dispose();
  }
  const empty = tf.zeros([0, 4]);
  const p0 = nativeElementwisePasses();
  const none = tf.sum(empty, 0);
  assert.deepEqual(Array.from(none.dataSync()), [0, 0, 0, 0], 'a sum over no rows is 0');
  assert.equal(nativeElementwisePasses() - p0, 1);
  tf.dispose([empty, none]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test("momentum SGD and the max-norm step: one native pass each, the weights of tfjs's optimizer bit for bit", t => {
  const why = unavailable();
  if (why) return t.skip(why);
  const before = tf.memory().numTensors;
  const x = randomTensor([50, 30], 21),
    y = tf.tidy(() =>
      tf.oneHot(
        tf.tensor1d(
          Array.from({ length: 50 }, (_, i) => i % 4),
          'int32',
        ),
        4,
      ),
    );
  // Five steps of a two-layer net with a momentum change and a learning-rate change on the way,
  // then the max-norm step, from the same weights on both routes.
  const run = (native: boolean) => {
    const [w1, b1, w2] = tf.tidy(() => [
      tf.variable(tf.mul(randomTensor([30, 16], 22), 3)), // long columns: max-norm scales them
      tf.variable(randomTensor([16], 23)),
      tf.variable(randomTensor([16, 4], 24)),
    ]);
    const opt = native ? momentumOptimizer(0.1, 0.5) : tf.train.momentum(0.1, 0.5);
    for (let i = 0; i < 5; i++) {
      if (i === 2) setMomentum(opt, 0.7);
      if (i === 3) opt.setLearningRate(0.05);
      tf.dispose(
        opt.minimize(() => tf.losses.softmaxCrossEntropy(y, tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2)) as tf.Scalar, true) ?? [],
      );
    }
    if (native) applyMaxColumnNorm([w1, w2], 1.9365);
    else
      for (const w of [w1, w2]) {
        // sgdRecipe.ts's tfjs formula, written out
        const next = tf.tidy(() => {
          const norms = tf.sqrt(tf.sum(tf.square(w), 0, true));
          return tf.mul(w, tf.div(tf.minimum(norms, 1.9365), tf.add(norms, 1e-7)));
        });
        w.assign(next);
        next.dispose();
      }
    const out = [w1, b1, w2].map(v => Float32Array.from(v.dataSync()));
    opt.dispose();
    tf.SGDOptimizer.prototype.dispose.call(opt); // as train.ts does (tfjs 4.22 leaks the rate scalar)
    tf.dispose([w1, b1, w2]);
    return out;
  };
  // Both runs keep the products (and the Sum of b1's gradient) native: they differ from wasm's in the
  // low bits, and here only the optimizer and max-norm steps are compared.
  const p0 = nativeElementwisePasses();
  const native = run(true);
  // per step: a pass per variable and b1's gradient (a Sum over axis 0); then one per max-norm kernel
  assert.equal(nativeElementwisePasses() - p0, 5 * (3 + 1) + 2, 'native passes');
  const p1 = nativeElementwisePasses();
  const tfjs = run(false);
  assert.equal(
    nativeElementwisePasses() - p1,
    5 * 1 + 2,
    "tf.train.momentum and the written-out max-norm: only the gradient's and the norms' Sums are native",
  );
  native.forEach((v, i) => assertSameBits(v, tfjs[i], `variable ${i} after 5 steps and max-norm`));
  const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.tensor2d(native[0], [30, 16])), 0)).dataSync());
  assert.ok(Math.max(...norms) <= 1.9365 + 1e-5, `the longest column is ${Math.max(...norms)} after max-norm`);
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
});

test('the elementwise passes hold no more backend data than the tfjs ops; the addon refuses bad operands', t => {
  const why = unavailable();
  if (why) return t.skip(why);
  const be = tf.backend() as unknown as { numDataIds(): number };
  const clf = tinyMaxout(20);
  const x = tf.tidy(() => tf.add(tf.mul(randomTensor([32, 20], 3), 0.5), 0.5) as tf.Tensor2D),
    y = tf.tensor1d(
      Array.from({ length: 32 }, (_, i) => i % 3),
      'int32',
    );
  const layer = new SeededDropout({ rate: 0.5, seed: 1 });
  const step = () => {
    tf.dispose(tf.tidy(() => rawFgsm(clf, x, y, 0.25, 1)));
    tf.dispose(tf.tidy(() => layer.apply(x, { training: true }) as tf.Tensor));
  };
  const growth = () => {
    step();
    const ids = be.numDataIds(),
      bytes = tf.memory().numBytes,
      n = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    assert.equal(tf.memory().numBytes, bytes, 'bytes held by tensors');
    assert.equal(tf.memory().numTensors, n, 'tensors');
    return be.numDataIds() - ids;
  };
  const p0 = nativeElementwisePasses();
  const native = growth();
  assert.equal(nativeElementwisePasses() - p0, 21 * 6, 'every pass of the loop ran natively');
  assert.equal(native, withoutNativeBlas(growth), 'backend data ids: native vs tfjs ops');
  tf.dispose([x, y]);
  clf.net.dispose();

  const addon = require('aelab-native').addon;
  const heap = new Float32Array(16);
  assert.throws(() => addon.maxout(heap, 4, 5, 0, 0, -1), /maxout: .*outside the heap/);
  assert.throws(() => addon.maxout(heap, 2, 0, 0, 0, -1), /maxout: a size is negative/);
  assert.throws(() => addon.maxoutGrad(heap, 4, 4, 0, 12, 4), /maxoutGrad: .*outside the heap/);
  assert.throws(() => addon.signStep(heap, 8, 0, 8, 12, 0.1, 1), /signStep: .*outside the heap/);
  assert.throws(() => addon.dropoutMask(heap, 17, 0, 1, 0.1, 0.2, 0.3, 0.5, 2), /dropoutMask: .*outside the heap/);
  assert.throws(() => addon.randomUniform(heap, 17, 0, 1, 0.1, 0.2, 0.3, -1, 2), /randomUniform: .*outside the heap/);
  assert.throws(() => addon.signStep([1, 2], 1, 0, 0, 0, 0.1, 1), /must be a Float32Array/);
  assert.throws(() => addon.momentumStep(heap, 8, 0, 0, 0, 0, 0, 8, 12), /momentumStep: .*outside the heap/);
  assert.throws(() => addon.maxColumnNorm(heap, 4, 4, 0, 4, 1), /maxColumnNorm: .*outside the heap/);
  // dropoutMask's two routes (64-bit multiply-with-carry for Mash's states, doubles otherwise)
  // against seedrandom's Alea written out here.
  const alea = (st: number[], n: number, rate: number, scale: number) => {
    let [c, s0, s1, s2] = st;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const t = 2091639 * s0 + c * 2.3283064365386963e-10;
      s0 = s1;
      s1 = s2;
      s2 = t - (c = t | 0);
      out[i] = Math.fround(s2) >= Math.fround(rate) ? Math.fround(scale) : 0;
    }
    return out;
  };
  for (const st of [
    [1, 0.1, 0.2, 0.3], // not multiples of 2^-32: the double route
    [1, 123456789 / 2 ** 32, 987654321 / 2 ** 32, 42 / 2 ** 32], // Mash-like: the integer route
    [2091638, (2 ** 32 - 1) / 2 ** 32, 0, 0.5], // the largest carry and state
  ]) {
    const big = new Float32Array(4096);
    addon.dropoutMask(big, 4096, 0, ...st, 0.5, 2);
    assert.deepEqual(Array.from(big), Array.from(alea(st, 4096, 0.5, 2)), `dropoutMask from state ${st}`);
  }
  assert.throws(() => addon.maxout(heap, 1, 1, 0), /maxout: wrong number of arguments \(6 expected\)/);
  assert.throws(() => addon.maxColumnNorm(heap, 2, 2, 0, 4, 'c'), /maxColumnNorm's arguments 2-6 must be numbers/);
  assert.throws(() => addon.momentumStep(heap, 1, 0, 0, 0, 0, 0, 1, null), /momentumStep's arguments 2-9 must be numbers/);
  assert.deepEqual(Array.from(heap), new Array(16).fill(0), 'a refused call writes nothing');
});
