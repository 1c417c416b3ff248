// FusedAdam must produce exactly tf.train.adam's weights (same float32 operations in the same
// order), free what it allocates, and its embedded kernel must be lib/wasm/adam.wat assembled.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as tf from '@tensorflow/tfjs';
import { initBackend, FusedAdam, adamOptimizer, fusedAdamAvailable, ADAM_WASM_BASE64, ADAM_WASM_SHARED_BASE64 } from '../../src/internals';

let backend = '';
before(async () => {
  backend = await initBackend();
});

// Sizes not divisible by 4 exercise the kernel's scalar tail; [1] is all tail.
const SHAPES = [[37, 29], [29], [29, 3], [3], [1]];
const skipUnlessFused = (t: { skip(m: string): void }) => {
  if (fusedAdamAvailable()) return false;
  t.skip(`FusedAdam runs on the single-threaded wasm backend (backend is ${backend})`);
  return true;
};

test('FusedAdam gives bit-for-bit the weights of tf.train.adam, learning-rate changes included', t => {
  if (skipUnlessFused(t)) return;
  const init = SHAPES.map((s, i) => tf.randomNormal(s, 0, 0.1, 'float32', i));
  const a = init.map(x => tf.variable(x.clone())),
    b = init.map(x => tf.variable(x.clone()));
  const ref = tf.train.adam(0.01),
    fused = new FusedAdam(0.01);
  for (let step = 0; step < 7; step++) {
    const grads = SHAPES.map((s, i) => tf.randomNormal(s, 0, step < 3 ? 1 : 1e-4, 'float32', 100 * step + i));
    if (step === 5) {
      (ref as unknown as { learningRate: number }).learningRate = 0.003;
      fused.learningRate = 0.003;
    } // as train() does per epoch
    ref.applyGradients(a.map((v, i) => ({ name: v.name, tensor: grads[i] })));
    fused.applyGradients(b.map((v, i) => ({ name: v.name, tensor: grads[i] })));
    tf.dispose(grads);
  }
  a.forEach((v, i) => assert.deepEqual(b[i].dataSync(), v.dataSync(), `variable ${i} (shape ${SHAPES[i]}) after 7 steps`));
  ref.dispose();
  fused.dispose();
  tf.dispose([...init, ...a, ...b]);
});

test('FusedAdam keeps two state tensors per variable and frees them on dispose', t => {
  if (skipUnlessFused(t)) return;
  const vars = SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.1, 'float32', i)));
  const grads = SHAPES.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 50 + i));
  const start = tf.memory().numTensors;
  const opt = new FusedAdam(0.01);
  for (let k = 0; k < 3; k++) opt.applyGradients(vars.map((v, i) => ({ name: v.name, tensor: grads[i] })));
  assert.equal(tf.memory().numTensors, start + 2 * SHAPES.length, 'm and v for each variable, nothing else');
  opt.dispose();
  assert.equal(tf.memory().numTensors, start, 'dispose frees the state');
  assert.equal(opt.iterations, 3);
  tf.dispose([...vars, ...grads]);
});

test('minimize() through FusedAdam lowers a loss exactly as tf.train.adam does', t => {
  if (skipUnlessFused(t)) return;
  const target = tf.tensor1d([1, -2, 3, 0.5, 7]);
  const run = (opt: tf.Optimizer) => {
    const w = tf.variable(tf.zeros([5]));
    const losses = Array.from(
      { length: 20 },
      () => opt.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar, true) as tf.Scalar,
    );
    const out = { losses: losses.map(l => l.dataSync()[0]), w: w.dataSync() };
    tf.dispose([...losses, w]);
    opt.dispose();
    return out;
  };
  const ref = run(tf.train.adam(0.1)),
    fused = run(adamOptimizer(0.1));
  assert.ok(fused.losses[19] < fused.losses[0] / 2, `loss falls: ${fused.losses[0]} → ${fused.losses[19]}`);
  assert.deepEqual(fused.losses, ref.losses, 'same losses step by step');
  assert.deepEqual(fused.w, ref.w, 'same final weights');
  target.dispose();
});

test('a gradient that does not match its variable is refused with a clear error', t => {
  if (skipUnlessFused(t)) return;
  const v = tf.variable(tf.zeros([4])),
    g = tf.zeros([3]);
  const opt = new FusedAdam(0.01);
  assert.throws(() => opt.applyGradients([{ name: v.name, tensor: g }]), /gradient of .* 3 values; expected float32 and 4/);
  opt.dispose();
  tf.dispose([v, g]);
});

test('adamOptimizer falls back to tf.train.adam off wasm', async () => {
  const current = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    const opt = adamOptimizer(0.01);
    assert.equal(opt.getClassName(), 'Adam', 'tfjs Adam on the cpu backend (instanceof is duck-typed for optimizers)');
    opt.dispose();
  } finally {
    await tf.setBackend(current);
  }
});

test('the embedded kernels are lib/wasm/adam.wat assembled (when wat2wasm is installed)', t => {
  const wat = path.join(__dirname, '..', '..', '..', 'wasm', 'adam.wat');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-wat-'));
  const sharedWat = path.join(dir, 'adam-shared.wat');
  fs.writeFileSync(
    sharedWat,
    fs.readFileSync(wat, 'utf8').replace('(import "env" "memory" (memory 1))', '(import "env" "memory" (memory 1 65536 shared))'),
  );
  const build = (src: string, out: string, flags: string[]) => spawnSync('wat2wasm', [...flags, src, '-o', out]);
  const r = build(wat, path.join(dir, 'adam.wasm'), []);
  if (r.error || r.status !== 0) {
    t.skip('wat2wasm not available (Debian package wabt)');
    return;
  }
  assert.equal(
    fs.readFileSync(path.join(dir, 'adam.wasm')).toString('base64'),
    ADAM_WASM_BASE64,
    'ADAM_WASM_BASE64 is stale: reassemble lib/wasm/adam.wat',
  );
  assert.equal(build(sharedWat, path.join(dir, 'adam-shared.wasm'), ['--enable-threads']).status, 0, 'the shared-memory variant assembles');
  assert.equal(
    fs.readFileSync(path.join(dir, 'adam-shared.wasm')).toString('base64'),
    ADAM_WASM_SHARED_BASE64,
    'ADAM_WASM_SHARED_BASE64 is stale',
  );
});
