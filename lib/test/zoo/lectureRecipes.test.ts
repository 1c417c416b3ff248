// Notebook 08's recipes: the disjoint halves partition the training set, and a two-phase recipe
// (early stopping on a validation split, then more epochs on everything) runs end to end.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, RECIPES, trainRecipe, halfIndices, maxoutNetwork, rng, Dataset } from '../../src/internals';

before(async () => {
  await initBackend();
});

test('halfIndices: the two halves are disjoint and cover 0..n−1; same seed, same halves', () => {
  const a = halfIndices(60000, 0, 80),
    b = halfIndices(60000, 1, 80);
  assert.equal(a.length, 30000);
  assert.equal(b.length, 30000);
  const seen = new Uint8Array(60000);
  for (const i of [...a, ...b]) seen[i]++;
  assert.ok(
    seen.every(v => v === 1),
    'every index in exactly one half',
  );
  assert.deepEqual(halfIndices(60000, 0, 80), a);
  assert.throws(() => halfIndices(7, 0, 1), /n = 7/);
  for (const name of ['maxout-half-a', 'maxout-half-b', 'maxout-sgd', 'maxout-sgd-adv', 'tanh', 'maxout-noise'])
    assert.ok(RECIPES[name], name);
});

test('a two-phase recipe trains on the split, restores the best epoch, then continues on all the data', async () => {
  const D = 8,
    r = rng(3);
  const make = (n: number): Dataset => {
    const x = Float32Array.from({ length: n * D }, () => r()),
      y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = x[i * D] > x[i * D + 1] ? 1 : 0;
    return { x, y, n, d: D, classes: 2, side: 0, description: `synthetic ${n}` };
  };
  const train = make(240),
    testSet = make(60);
  RECIPES['tmp-two-phase'] = {
    ...RECIPES['maxout-sgd'],
    data: () => ({ train, test: testSet }),
    build: seed => maxoutNetwork({ seed, inputSize: D, units: 4, pieces: 2, classes: 2, initRange: 0.05, name: 'tmp-two-phase' }),
    options: { ...RECIPES['maxout-sgd'].options, epochs: 4, batchSize: 20 },
    validation: { fraction: 0.25, seed: 1, patience: 2, monitor: 'error', thenFullEpochs: 2 },
  };
  try {
    const { history, meta } = await trainRecipe('tmp-two-phase', { save: false, reporter: { update() {}, epochEnd() {}, done() {} } });
    assert.equal(meta, null);
    const best = history.bestEpoch - 2;
    assert.ok(best >= 1 && best <= 4, `phase-1 best epoch ${best}`);
    // The history keeps phase 1 up to its best epoch (with validation errors), then the two full-data epochs.
    assert.equal(history.epochs.length, best + 2);
    assert.ok(history.epochs.slice(0, best).every(e => typeof e.valError === 'number'));
    assert.deepEqual(
      history.epochs.slice(best).map(e => e.epoch),
      [best + 1, best + 2],
    );
    assert.ok(history.epochs.slice(best).every(e => e.valError === undefined));
  } finally {
    delete RECIPES['tmp-two-phase'];
  }
});
