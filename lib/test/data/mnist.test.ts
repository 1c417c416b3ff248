// Dataset helpers on a small synthetic dataset whose pixels encode (example, pixel), so every
// subset, relabeling and block average can be checked entry by entry.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Dataset, firstN, sample, digits, validationSplit, downsample, pick, classCounts, toTensors, initBackend } from '../../src/internals';

const SIDE = 4, D = SIDE * SIDE, N = 30;
/** Example i has label i % 10 and pixel j = (i * D + j) / (N * D), so a row tells where it came from. */
function synthetic(): Dataset {
  const x = new Float32Array(N * D), y = new Int32Array(N);
  for (let i = 0; i < N; i++) { y[i] = i % 10; for (let j = 0; j < D; j++) x[i * D + j] = (i * D + j) / (N * D); }
  return { x, y, n: N, d: D, classes: 10, side: SIDE, description: 'synthetic' };
}
/** Which original example a row is (from its first pixel). */
const origin = (ds: Dataset, i: number) => Math.round(ds.x[i * ds.d] * N * D / D);

function assertRowsFromOriginal(sub: Dataset, full: Dataset): number[] {
  const ids: number[] = [];
  for (let i = 0; i < sub.n; i++) {
    const k = origin(sub, i);
    ids.push(k);
    assert.deepEqual(Array.from(sub.x.subarray(i * D, (i + 1) * D)), Array.from(full.x.subarray(k * D, (k + 1) * D)), `row ${i} is example ${k}`);
    assert.equal(sub.y[i], full.y[k], `label of row ${i}`);
  }
  return ids;
}

before(async () => { await initBackend(); });

