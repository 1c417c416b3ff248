/**
 * Training objectives of §5–§6.
 *
 * For logistic regression FGSM is exact: with η = −ε·y·sign(w) (labels y ∈ {−1, 1}),
 *   y(wᵀ(x + η) + b) = y(wᵀx + b) − ε‖w‖₁,  so  J(x + η) = ζ(ε‖w‖₁ − y(wᵀx + b)),  ζ = softplus.
 * (The paper prints ζ(y(ε‖w‖₁ − wᵀx − b)); for y = −1 that would *lower* the loss. Notebook 04
 * checks the form above numerically against the loss at the FGSM point, for both labels.)
 *
 * For any model, the paper's adversarial objective mixes clean and FGSM losses:
 *   J̃(θ, x, y) = α·J(θ, x, y) + (1 − α)·J(θ, x + ε·sign(∇ₓJ(θ, x, y)), y).
 * @see notebooks/04-logistic-adversarial-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, lossFromLogits, logits } from '../models/classifier';
import { checkEpsilon } from '../core/checks';

/** w and b of a logistic (or softmax) regression model: its single dense layer's variables. */
export function linearWeights(clf: Classifier): { w: tf.Variable; b: tf.Variable } {
  const dense = clf.net.layers.filter(l => l.getClassName() === 'Dense');
  if (dense.length !== 1)
    throw new Error(
      `${clf.name} has ${dense.length} dense layers; linearWeights needs a linear model (logisticRegression or softmaxRegression).`,
    );
  const [w, b] = dense[0].trainableWeights.map(v => (v as unknown as { val: tf.Variable }).val);
  return { w, b };
}

/** Per-example closed-form adversarial loss of binary logistic regression: ζ(ε‖w‖₁ − y(wᵀx + b)). */
export function logisticAdversarialLoss(clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, epsilon: number, training = false): tf.Tensor1D {
  checkEpsilon(epsilon);
  if (clf.head !== 'binary')
    throw new Error(`logisticAdversarialLoss: ${clf.name} has a ${clf.head} head; it needs logisticRegression (binary).`);
  return tf.tidy(() => {
    const { w } = linearWeights(clf);
    const s = tf.sub(tf.mul(tf.cast(y, 'float32'), 2), 1);
    const margin = tf.mul(s, tf.reshape(logits(clf, x, training), [-1]));
    return tf.softplus(tf.sub(tf.mul(epsilon, tf.sum(tf.abs(w))), margin)) as tf.Tensor1D;
  });
}

/**
 * Mean of the paper's J̃ over a batch, given the FGSM points `xAdv` computed from the current θ
 * (see `fgsm`). They enter as constants: compute them *outside* the optimizer's gradient tape,
 * or tfjs would differentiate through the inner gradient (zero through sign, but costly).
 */
export function adversarialObjective(
  clf: Classifier,
  x: tf.Tensor2D,
  xAdv: tf.Tensor2D,
  y: tf.Tensor1D,
  opts: { alpha?: number; training?: boolean } = {},
): tf.Scalar {
  const alpha = opts.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`alpha = ${alpha}: expected 0 ≤ α ≤ 1 (the paper uses 0.5).`);
  if (xAdv.shape[0] !== x.shape[0])
    throw new Error(`adversarialObjective: ${xAdv.shape[0]} adversarial rows for ${x.shape[0]} clean rows.`);
  return tf.tidy(() => {
    // One forward pass over [x; x'] keeps the matmuls large.
    const l = lossFromLogits(
      clf.head,
      clf.net.apply(tf.concat([x, xAdv], 0), { training: opts.training ?? false }) as tf.Tensor2D,
      tf.concat([y, y], 0) as tf.Tensor1D,
      clf.classes,
    );
    const n = x.shape[0];
    const [clean, adv] = tf.split(l, [n, n]);
    return tf.add(tf.mul(alpha, tf.mean(clean)), tf.mul(1 - alpha, tf.mean(adv))) as tf.Scalar;
  });
}

/** λ·Σ|W| over every kernel (not biases): L1 weight decay. */
export function l1Penalty(clf: Classifier, lambda: number): tf.Scalar {
  if (!(lambda >= 0)) throw new Error(`L1 coefficient ${lambda}: expected ≥ 0.`);
  return tf.tidy(() => {
    const kernels = clf.net.trainableWeights.filter(v => /kernel/.test(v.name)).map(v => tf.sum(tf.abs(v.read())));
    return tf.mul(lambda, kernels.length ? tf.addN(kernels) : tf.scalar(0)) as tf.Scalar;
  });
}
