/**
 * The model's scores along a straight line through input space, x + ε·d for ε in a range —
 * the paper's Fig. 4, where the logits of a deep net turn out piecewise linear along the FGSM
 * direction. Also used for loss-along-a-direction plots (notebooks 02 and 07).
 * @see notebooks/02-taylor-linearization.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, lossFromLogits, predictFromLogits } from '../models/classifier';
import { checkBatch } from '../core/checks';

export interface LineScan {
  epsilons: number[];
  /** logits[k][c]: score of class c at epsilons[k]. */
  logits: number[][];
  /** Loss w.r.t. `label` at each point, if a label was given. */
  loss?: number[];
  predictions: number[];
  /** The inputs x + ε·d (unclipped unless `clip`), one row per ε. */
  inputs: Float32Array;
}

/** Scores of one example x ([1, d] or [d]) along x + ε·direction for each ε. */
export function logitsAlongLine(
  clf: Classifier,
  x: tf.Tensor,
  direction: tf.Tensor,
  epsilons: number[],
  opts: { label?: number; clip?: boolean } = {},
): LineScan {
  const x2 = x.reshape([1, -1]) as tf.Tensor2D,
    d2 = direction.reshape([1, -1]) as tf.Tensor2D;
  try {
    checkBatch(x2, clf.inputSize, 'logitsAlongLine');
    if (d2.shape[1] !== clf.inputSize) throw new Error(`logitsAlongLine: direction has ${d2.shape[1]} entries, expected ${clf.inputSize}.`);
    if (epsilons.some(e => !Number.isFinite(e))) throw new Error('logitsAlongLine: every ε must be a finite number.');
    const { z, pts, pred, l } = tf.tidy(() => {
      let pts = tf.add(x2, tf.mul(tf.tensor2d(epsilons, [epsilons.length, 1]), d2)) as tf.Tensor2D;
      if (opts.clip) pts = tf.clipByValue(pts, 0, 1);
      const z = clf.net.apply(pts, { training: false }) as tf.Tensor2D;
      const l =
        opts.label === undefined
          ? null
          : lossFromLogits(clf.head, z, tf.fill([epsilons.length], opts.label, 'int32') as tf.Tensor1D, clf.classes);
      return { z, pts, pred: predictFromLogits(clf.head, z), ...(l ? { l } : {}) };
    }) as { z: tf.Tensor2D; pts: tf.Tensor2D; pred: tf.Tensor1D; l?: tf.Tensor1D };
    const out: LineScan = {
      epsilons,
      logits: z.arraySync() as number[][],
      predictions: Array.from(pred.dataSync()),
      inputs: pts.dataSync() as Float32Array,
      ...(l ? { loss: Array.from(l.dataSync()) } : {}),
    };
    tf.dispose([z, pts, pred, ...(l ? [l] : [])]);
    return out;
  } finally {
    x2.dispose();
    d2.dispose();
  }
}
