// `npm run bench -- --quick` on tiny sizes: it runs end to end, writes JSON of the documented
// shape, prints the table, and refuses bad options with a message that names them.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO } = require('../env/paths');

const BENCH = path.join(REPO, 'scripts', 'bench', 'index.js');
const run = args => spawnSync(process.execPath, [BENCH, ...args], { cwd: REPO, encoding: 'utf8', timeout: 600000 });

const isNum = x => typeof x === 'number' && Number.isFinite(x);

test('--quick on tiny sizes writes the JSON report and prints the tables', { timeout: 600000 }, () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-bench-')), 'b.json');
  const r = run([
    '--quick',
    '--out',
    out,
    '--train-images',
    '64',
    '--test-images',
    '100',
    '--sweep-images',
    '50',
    '--models',
    'softmax,maxout',
  ]);
  assert.equal(r.status, 0, `bench failed:\n${r.stderr}\n${r.stdout}`);
  for (const heading of ['Kernels', 'Training, one epoch', 'Full retrain, estimated', 'FGSM ε = 0.25', 'ε sweep', 'Targets'])
    assert.match(r.stdout, new RegExp(heading), `table "${heading}" printed`);
  const j = JSON.parse(fs.readFileSync(out, 'utf8'));

  assert.equal(j.schema, 'aelab-bench/1');
  assert.equal(j.quick, true);
  assert.ok(['wasm', 'cpu', 'tensorflow'].includes(j.backend), `backend ${j.backend}`);
  assert.ok(Number.isInteger(j.machine.cores) && j.machine.cores >= 1, 'core count');
  assert.equal(j.machine.loadAverage.start.length, 3);
  assert.equal(j.machine.loadAverage.end.length, 3);
  assert.deepEqual(j.settings, { trainImages: 64, testImages: 100, sweepImages: 50, epsilon: 0.25, sweepPoints: 20, rounds: 1 });

  assert.ok(j.kernels.length >= 5, 'kernel micro-benchmarks');
  for (const k of j.kernels)
    assert.ok(isNum(k.ms) && k.ms > 0 && isNum(k.baselineMs) && isNum(k.speedup) && k.name && k.baseline, JSON.stringify(k));

  assert.deepEqual(
    j.training.map(t => t.model),
    ['softmax', 'maxout'],
  );
  for (const t of j.training) {
    assert.equal(t.images, 64);
    assert.equal(t.trainSetImages, 60000);
    assert.equal(t.scaled, true);
    assert.ok(isNum(t.seconds) && t.seconds > 0 && isNum(t.cpuSeconds), 'timed');
    assert.ok(
      Math.abs(t.epochSeconds - (t.seconds * 60000) / 64) <= (0.0006 * 60000) / 64 + 0.01,
      `scaled to the full set: ${t.seconds} s × 60000/64 vs ${t.epochSeconds} s`,
    ); // seconds are rounded to ms
    assert.ok(isNum(t.loss) && Number.isInteger(t.recipeEpochs));
  }
  assert.equal(j.retrain.complete, false, 'two recipes are not all recipes');
  assert.equal(j.targets.find(t => /retrain/.test(t.name)).met, null, 'a partial retrain estimate is not judged');
  assert.ok(isNum(j.retrain.estimatedMinutes) && j.retrain.estimatedMinutes > 0);
  // Each recipe counted over its whole run, on the plan npm run train -- --all uses.
  assert.ok(Number.isInteger(j.retrain.jobs) && j.retrain.jobs >= 1 && Number.isInteger(j.retrain.threadsPerJob));
  assert.deepEqual(
    j.retrain.recipes.map(x => x.model),
    ['softmax', 'maxout'],
  );
  for (const x of j.retrain.recipes) {
    assert.equal(x.timed.images, 64);
    assert.ok(isNum(x.seconds) && x.seconds > 0 && isNum(x.cpuSeconds));
    assert.deepEqual(x.work, { train: (x.model === 'softmax' ? 10 : 20) * 60000, clean: 10000, adversarial: 10000 });
  }
  const longest = Math.max(...j.retrain.recipes.map(x => x.seconds));
  const sum = j.retrain.recipes.reduce((s, x) => s + x.seconds, 0);
  const wall = j.retrain.estimatedMinutes * 60;
  assert.ok(wall >= longest - 6 && wall <= sum + 6, `the plan's wall time ${wall} s lies between the longest recipe and their sum`);

  assert.ok(j.fgsm.some(f => f.model === 'maxout') && j.fgsm.some(f => f.model === 'softmax'), 'FGSM per model');
  for (const f of j.fgsm) {
    assert.equal(f.images, 100);
    assert.equal(f.epsilon, 0.25);
    assert.ok(f.error >= 0 && f.error <= 1 && f.cleanError >= 0 && f.cleanError <= 1, 'error rates in [0, 1]');
    assert.ok(Math.abs(f.seconds - (f.attackSeconds + f.adversarialEvalSeconds + f.cleanEvalSeconds)) < 0.01, 'total = parts');
    assert.ok(typeof f.source === 'string');
  }
  assert.equal(j.sweep.points, 20);
  assert.equal(j.sweep.epsilons.length, 20);
  assert.equal(j.sweep.errors.length, 20);
  assert.equal(j.sweep.epsilons[0], 0);
  assert.equal(j.sweep.epsilons[19], 0.3);

  assert.match(j.notebooks.skipped, /--quick/);
  assert.match(j.peer.skipped, /--quick/);
  assert.match(j.blasThreads.skipped, /--quick/);
  // The native BLAS path: named in the header and measured against wasm when it is active.
  const native = j.kernels.filter(k => /native/.test(k.name));
  if (j.blas) {
    assert.match(r.stdout, new RegExp(`\\+ native BLAS \\(${j.blas}\\)`));
    assert.equal(native.length, 4, 'native kernel rows');
  } else assert.equal(native.length, 0);
  assert.equal(j.targets.length, 7);
  assert.deepEqual(
    j.targets.filter(t => t.limit === null).map(t => t.name.replace(/,.*/, '')),
    ['maxout training epoch', 'maxout FGSM over 10k test images'],
    'the wasm path is shown, not judged',
  );
  for (const t of j.targets) {
    assert.ok(t.name && (isNum(t.limit) || t.limit === null) && t.unit, JSON.stringify(t));
    assert.ok(t.met === null || typeof t.met === 'boolean');
    if (t.value === null || t.partial || t.limit === null) assert.equal(t.met, null, 'not measured, partial or not judged → met is null');
  }
});

test('bad options are refused with a message naming them', () => {
  let r = run(['--train-images', '0']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--train-images takes a whole number ≥ 1, got "0"/);
  r = run(['--frobnicate']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Unknown option '--frobnicate'/);
  r = run(['--models', 'maxout,nope', '--quick', '--out', path.join(os.tmpdir(), 'never.json')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /No model recipe 'nope'/);
});

test("the retrain estimate counts a two-phase recipe's epochs and validations", () => {
  const { recipeWork } = require('../bench/retrain');
  // 50 epochs on 50,000 (10,000 held out), then 10 on all 60,000; the validation set after every phase-1 epoch; the test set at the end.
  assert.deepEqual(recipeWork('maxout-sgd-adv'), {
    train: 50 * 50000 + 10 * 60000,
    clean: 50 * 10000 + 10000,
    adversarial: 50 * 10000 + 10000,
  });
  assert.deepEqual(
    recipeWork('maxout-sgd'),
    { train: 50 * 50000 + 10 * 60000, clean: 50 * 10000 + 10000, adversarial: 10000 },
    'no adversarial validation',
  );
  assert.deepEqual(recipeWork('maxout-half-a'), { train: 10 * 30000, clean: 10000, adversarial: 10000 });
});
