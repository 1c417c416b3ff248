import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosine, l1Norm, median, quantile } from '../../src/internals';

test('quantile and median are elements of the sample, by index ⌊q·n⌋ of the sorted values', () => {
  const v = [5, 1, 4, 2, 3];
  assert.equal(median(v), 3);
  assert.equal(quantile(v, 0), 1);
  assert.equal(quantile(v, 1), 5, 'q = 1 is clamped to the largest value');
  assert.equal(quantile(v, 0.25), 2);
  assert.equal(median([4, 1, 3, 2]), 3, 'even count: the upper middle value');
  assert.equal(median(Float32Array.from([0.5])), 0.5);
  assert.deepEqual(v, [5, 1, 4, 2, 3], 'the input is not sorted in place');
});

test('quantile and median refuse an empty sample and q outside [0, 1], by name', () => {
  assert.throws(() => median([]), /median: the sample is empty/);
  assert.throws(() => quantile([1], 1.5), /quantile: q = 1.5/);
  assert.throws(() => quantile([1], NaN), /quantile: q = NaN/);
});

test('l1Norm sums absolute values; cosine is 1 for parallel, −1 for opposite, 0 for orthogonal vectors', () => {
  assert.equal(l1Norm([1, -2, 3.5]), 6.5);
  assert.equal(l1Norm([]), 0);
  assert.ok(Math.abs(cosine([1, 2], [2, 4]) - 1) < 1e-15);
  assert.ok(Math.abs(cosine([1, 2], [-1, -2]) + 1) < 1e-15);
  assert.equal(cosine([1, 0], [0, 3]), 0);
  assert.throws(() => cosine([1], [1, 2]), /cosine: the vectors have 1 and 2 entries/);
});
