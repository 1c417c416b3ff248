// Seeded randomness: the PRNG, permutations and child seeds are deterministic, in range, and
// different seeds give different streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng, permutation, childSeed, checkSeed } from '../../src/internals';

const draw = (seed: number, n: number) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => r());
};

test('rng: same seed, same sequence; different seeds, different sequences', () => {
  assert.deepEqual(draw(42, 100), draw(42, 100));
  assert.notDeepEqual(draw(42, 100), draw(43, 100));
  assert.notDeepEqual(draw(0, 100), draw(1, 100));
  const seq = draw(7, 1000);
  assert.ok(new Set(seq).size > 990, 'the stream does not repeat early');
});

test('rng: values in [0, 1), roughly uniform', () => {
  const seq = draw(123, 20000);
  assert.ok(
    seq.every(v => v >= 0 && v < 1),
    'every value in [0, 1)',
  );
  const bins = new Array(10).fill(0);
  for (const v of seq) bins[Math.floor(v * 10)]++;
  // 2000 expected per bin; ±200 is more than 4.7 standard deviations (sd ≈ 42).
  bins.forEach((c, i) => assert.ok(Math.abs(c - 2000) < 200, `bin ${i} has ${c} of 20000`));
  const mean = seq.reduce((a, b) => a + b, 0) / seq.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
});

test('permutation is a permutation of 0..n-1, seeded', () => {
  for (const n of [0, 1, 2, 17, 1000]) {
    const p = permutation(n, 3);
    assert.ok(p instanceof Int32Array);
    assert.deepEqual(
      Array.from(p).sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i),
      `n = ${n}`,
    );
  }
  assert.deepEqual(permutation(1000, 9), permutation(1000, 9));
  assert.notDeepEqual(permutation(1000, 9), permutation(1000, 10));
  const p = permutation(1000, 9);
  const fixed = Array.from(p).filter((v, i) => v === i).length;
  assert.ok(fixed < 10, `a shuffle leaves few elements in place (${fixed} of 1000)`);
});

test('permutation is unbiased enough: each position gets each value about equally often', () => {
  // 3! = 6 orders of [0, 1, 2]; 6000 seeds should hit each about 1000 times.
  const counts = new Map<string, number>();
  for (let s = 0; s < 6000; s++) {
    const k = Array.from(permutation(3, s)).join();
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  assert.equal(counts.size, 6);
  for (const [k, c] of counts) assert.ok(Math.abs(c - 1000) < 150, `order ${k} drawn ${c} times of 6000`);
});

test('childSeed: deterministic, differs per salt and per parent, a valid seed', () => {
  assert.equal(childSeed(42, 'w'), childSeed(42, 'w'));
  assert.notEqual(childSeed(42, 'w'), childSeed(42, 'b'));
  assert.notEqual(childSeed(42, 'w'), childSeed(43, 'w'));
  assert.notEqual(childSeed(42, 1), childSeed(42, 2));
  assert.notEqual(childSeed(42, 'w1'), childSeed(42, 'w2'));
  const salts = Array.from({ length: 200 }, (_, i) => `epoch${i}`);
  const seeds = salts.map(s => childSeed(7, s));
  assert.equal(new Set(seeds).size, 200, 'no collisions among 200 salts');
  for (const s of seeds) {
    assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
    checkSeed(s);
  }
  assert.notDeepEqual(draw(childSeed(1, 'a'), 20), draw(childSeed(1, 'b'), 20), 'child streams differ');
});

test('checkSeed accepts non-negative integers and names a bad seed', () => {
  for (const ok of [0, 1, 42, 2 ** 31, 2 ** 32 - 1]) assert.doesNotThrow(() => checkSeed(ok));
  for (const bad of [-1, 1.5, NaN, Infinity, '42' as unknown as number, undefined as unknown as number]) {
    assert.throws(
      () => checkSeed(bad),
      new RegExp(`^Error: seed must be a non-negative integer, got ${String(bad)}\\. Pass e\\.g\\. \\{ seed: 42 \\}\\.$`),
    );
  }
  assert.throws(() => rng(-3), /got -3/);
  assert.throws(() => permutation(5, 0.5), /got 0\.5/);
});
