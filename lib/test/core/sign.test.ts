// exactSign (used by FGSM): ±1 for every non-zero value however small — the wasm backend's tf.sign
// returns 0 below 1.19e-7 — and 0 for exact zeros.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, exactSign } from '../../src/internals';

before(async () => {
  await initBackend();
});

test('exactSign is exact for tiny values and leaks nothing', () => {
  const x = tf.tensor1d([1e-30, -1e-30, 1e-8, -1e-8, 0, 3, -2]);
  const before = tf.memory().numTensors;
  const s = exactSign(x);
  assert.deepEqual(Array.from(s.dataSync()), [1, -1, 1, -1, 0, 1, -1]);
  s.dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
