// The ε explorer: one slider step (plotly frame) per ε, each with the same traces (image, perturbation,
// probability bars per digit and row); ε = 0 shows the clean digit and a zero perturbation; frames
// differ as ε grows; the perturbation never exceeds ε; limits and bad ε are refused clearly.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Dataset,
  maxoutNetwork,
  softmaxRegression,
  explorerData,
  explorerFigure,
  epsilonExplorer,
  figureJson,
  pgdDataset,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const side = 4,
  D = side * side;
function digits(n: number): Dataset {
  const r = rng(9);
  return {
    x: Float32Array.from({ length: n * D }, () => r()),
    y: Int32Array.from({ length: n }, (_, i) => i % 3),
    n,
    d: D,
    classes: 3,
    side,
    description: 'tiny digits',
  };
}

test('one frame per ε with a slider; traces per frame = 3 × rows × digits; frames change with ε', () => {
  const a = softmaxRegression({ seed: 1, inputSize: D, classes: 3 }),
    b = maxoutNetwork({ seed: 2, inputSize: D, units: 4, pieces: 2, layers: 1, classes: 3 });
  const eps = [0, 0.1, 0.3];
  const before = tf.memory().numTensors;
  const fig = epsilonExplorer(
    [
      { label: 'linear, FGSM', clf: a },
      { label: 'maxout, PGD', clf: b, attack: (c, ds, e) => pgdDataset(c, ds, e, { steps: 3 }) },
    ],
    digits(2),
    eps,
    { active: 1 },
  );
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  assert.equal(fig.frames!.length, 3);
  assert.deepEqual(
    fig.frames!.map(f => f.name),
    ['0', '0.1', '0.3'],
  );
  const slider = (fig.layout.sliders as { active: number; steps: { label: string; args: unknown[] }[] }[])[0];
  assert.equal(slider.active, 1);
  assert.deepEqual(
    slider.steps.map(s => s.label),
    ['0', '0.1', '0.3'],
  );
  assert.deepEqual(slider.steps[2].args[0], ['0.3'], 'each step animates to its frame');
  for (const f of fig.frames!) {
    assert.equal(f.data.length, 3 * 2 * 2);
    assert.deepEqual(
      f.data.map(t => t.type),
      Array(4).fill(['heatmap', 'heatmap', 'bar']).flat(),
    );
    assert.ok(Array.isArray((f.layout as { annotations: unknown[] }).annotations));
  }
  assert.deepEqual(fig.data, fig.frames![1].data, 'the figure starts at the active step');
  assert.notDeepEqual(fig.frames![0].data[0].z, fig.frames![2].data[0].z, 'the adversarial image changes with ε');
  const axes = Object.keys(fig.layout).filter(k => /^[xy]axis\d*$/.test(k));
  assert.equal(axes.length, 2 * 3 * 2 * 2, 'one x and one y axis per panel');
  assert.ok(figureJson(fig).length < 200000);
});

test('explorerData: ε = 0 is the clean digit; |x̃ − x| ≤ ε; probabilities sum to 1', () => {
  const clf = softmaxRegression({ seed: 3, inputSize: D, classes: 3 }),
    ds = digits(3),
    eps = [0, 0.05, 0.2];
  const data = explorerData([{ label: 'linear', clf }], ds, eps);
  assert.deepEqual(Array.from(data.rows[0].adversarial[0]), Array.from(ds.x));
  eps.forEach((e, k) => {
    const adv = data.rows[0].adversarial[k];
    for (let j = 0; j < adv.length; j++) assert.ok(Math.abs(adv[j] - ds.x[j]) <= e + 1e-6 && adv[j] >= 0 && adv[j] <= 1);
    const p = data.rows[0].probabilities[k];
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(p[3 * i] + p[3 * i + 1] + p[3 * i + 2] - 1) < 1e-5);
  });
  const fig = explorerFigure(data);
  const delta0 = fig.frames![0].data[1].z as number[][];
  assert.ok(
    delta0.flat().every(v => v === 0),
    'no perturbation at ε = 0',
  );
  assert.equal(fig.frames![2].data[1].zmax, 0.2, 'the perturbation scale is fixed at the largest ε');
});

test('bad input is refused with a clear message', () => {
  const clf = softmaxRegression({ seed: 3, inputSize: D, classes: 3 });
  assert.throws(() => explorerData([], digits(2), [0, 0.1]), /give 1…4 rows/);
  assert.throws(() => explorerData([{ label: 'a', clf }], digits(7), [0, 0.1]), /7 digits; give 1…6/);
  assert.throws(() => explorerData([{ label: 'a', clf }], digits(2), [0.1]), /give 2…41 ε values/);
  assert.throws(() => explorerData([{ label: 'a', clf }], digits(2), [0.2, 0.1]), /ascending/);
  assert.throws(() => explorerData([{ label: 'a', clf }], digits(2), [0, 1.2]), /epsilons\[1\] = 1.2/);
});
