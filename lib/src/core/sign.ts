/**
 * sign(x) that is exact for tiny values. The wasm backend's `tf.sign` returns 0 for
 * |x| < 1.19e-7 (float32 machine epsilon), so sign(∇ₓJ) silently loses every pixel whose
 * gradient is that small — which is most pixels of a confidently classified example. FGSM
 * (§4) needs the true sign: ±1 wherever the gradient is not exactly 0.
 * @see notebooks/04-logistic-adversarial-loss.ipynb (where the difference first showed up)
 */
import * as tf from '@tensorflow/tfjs';

/** 1 where x > 0, −1 where x < 0, 0 where x = 0 (float32), on every backend. */
export function exactSign(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.cast(tf.greater(x, 0), 'float32'), tf.cast(tf.less(x, 0), 'float32')));
}
