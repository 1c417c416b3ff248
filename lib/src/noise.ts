/**
 * The paper's controls for FGSM (§6): perturbations of the same max-norm ε that ignore the
 * model — random ±ε signs per pixel, and uniform noise in [−ε, ε]. They hardly hurt, which is
 * the point: the *direction* of the FGSM step matters, not its size.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { checkEpsilon } from './checks';
import { exactSign } from './sign';
import { checkSeed } from './random';
import { Dataset } from './mnist';
import { mapBatches } from './batches';

export type NoiseKind = 'sign' | 'uniform';

/** x + noise of max-norm ε, clipped to [0, 1]. Same seed, same noise. */
export function addNoise(x: tf.Tensor2D, epsilon: number, kind: NoiseKind, seed: number): tf.Tensor2D {
  checkEpsilon(epsilon); checkSeed(seed);
  return tf.tidy(() => {
    const u = tf.randomUniform(x.shape, -1, 1, 'float32', seed);
    const eta = kind === 'sign' ? tf.mul(exactSign(u), epsilon) : tf.mul(u, epsilon);
    return tf.clipByValue(tf.add(x, eta), 0, 1) as tf.Tensor2D;
  });
}

/** `addNoise` over a whole dataset (each batch its own derived seed). */
export function noiseDataset(ds: Dataset, epsilon: number, kind: NoiseKind, seed: number): Dataset {
  checkEpsilon(epsilon); checkSeed(seed);
  const x = mapBatches(ds, 1000, b => addNoise(b.x, epsilon, kind, seed + b.start));
  return { ...ds, x, description: `${ds.description}, ${kind} noise ε=${epsilon}` };
}
