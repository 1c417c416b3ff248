/**
 * The linear explanation (§3) and the Taylor view (§4) as plain functions.
 *  - For a linear score wᵀx, the max-norm-ε perturbation that raises it most is η = ε·sign(w),
 *    and it raises it by exactly wᵀη = ε‖w‖₁ (≈ ε·m·n for n weights of mean magnitude m).
 *  - Near x, J(x + η) ≈ J(x) + ηᵀ∇ₓJ; with η = ε·sign(∇ₓJ) the predicted rise is ε‖∇ₓJ‖₁.
 * @see notebooks/01-linear-explanation.ipynb, notebooks/02-taylor-linearization.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { checkEpsilon } from '../core/checks';
import { exactSign } from '../core/sign';

/** The worst-case perturbation of a linear score: η = ε·sign(w). */
export function worstCasePerturbation(w: tf.Tensor, epsilon: number): tf.Tensor {
  checkEpsilon(epsilon);
  return tf.tidy(() => tf.mul(exactSign(w), epsilon));
}

/** How much η changes the linear score wᵀx: wᵀη (measured, not the closed form). */
export function linearScoreChange(w: tf.Tensor, eta: tf.Tensor): number {
  if (w.size !== eta.size) throw new Error(`linearScoreChange: w has ${w.size} entries, η has ${eta.size}.`);
  // Summed in double precision in JS, so the comparison with ε‖w‖₁ is not blurred by float32.
  const a = w.dataSync(),
    b = eta.dataSync();
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** The closed form ε‖w‖₁ of the worst-case change. */
export function maxLinearScoreChange(w: tf.Tensor, epsilon: number): number {
  checkEpsilon(epsilon);
  const a = w.dataSync();
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]);
  return epsilon * s;
}

/** First-order estimate of the loss change, ηᵀ∇ₓJ, per row of a batch ([n, d] each). */
export function taylorLossChange(gradient: tf.Tensor2D, eta: tf.Tensor2D): tf.Tensor1D {
  if (gradient.shape.join() !== eta.shape.join())
    throw new Error(`taylorLossChange: gradient [${gradient.shape}] and η [${eta.shape}] differ in shape.`);
  return tf.tidy(() => tf.sum(tf.mul(gradient, eta), 1) as tf.Tensor1D);
}
