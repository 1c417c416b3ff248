// Shared-bin histograms (notebooks 05–06): fractions per series sum to 1, NaN skipped, ends clamped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramBins, histogram } from '../../src/internals';

test('histogramBins: shared edges, fractions, NaN skipped, out-of-range values clamped', () => {
  const { edges, heights } = histogramBins(
    [
      { name: 'a', values: [0, 0.1, 0.6, NaN, 2] },
      { name: 'b', values: [0.9] },
    ],
    { bins: 2, range: [0, 1] },
  );
  assert.deepEqual(edges, [0, 0.5, 1]);
  assert.deepEqual(heights[0], [0.5, 0.5]);
  assert.deepEqual(heights[1], [0, 1]);
  assert.deepEqual(histogramBins([{ name: 'c', values: [1, 1, 3] }], { bins: 2, normalize: 'count' }).heights[0], [2, 1]);
});

test('histogram: one overlaid bar trace per series; clear errors', () => {
  const fig = histogram(
    [
      { name: 'a', values: [1, 2, 3] },
      { name: 'b', values: [2, 2] },
    ],
    { title: 't' },
  );
  assert.equal(fig.data.length, 2);
  assert.equal(fig.layout.barmode, 'overlay');
  assert.throws(() => histogram([]), /non-empty array/);
  assert.throws(() => histogram([{ name: 'a', values: [NaN] }]), /no finite values/);
  assert.throws(() => histogram([{ name: 'a', values: [1] }], { bins: 0 }), /bins = 0/);
});