test('firstN: the first n examples, as views of the same memory', () => {
  const ds = synthetic();
  const f = firstN(ds, 7);
  assert.equal(f.n, 7); assert.equal(f.x.length, 7 * D); assert.equal(f.y.length, 7);
  assert.deepEqual(assertRowsFromOriginal(f, ds), [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(f.x.buffer, ds.x.buffer, 'no copy');
  assert.equal(f.description, 'synthetic, first 7');
  assert.equal(firstN(ds, N).n, N);
  for (const bad of [0, -1, N + 1, 2.5, NaN]) {
    assert.throws(() => firstN(ds, bad), new RegExp(`^Error: firstN: n = ${bad}, expected an integer in 1\\.\\.${N}\\.$`));
  }
});

test('sample: seeded subsets without replacement', () => {
  const ds = synthetic();
  const a = sample(ds, 10, 1), a2 = sample(ds, 10, 1), b = sample(ds, 10, 2);
  const ia = assertRowsFromOriginal(a, ds), ib = assertRowsFromOriginal(b, ds);
  assert.equal(new Set(ia).size, 10, 'no example drawn twice');
  assert.deepEqual(Array.from(a2.x), Array.from(a.x), 'same seed, same subset');
  assert.deepEqual(Array.from(a2.y), Array.from(a.y));
  assert.notDeepEqual(ia, ib, 'different seed, different subset');
  assert.match(a.description, /10 sampled \(seed 1\)/);
  const all = assertRowsFromOriginal(sample(ds, N, 3), ds);
  assert.deepEqual([...all].sort((p, q) => p - q), Array.from({ length: N }, (_, i) => i), 'sampling all is a permutation');
  assert.throws(() => sample(ds, N + 1, 1), /sample: n = 31, expected an integer in 1\.\.30/);
  assert.throws(() => sample(ds, 3, -1), /seed must be a non-negative integer, got -1/);
});

test('digits([3, 7]) keeps 3s and 7s in order and relabels 3 → 0, 7 → 1', () => {
  const ds = synthetic();
  const b = digits(ds, [3, 7]);
  assert.equal(b.classes, 2); assert.equal(b.d, D); assert.equal(b.side, SIDE);
  const ids = Array.from({ length: b.n }, (_, i) => origin(b, i));
  assert.deepEqual(ids, [3, 7, 13, 17, 23, 27]);
  ids.forEach((k, i) => assert.deepEqual(Array.from(b.x.subarray(i * D, (i + 1) * D)), Array.from(ds.x.subarray(k * D, (k + 1) * D))));
  assert.deepEqual(Array.from(b.y), [0, 1, 0, 1, 0, 1]);
  assert.deepEqual(classCounts(b), [3, 3]);
  const r = digits(ds, [7, 3, 0]);
  assert.equal(r.classes, 3);
  assert.deepEqual(Array.from({ length: r.n }, (_, i) => [origin(r, i), r.y[i]]),
    [[0, 2], [3, 1], [7, 0], [10, 2], [13, 1], [17, 0], [20, 2], [23, 1], [27, 0]], 'labels follow the order given');
  assert.deepEqual(Array.from(ds.y.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'the source is not relabeled');
  for (const bad of [[3], [3, 3], [3, 10], [-1, 3], [2.5, 3]]) {
    assert.throws(() => digits(ds, bad), new RegExp(`digits: \\[${bad.join(',')}\\] must be two or more distinct labels in 0\\.\\.9\\.`));
  }
});

test('validationSplit: sizes, disjoint and complete, seeded', () => {
  const ds = synthetic();
  const s = validationSplit(ds, 0.2, 5);
  assert.equal(s.validation.n, 6); assert.equal(s.train.n, 24);
  const v = assertRowsFromOriginal(s.validation, ds), t = assertRowsFromOriginal(s.train, ds);
  assert.equal(v.filter(i => t.includes(i)).length, 0, 'disjoint');
  assert.deepEqual([...v, ...t].sort((p, q) => p - q), Array.from({ length: N }, (_, i) => i), 'together they are the whole set');
  const again = validationSplit(ds, 0.2, 5), other = validationSplit(ds, 0.2, 6);
  assert.deepEqual(Array.from(again.validation.x), Array.from(s.validation.x), 'same seed, same split');
  assert.notDeepEqual(Array.from(other.validation.x), Array.from(s.validation.x), 'different seed, different split');
  assert.equal(validationSplit(ds, 0.001, 1).validation.n, 1, 'at least one validation example');
  assert.equal(validationSplit(ds, 0.5, 1).train.n, 15);
  for (const bad of [0, 1, -0.1, NaN]) {
    assert.throws(() => validationSplit(ds, bad, 1), new RegExp(`validationSplit: fraction = ${bad}, expected 0 < fraction < 1`));
  }
});

test('downsample averages factor×factor blocks', () => {
  const ds = synthetic();
  const h = downsample(ds, 2);
  assert.equal(h.side, 2); assert.equal(h.d, 4); assert.equal(h.n, N); assert.equal(h.x.length, N * 4);
  assert.equal(h.y, ds.y, 'labels unchanged');
  for (const i of [0, 17, N - 1]) {
    for (let br = 0; br < 2; br++) for (let bc = 0; bc < 2; bc++) {
      let s = 0;
      for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) s += ds.x[i * D + (2 * br + r) * SIDE + 2 * bc + c];
      const got = h.x[i * 4 + br * 2 + bc];
      assert.ok(Math.abs(got - s / 4) < 1e-7, `example ${i} block (${br},${bc}): ${got} vs ${s / 4}`);
    }
  }
  const one = downsample(ds, 4);
  assert.equal(one.d, 1);
  for (let i = 0; i < N; i++) {
    const mean = Array.from(ds.x.subarray(i * D, (i + 1) * D)).reduce((a, b) => a + b, 0) / D;
    assert.ok(Math.abs(one.x[i] - mean) < 1e-7);
  }
  assert.deepEqual(Array.from(downsample(ds, 1).x), Array.from(ds.x), 'factor 1 is the identity');
  const mnistLike: Dataset = { ...ds, x: new Float32Array(2 * 784).fill(0.5), n: 2, y: new Int32Array(2), d: 784, side: 28 };
  const m14 = downsample(mnistLike, 2);
  assert.equal(m14.side, 14); assert.equal(m14.d, 196);
  assert.ok(m14.x.every(v => Math.abs(v - 0.5) < 1e-7));
  assert.match(m14.description, /14×14$/);
  for (const bad of [3, 0, 1.5, -2]) {
    assert.throws(() => downsample(ds, bad), new RegExp(`downsample: factor ${bad} must be a positive integer dividing the image side 4\\.`));
  }
});

test('pick: rows in the order given; an index outside the dataset is an error', () => {
  const ds = synthetic();
  const p = pick(ds, [5, 0, 5, 29]);
  assert.deepEqual(assertRowsFromOriginal(p, ds), [5, 0, 5, 29]);
  assert.equal(p.description, 'synthetic subset');
  assert.equal(pick(ds, Int32Array.from([2]), 'two').description, 'two');
  for (const bad of [-1, N, 100, NaN, 1.5]) {
    assert.throws(() => pick(ds, [0, bad]), new RegExp(`pick: index ${bad} is outside 0\\.\\.29 of synthetic\\.`));
  }
});

test('classCounts and toTensors', () => {
  const ds = synthetic();
  assert.deepEqual(classCounts(ds), [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
  const before = tf.memory().numTensors;
  const { x, y } = toTensors(firstN(ds, 4));
  assert.deepEqual(x.shape, [4, D]); assert.equal(x.dtype, 'float32');
  assert.deepEqual(y.shape, [4]); assert.equal(y.dtype, 'int32');
  assert.deepEqual(Array.from(y.dataSync()), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(x.dataSync()), Array.from(ds.x.subarray(0, 4 * D)));
  x.dispose(); y.dispose();
  assert.equal(tf.memory().numTensors, before);
});
