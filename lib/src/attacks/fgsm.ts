/**
 * The fast gradient sign method (§4):  x' = clip₀¹(x + ε·sign(∇ₓJ(θ, x, y))).
 * Targeted:  x' = clip₀¹(x − ε·sign(∇ₓJ(θ, x, t))) moves toward class t.
 * ε is in pixel units, 0 ≤ ε ≤ 1; ‖x' − x‖∞ ≤ ε always holds (clipping only shrinks steps).
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, rawInputGradient } from '../models/classifier';
import { checkBatch, checkEpsilon, checkLabels } from '../core/checks';
import { Dataset } from '../data/dataset';
import { attackOverDataset } from './overDataset';
import { exactSign } from '../core/sign';
import { nativeSignStep } from '../runtime/nativeBlas';

export interface FgsmOptions {
  /** Attack toward this class (one per row, int32) instead of away from the true label. */
  target?: tf.Tensor1D;
  /** Clip to the valid pixel range [0, 1] (default true). */
  clip?: boolean;
}

/** FGSM on one batch. The caller disposes the result. */
export function fgsm(clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, epsilon: number, opts: FgsmOptions = {}): tf.Tensor2D {
  checkEpsilon(epsilon);
  checkBatch(x, clf.inputSize, 'fgsm');
  const labels = opts.target ?? y;
  checkLabels(labels, x.shape[0], clf.classes, opts.target ? 'fgsm target' : 'fgsm');
  return rawFgsm(clf, x, labels, epsilon, opts.target ? -1 : 1, opts.clip ?? true);
}

/** FGSM without input checks, for inner loops (adversarial training). `direction` −1 = targeted. */
export function rawFgsm(
  clf: Classifier,
  x: tf.Tensor2D,
  labels: tf.Tensor1D,
  epsilon: number,
  direction: 1 | -1,
  clip = true,
): tf.Tensor2D {
  return tf.tidy(() => {
    const g = rawInputGradient(clf, x, labels, false);
    const native = nativeSignStep(x, g, direction * epsilon, clip); // the same floats in one pass
    if (native) return native as tf.Tensor2D;
    // exactSign, not tf.sign: the wasm backend's sign is 0 for |g| < 1.19e-7 (see core/sign.ts).
    const adv = tf.add(x, tf.mul(exactSign(g), direction * epsilon));
    return (clip ? tf.clipByValue(adv, 0, 1) : adv) as tf.Tensor2D;
  });
}

/**
 * FGSM over a whole dataset in bounded batches; returns a new dataset of adversarial examples
 * with the true labels. `targets`, if given, holds one target class per example.
 */
export function fgsmDataset(
  clf: Classifier,
  ds: Dataset,
  epsilon: number,
  opts: { targets?: Int32Array; batchSize?: number; clip?: boolean } = {},
): Dataset {
  if (opts.targets && opts.targets.length !== ds.n) throw new Error(`fgsmDataset: ${opts.targets.length} targets for ${ds.n} examples.`);
  return attackOverDataset(
    ds,
    b => {
      if (!opts.targets) return fgsm(clf, b.x, b.y, epsilon, { clip: opts.clip });
      const t = tf.tensor1d(opts.targets.subarray(b.start, b.start + b.size), 'int32');
      try {
        return fgsm(clf, b.x, b.y, epsilon, { target: t, clip: opts.clip });
      } finally {
        t.dispose();
      }
    },
    {
      caller: 'fgsmDataset',
      epsilon,
      model: clf,
      batchSize: opts.batchSize ?? 1000,
      what: `FGSM ε=${epsilon} on ${clf.name}${opts.targets ? ' (targeted)' : ''}`,
    },
  );
}
