/**
 * Input checks shared by attacks, measures and training: each throws an error that names the
 * bad value and what was expected, instead of letting tfjs fail deep inside a kernel (or worse,
 * broadcast silently).
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/** ε is a max-norm radius in pixel units: 0 ≤ ε ≤ 1 (MNIST pixels are in [0, 1]). */
export function checkEpsilon(epsilon: number, what = 'epsilon'): void {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0 || epsilon > 1) {
    throw new Error(`${what} = ${epsilon}: expected a number in [0, 1] (pixel units; the paper uses 0.25 for MNIST).`);
  }
}

/** x must be a float32 [n, d] batch with d = the model's input size. */
export function checkBatch(x: tf.Tensor, inputSize: number, who: string): void {
  if (x.rank !== 2) throw new Error(`${who}: x has shape [${x.shape}], expected [n, ${inputSize}] (flatten images to rows).`);
  if (x.shape[1] !== inputSize)
    throw new Error(
      `${who}: x has ${x.shape[1]} features per row, the model expects ${inputSize}. Is it the right model for this data (e.g. downsampled images)?`,
    );
  if (x.dtype !== 'float32') throw new Error(`${who}: x has dtype ${x.dtype}, expected float32 in [0, 1].`);
}

/** y must be int32 [n] with values in 0..classes-1, one per row of x. */
export function checkLabels(y: tf.Tensor, n: number, classes: number, who: string): void {
  if (y.rank !== 1 || y.shape[0] !== n) throw new Error(`${who}: labels have shape [${y.shape}], expected [${n}] (one per row of x).`);
  if (y.dtype !== 'int32') throw new Error(`${who}: labels have dtype ${y.dtype}, expected int32 class indices.`);
  const v = y.dataSync();
  for (let i = 0; i < v.length; i++) {
    if (v[i] < 0 || v[i] >= classes) throw new Error(`${who}: label ${v[i]} at index ${i} is outside 0..${classes - 1}.`);
  }
}

export function checkPositiveInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${what} = ${v}: expected a positive integer.`);
}
