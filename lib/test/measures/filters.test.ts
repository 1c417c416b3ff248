// First-layer filter statistics (notebook 05): hand-worked values for window energy, roughness and
// mask energy; the filter bank reads the right columns of a maxout layer.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  initBackend,
  rng,
  maxoutNetwork,
  firstLayerFilters,
  filterAt,
  unitFilters,
  windowEnergy,
  roughness,
  maskEnergy,
  blankPixels,
  filterStats,
  Dataset,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

test('windowEnergy: a spike is fully inside some window; a flat image spreads k²/side²', () => {
  const spike = new Float32Array(16);
  spike[5] = 3;
  assert.equal(windowEnergy(spike, 4, 1), 1);
  assert.ok(Math.abs(windowEnergy(new Float32Array(16).fill(1), 4, 2) - 4 / 16) < 1e-12);
  // Two spikes far apart: a 2×2 window holds only one of them.
  const two = new Float32Array(16);
  two[0] = 1;
  two[15] = 1;
  assert.equal(windowEnergy(two, 4, 2), 0.5);
  assert.equal(windowEnergy(two, 4, 4), 1);
  assert.ok(Number.isNaN(windowEnergy(new Float32Array(16), 4, 2)));
  assert.throws(() => windowEnergy(spike, 4, 5), /window 5/);
  assert.throws(() => windowEnergy(spike, 5, 2), /not a 5×5 image/);
});

test('roughness: constant 0, 2×2 checkerboard 4, corner spike 2, scale-free', () => {
  assert.equal(roughness([2, 2, 2, 2], 2), 0);
  assert.equal(roughness([1, -1, -1, 1], 2), 4);
  assert.equal(roughness([1, 0, 0, 0, 0, 0, 0, 0, 0], 3), 2);
  const r = rng(1),
    f = Array.from({ length: 49 }, () => r() - 0.5);
  assert.ok(
    Math.abs(
      roughness(f, 7) -
        roughness(
          f.map(v => 10 * v),
          7,
        ),
    ) < 1e-9,
  );
});

test('maskEnergy and blankPixels', () => {
  assert.equal(maskEnergy([1, 1, 2, 0], [0, 1, 1, 1]), 5 / 6);
  const ds: Dataset = {
    x: Float32Array.from([0, 1, 0, 0, 0, 0.5, 0, 0]),
    y: Int32Array.from([0, 1]),
    n: 2,
    d: 4,
    classes: 2,
    side: 2,
    description: 'tiny',
  };
  assert.deepEqual(Array.from(blankPixels(ds)), [1, 0, 1, 1]);
});

test('firstLayerFilters reads a maxout layer: columns are filters, unit u owns pieces u·k … u·k+k−1', () => {
  const clf = maxoutNetwork({ seed: 2, inputSize: 9, units: 3, pieces: 2, layers: 1, classes: 2 });
  const bank = firstLayerFilters(clf);
  assert.equal(bank.inputs, 9);
  assert.equal(bank.outputs, 6);
  assert.equal(bank.pieces, 2);
  const kernel = clf.net.layers
    .find(l => l.getClassName() === 'Dense')!
    .getWeights()[0]
    .arraySync() as number[][];
  for (let j = 0; j < 6; j++)
    assert.deepEqual(
      Array.from(filterAt(bank, j)),
      kernel.map(row => Math.fround(row[j])),
    );
  const units = unitFilters(bank, 2, 1); // units 1 and 2 → columns 2..5
  assert.equal(units.length, 9);
  assert.equal(units[0].length, 4);
  assert.equal(units[4][0], filterAt(bank, 2)[4]);
  assert.throws(() => unitFilters(bank, 3, 1), /do not exist/);
  assert.equal(filterStats(bank, f => f.length).length, 6);
});

test("pieceWinRates: each unit's win rates sum to 1, match a direct argmax, and leak nothing", async () => {
  const { pieceWinRates } = await import('../../src/internals');
  const tf = await import('@tensorflow/tfjs');
  const clf = maxoutNetwork({ seed: 5, inputSize: 6, units: 2, pieces: 3, layers: 1, classes: 2 });
  const r = rng(9),
    n = 40;
  const ds: Dataset = {
    x: Float32Array.from({ length: n * 6 }, () => r()),
    y: new Int32Array(n),
    n,
    d: 6,
    classes: 2,
    side: 0,
    description: 'tiny',
  };
  const before = tf.memory().numTensors;
  const wins = pieceWinRates(clf, ds, 7);
  assert.equal(tf.memory().numTensors, before);
  const [k, b] = clf.net.layers
    .find(l => l.getClassName() === 'Dense')!
    .getWeights()
    .map(t => t.arraySync() as number[][] & number[]);
  const expected = new Array(6).fill(0);
  for (let i = 0; i < n; i++)
    for (let u = 0; u < 2; u++) {
      let best = 0,
        bestZ = -Infinity;
      for (let p = 0; p < 3; p++) {
        let z = (b as unknown as number[])[u * 3 + p];
        for (let j = 0; j < 6; j++) z += ds.x[i * 6 + j] * (k as number[][])[j][u * 3 + p];
        if (z > bestZ) {
          bestZ = z;
          best = p;
        }
      }
      expected[u * 3 + best] += 1 / n;
    }
  wins.forEach((w, j) => assert.ok(Math.abs(w - expected[j]) < 1e-9, `column ${j}: ${w} vs ${expected[j]}`));
  assert.ok(Math.abs(wins[0] + wins[1] + wins[2] - 1) < 1e-9);
});
