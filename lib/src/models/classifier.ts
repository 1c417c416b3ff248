/**
 * A classifier: a tfjs layers model that outputs scores, plus the head that turns scores into
 * probabilities and a loss. Every model in the notebooks is one, so attacks and measures take
 * any of them: logits, probabilities, predictions, loss, and the loss gradient w.r.t. the input.
 *
 * Heads:
 *  - `binary`: one logit z; labels 0/1 map to the paper's y ∈ {−1, 1}; loss ζ(−y·z), ζ = softplus.
 *  - `softmax`: C logits, softmax cross-entropy.
 *  - `rbf`: C log-probabilities log p_c (each class its own RBF unit, p_c ≤ 1, not normalized);
 *    one-vs-rest cross-entropy. Confidence is p_c itself, so it can be low everywhere.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { checkBatch, checkLabels } from '../core/checks';

export type Head = 'binary' | 'softmax' | 'rbf';

export interface Classifier {
  name: string;
  head: Head;
  net: tf.LayersModel;
  inputSize: number;
  /** Classes the labels index: 2 for `binary`. */
  classes: number;
}

/** Scores before the head ([n, 1] for binary, [n, C] otherwise). `training` turns dropout on. */
export function logits(clf: Classifier, x: tf.Tensor2D, training = false): tf.Tensor2D {
  checkBatch(x, clf.inputSize, `${clf.name}.logits`);
  return clf.net.apply(x, { training }) as tf.Tensor2D;
}

/** Class probabilities [n, C] (for `rbf`, each class's own RBF output; rows need not sum to 1). */
export function probabilities(clf: Classifier, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => probabilitiesFromLogits(clf.head, logits(clf, x)));
}

export function probabilitiesFromLogits(head: Head, z: tf.Tensor2D): tf.Tensor2D {
  if (head === 'binary') {
    const p = tf.sigmoid(z);
    return tf.concat([tf.sub(1, p), p], 1) as tf.Tensor2D;
  }
  if (head === 'softmax') return tf.softmax(z);
  return tf.exp(z);
}

/** Predicted class indices, int32 [n]. */
export function predict(clf: Classifier, x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => predictFromLogits(clf.head, logits(clf, x)));
}

export function predictFromLogits(head: Head, z: tf.Tensor2D): tf.Tensor1D {
  if (head === 'binary') return tf.cast(tf.greater(tf.reshape(z, [-1]), 0), 'int32') as tf.Tensor1D;
  return tf.argMax(z, 1) as tf.Tensor1D;
}

/** Loss of each example, [n]: the head's loss of the scores z against labels y. */
export function lossFromLogits(head: Head, z: tf.Tensor2D, y: tf.Tensor1D, classes: number): tf.Tensor1D {
  return tf.tidy(() => {
    if (head === 'binary') {
      const s = tf.sub(tf.mul(tf.cast(y, 'float32'), 2), 1); // y ∈ {−1, 1}
      return tf.softplus(tf.neg(tf.mul(s, tf.reshape(z, [-1])))) as tf.Tensor1D;
    }
    const onehot = tf.oneHot(y, classes);
    if (head === 'softmax') return tf.neg(tf.sum(tf.mul(onehot, tf.logSoftmax(z)), 1)) as tf.Tensor1D;
    // rbf: −log p_y − Σ_{c≠y} log(1 − p_c), with log(1 − p) computed stably from log p.
    const log1mp = tf.log(tf.sub(1, tf.exp(tf.minimum(z, -1e-6))));
    return tf.neg(tf.sum(tf.add(tf.mul(onehot, z), tf.mul(tf.sub(1, onehot), log1mp)), 1)) as tf.Tensor1D;
  });
}

/** Mean loss over the batch (a scalar). */
export function loss(clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, training = false): tf.Scalar {
  return tf.tidy(() => tf.mean(lossFromLogits(clf.head, logits(clf, x, training), y, clf.classes)) as tf.Scalar);
}

/**
 * ∇ₓJ(θ, x, y) for every row: the gradient of each example's own loss w.r.t. its input
 * (we differentiate the summed loss; rows do not interact at inference time).
 */
export function inputGradient(clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor2D {
  checkBatch(x, clf.inputSize, `${clf.name}.inputGradient`);
  checkLabels(y, x.shape[0], clf.classes, `${clf.name}.inputGradient`);
  return rawInputGradient(clf, x, y, false);
}

/** `inputGradient` without the input checks (they sync labels to the CPU), for inner loops. */
export function rawInputGradient(clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, training: boolean): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.grad((xx: tf.Tensor) => tf.sum(lossFromLogits(clf.head, clf.net.apply(xx, { training }) as tf.Tensor2D, y, clf.classes)))(
        x,
      ) as tf.Tensor2D,
  );
}
