/**
 * Dropout with a reproducible mask stream. tfjs's own dropout layer, given a seed, draws the
 * *same* mask at every call (it re-seeds its generator each time), and without one it is not
 * reproducible; this layer derives a fresh seed per call from its seed and a call counter.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { childSeed } from '../core/random';
import { nativeDropoutMask } from '../runtime/nativeBlas';

export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;
  constructor(args: { rate: number; seed: number; name?: string }) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) throw new Error(`dropout rate ${args.rate}: expected 0 ≤ rate < 1.`);
    this.rate = args.rate;
    this.seed = args.seed;
  }
  computeOutputShape(s: tf.Shape): tf.Shape {
    return s;
  }
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs?.training || this.rate === 0) return x;
    const seed = childSeed(this.seed, this.calls++);
    return tf.tidy(() => {
      const mask = nativeDropoutMask(x.shape, seed, this.rate, 1 / (1 - this.rate)); // the same mask, one pass
      if (mask) return tf.mul(x, mask);
      const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.rate), 'float32');
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.rate)));
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
