/**
 * The network linearized in its logits: the directional derivative of every logit z_c along a
 * direction v, (∂z_c/∂x)·v, per example. Then z(x + εv) ≈ z(x) + ε·slopes — a straight line for
 * each class, the tangent of the paper's Fig. 4 curves at ε = 0. Comparing it with the true
 * logits measures how linear the network is along the FGSM direction (§4, §8).
 * @see notebooks/02-taylor-linearization.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '../models/classifier';
import { checkBatch } from '../core/checks';

/**
 * slopes[i][c] = ∇ₓz_c(xᵢ)·vᵢ for every row i of x and `direction` ([n, d] each), as an [n, C]
 * tensor (inference mode: no dropout). One backward pass per class. The caller disposes it.
 */
export function logitSlopes(clf: Classifier, x: tf.Tensor2D, direction: tf.Tensor2D): tf.Tensor2D {
  checkBatch(x, clf.inputSize, 'logitSlopes');
  if (direction.shape.join() !== x.shape.join()) {
    throw new Error(`logitSlopes: direction has shape [${direction.shape}], expected [${x.shape}] (one direction per row of x).`);
  }
  return tf.tidy(() => {
    const C = (clf.net.apply(tf.slice(x, [0, 0], [1, -1]), { training: false }) as tf.Tensor2D).shape[1];
    const columns = Array.from({ length: C }, (_, c) => {
      // Rows do not interact at inference, so the gradient of the column sum is each row's own gradient.
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.slice(clf.net.apply(xx, { training: false }) as tf.Tensor2D, [0, c], [-1, 1])))(x);
      return tf.sum(tf.mul(g, direction), 1);
    });
    return tf.stack(columns, 1) as tf.Tensor2D;
  });
}
