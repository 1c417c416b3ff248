// Dense layers under a gradient tape use matMul + add (lazy gradients) instead of tfjs's fused
// op (eager gradients): same values, same gradients, and no weight gradients when only the input
// gradient is asked for.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/internals';
import { randomTensor } from '../helpers';

before(async () => {
  await initBackend();
});

const rand = (shape: number[], seed: number) => randomTensor(shape, seed);

function linearNet(seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: 6, inputShape: [5], kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

test('a linear Dense stack gives the same output with and without a gradient tape', () => {
  const net = linearNet(1),
    x = rand([4, 5], 2) as tf.Tensor2D;
  const plain = tf.tidy(() => (net.apply(x) as tf.Tensor).dataSync());
  let taped: Float32Array | null = null;
  tf.tidy(() =>
    tf.grad((xx: tf.Tensor) => {
      const y = net.apply(xx) as tf.Tensor;
      taped = y.dataSync() as Float32Array;
      return tf.sum(y);
    })(x),
  );
  for (let i = 0; i < plain.length; i++)
    assert.ok(Math.abs(plain[i] - taped![i]) <= 1e-6 * (1 + Math.abs(plain[i])), `output ${i}: ${plain[i]} vs ${taped![i]}`);
  x.dispose();
  net.dispose();
});

test('gradients of L = Σ(xW + b) are the closed forms xᵀ·1, n·1 and 1·Wᵀ', () => {
  const layer = tf.layers.dense({
    units: 4,
    inputShape: [3],
    biasInitializer: 'ones',
    kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
  });
  const net = tf.sequential({ layers: [layer] });
  const x = rand([5, 3], 4) as tf.Tensor2D;
  const [W] = layer.getWeights();
  const { grads } = tf.variableGrads(() => tf.sum(net.apply(x) as tf.Tensor) as tf.Scalar);
  const gx = tf.grad((xx: tf.Tensor) => tf.sum(net.apply(xx) as tf.Tensor))(x);
  const names = Object.keys(grads),
    gW = grads[names.find(n => /kernel/.test(n))!],
    gb = grads[names.find(n => /bias/.test(n))!];
  const close = (a: tf.Tensor, b: tf.Tensor, what: string) => {
    const u = a.dataSync(),
      v = b.dataSync();
    assert.deepEqual(a.shape, b.shape, what);
    for (let i = 0; i < u.length; i++) assert.ok(Math.abs(u[i] - v[i]) <= 1e-5, `${what}[${i}]: ${u[i]} vs ${v[i]}`);
  };
  tf.tidy(() => {
    close(gW, tf.matMul(x, tf.ones([5, 4]), true, false), '∂L/∂W');
    close(gb, tf.fill([4], 5), '∂L/∂b');
    close(gx, tf.matMul(tf.ones([5, 4]), W, false, true), '∂L/∂x');
  });
  tf.dispose([x, gx, ...Object.values(grads)]);
  net.dispose();
});

test('the input gradient of a linear stack computes no weight gradients', async () => {
  const net = linearNet(5),
    x = rand([8, 5], 6) as tf.Tensor2D;
  const prof = await tf.profile(() => {
    tf.tidy(() => {
      tf.grad((xx: tf.Tensor) => tf.sum(net.apply(xx) as tf.Tensor))(x).dataSync();
    });
  });
  const matmuls = prof.kernels.filter(k => /MatMul/.test(k.name)).length;
  // forward: one product per layer; backward: ∂/∂input only, one per layer (fused tfjs: 2 per layer).
  assert.equal(matmuls, 4, `matMul kernels run: ${prof.kernels.map(k => k.name).join(', ')}`);
  x.dispose();
  net.dispose();
});

test("withoutFastKernels restores tfjs's eager fused gradients for the duration of the call", async () => {
  const { withoutFastKernels } = await import('../../src/internals');
  const net = linearNet(7),
    x = rand([8, 5], 8) as tf.Tensor2D;
  const gradient = () => {
    tf.tidy(() => {
      tf.grad((xx: tf.Tensor) => tf.sum(net.apply(xx) as tf.Tensor))(x).dataSync();
    });
  };
  const products = async (f: () => void) => (await tf.profile(f)).kernels.filter(k => /MatMul/.test(k.name)).length;
  const inside = await products(() => withoutFastKernels(gradient));
  assert.ok(inside > 4, `tfjs's own route runs more products (${inside})`);
  assert.equal(await products(gradient), 4, 'and the lazy route is back afterwards');
  x.dispose();
  net.dispose();
});
