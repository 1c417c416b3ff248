/**
 * The signed margin of a binary classifier, m = y·z with y ∈ {−1, 1} and z = wᵀx + b its logit.
 * For logistic regression the loss is ζ(−m), and FGSM at ε (unclipped) lowers every margin by
 * exactly ε‖w‖₁, so it flips precisely the examples with m < ε‖w‖₁ (§5).
 * @see notebooks/04-logistic-adversarial-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { mapBatches } from '../data/batches';

/** y·z for every example of `ds` (labels 0/1 read as y = −1/+1). */
export function binaryMargins(clf: Classifier, ds: Dataset): Float32Array {
  if (clf.head !== 'binary')
    throw new Error(`binaryMargins: ${clf.name} has a ${clf.head} head; margins y·z need a binary model (logisticRegression).`);
  if (ds.d !== clf.inputSize)
    throw new Error(`binaryMargins: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  if (ds.classes !== 2)
    throw new Error(`binaryMargins: ${ds.description} has ${ds.classes} classes; use ae.digits(ds, [3, 7]) for a binary task.`);
  return mapBatches(ds, 1000, b =>
    tf.tidy(() => {
      const s = tf.sub(tf.mul(tf.cast(b.y, 'float32'), 2), 1);
      return tf.mul(s, tf.reshape(clf.net.apply(b.x, { training: false }) as tf.Tensor, [-1]));
    }),
  );
}
