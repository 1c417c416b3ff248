/**
 * The paper's controls for FGSM (§6): perturbations of the same max-norm ε that ignore the
 * model — random ±ε signs per pixel, and uniform noise in [−ε, ε]. They hardly hurt, which is
 * the point: the *direction* of the FGSM step matters, not its size.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { checkEpsilon } from '../core/checks';
import { exactSign } from '../core/sign';
import { checkSeed } from '../core/random';
import { Dataset } from '../data/dataset';
import { attackOverDataset } from './overDataset';
import { nativeRandomUniform } from '../runtime/nativeBlas';

export type NoiseKind = 'sign' | 'uniform';

/** x + noise of max-norm ε, clipped to [0, 1]. Same seed, same noise. */
export function addNoise(x: tf.Tensor2D, epsilon: number, kind: NoiseKind, seed: number): tf.Tensor2D {
  checkEpsilon(epsilon);
  checkSeed(seed);
  return tf.tidy(() => {
    const u = nativeRandomUniform(x.shape, -1, 1, seed) ?? tf.randomUniform(x.shape, -1, 1, 'float32', seed); // the same values
    const eta = kind === 'sign' ? tf.mul(exactSign(u), epsilon) : tf.mul(u, epsilon);
    return tf.clipByValue(tf.add(x, eta), 0, 1) as tf.Tensor2D;
  });
}

/** `addNoise` over a whole dataset (each batch its own derived seed). */
export function noiseDataset(ds: Dataset, epsilon: number, kind: NoiseKind, seed: number): Dataset {
  checkSeed(seed);
  return attackOverDataset(ds, b => addNoise(b.x, epsilon, kind, seed + b.start), {
    caller: 'noiseDataset',
    epsilon,
    batchSize: 1000,
    what: `${kind} noise ε=${epsilon}`,
  });
}
