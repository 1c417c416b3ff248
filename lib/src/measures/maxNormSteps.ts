/**
 * Steps of the same max-norm ε built from the same gradient g = ∇ₓJ(θ, x, y) (§4), and what each
 * does to the loss. Over the box ‖η‖∞ ≤ ε the first-order change ηᵀg is largest for the sign step
 * η = ε·sign(g) (FGSM), where it equals ε‖g‖₁. Two steps of the same size to compare it with:
 *  - `gradient`: η = ε·g/‖g‖∞, the gradient direction scaled until its largest entry is ε
 *    (ηᵀg = ε‖g‖₂²/‖g‖∞ ≤ ε‖g‖₁);
 *  - `randomSign`: η = ε·s with s uniform in {−1, 1}ᵈ, which ignores g (E[ηᵀg] = 0).
 * ε is in pixel units. Every step is computed per example (per row).
 * @see notebooks/02-taylor-linearization.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, lossFromLogits, predictFromLogits, rawInputGradient } from '../models/classifier';
import { checkEpsilon } from '../core/checks';
import { Dataset } from '../data/dataset';
import { forEachBatch } from '../data/batches';
import { checkSeed, childSeed } from '../core/random';
import { exactSign } from '../core/sign';

export type MaxNormStepKind = 'sign' | 'gradient' | 'randomSign';
/** The three steps of max-norm ε compared in notebook 02: sign of the gradient, scaled gradient, random signs. */
export const MAX_NORM_STEP_KINDS: MaxNormStepKind[] = ['sign', 'gradient', 'randomSign'];

/**
 * The step η of kind `kind` and max-norm ε for each row of the gradient `g` ([n, d]). Rows of g
 * that are all zero give η = 0 for `sign` and `gradient`. `seed` draws the random signs.
 * The caller disposes the result.
 */
export function maxNormStep(kind: MaxNormStepKind, g: tf.Tensor2D, epsilon: number, seed = 0): tf.Tensor2D {
  checkEpsilon(epsilon);
  if (g.rank !== 2) throw new Error(`maxNormStep: g has shape [${g.shape}], expected [n, d] (one gradient per row).`);
  return tf.tidy(() => {
    if (kind === 'sign') return tf.mul(exactSign(g), epsilon) as tf.Tensor2D;
    if (kind === 'gradient') {
      const top = tf.max(tf.abs(g), 1, true);
      // 0/0 for an all-zero row: divide by 1 there instead (η = 0 either way).
      const safe = tf.where(tf.greater(top, 0), top, tf.onesLike(top));
      return tf.mul(tf.div(g, safe), epsilon) as tf.Tensor2D;
    }
    if (kind === 'randomSign') {
      checkSeed(seed);
      const u = tf.randomUniform(g.shape, 0, 1, 'float32', seed);
      return tf.mul(tf.sub(tf.mul(tf.cast(tf.greaterEqual(u, 0.5), 'float32'), 2), 1), epsilon) as tf.Tensor2D;
    }
    throw new Error(`maxNormStep: unknown kind '${kind}'; expected one of ${MAX_NORM_STEP_KINDS.join(', ')}.`);
  });
}

/** What one kind of step of size ε did to every example of a dataset. */
export interface StepEffect {
  kind: MaxNormStepKind;
  epsilon: number;
  /** Measured J(x + η) − J(x), per example. */
  lossChange: Float32Array;
  /** First-order estimate ηᵀ∇ₓJ, per example. */
  linearChange: Float32Array;
  /**
   * Logit margin at x + η, per example: z_y − max_{c≠y} z_c (y·z for a binary head); negative =
   * misclassified. Unlike the loss it does not round to 0 in float32 for confident examples, so it
   * ranks steps even where both leave the loss at exactly 0.
   */
  margin: Float32Array;
  /** Fraction of examples misclassified at x + η. */
  error: number;
  meanLossChange: number;
  meanLinearChange: number;
}

/**
 * For every ε and every kind: the measured and the linearized loss change and the error rate at
 * x + η, over all of `ds` (inference mode). The gradient is computed once per example. Points are
 * not clipped to [0, 1] unless `clip` (the Taylor view is about the direction, not the pixel range).
 * The random signs of an example are the same at every ε (one direction, scaled).
 */
export function stepEffects(
  clf: Classifier,
  ds: Dataset,
  epsilons: number[],
  opts: { kinds?: MaxNormStepKind[]; seed?: number; clip?: boolean; batchSize?: number } = {},
): StepEffect[] {
  const kinds = opts.kinds ?? MAX_NORM_STEP_KINDS,
    seed = opts.seed ?? 0;
  epsilons.forEach(e => checkEpsilon(e));
  checkSeed(seed);
  kinds.forEach(k => {
    if (!MAX_NORM_STEP_KINDS.includes(k)) throw new Error(`stepEffects: unknown kind '${k}'; expected ${MAX_NORM_STEP_KINDS.join(', ')}.`);
  });
  if (ds.d !== clf.inputSize) throw new Error(`stepEffects: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const out: StepEffect[] = [];
  for (const epsilon of epsilons)
    for (const kind of kinds) {
      out.push({
        kind,
        epsilon,
        lossChange: new Float32Array(ds.n),
        linearChange: new Float32Array(ds.n),
        margin: new Float32Array(ds.n),
        error: 0,
        meanLossChange: 0,
        meanLinearChange: 0,
      });
    }
  const wrong = new Array(out.length).fill(0);
  forEachBatch(ds, opts.batchSize ?? 500, b => {
    const g = rawInputGradient(clf, b.x, b.y, false);
    const loss0 = tf.tidy(() => lossFromLogits(clf.head, clf.net.apply(b.x, { training: false }) as tf.Tensor2D, b.y, clf.classes));
    const batchSeed = childSeed(seed, b.start);
    out.forEach((r, k) => {
      const [dl, lin, marg, bad] = tf.tidy(() => {
        const eta = maxNormStep(r.kind, g, r.epsilon, batchSeed);
        let xa = tf.add(b.x, eta) as tf.Tensor2D;
        if (opts.clip) xa = tf.clipByValue(xa, 0, 1);
        const z = clf.net.apply(xa, { training: false }) as tf.Tensor2D;
        return [
          tf.sub(lossFromLogits(clf.head, z, b.y, clf.classes), loss0),
          tf.sum(tf.mul(g, opts.clip ? tf.sub(xa, b.x) : eta), 1),
          logitMargin(clf, z, b.y),
          tf.sum(tf.cast(tf.notEqual(predictFromLogits(clf.head, z), b.y), 'int32')),
        ];
      });
      r.lossChange.set(dl.dataSync() as Float32Array, b.start);
      r.linearChange.set(lin.dataSync() as Float32Array, b.start);
      r.margin.set(marg.dataSync() as Float32Array, b.start);
      wrong[k] += bad.dataSync()[0];
      tf.dispose([dl, lin, marg, bad]);
    });
    tf.dispose([g, loss0]);
  });
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  out.forEach((r, k) => {
    r.error = wrong[k] / ds.n;
    r.meanLossChange = mean(r.lossChange);
    r.meanLinearChange = mean(r.linearChange);
  });
  return out;
}

/** z_y − max_{c≠y} z_c per row (y·z with y ∈ {−1, 1} for a binary head). */
export function logitMargin(clf: Classifier, z: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    if (clf.head === 'binary') return tf.mul(tf.sub(tf.mul(tf.cast(y, 'float32'), 2), 1), tf.reshape(z, [-1])) as tf.Tensor1D;
    const onehot = tf.oneHot(y, clf.classes);
    const own = tf.sum(tf.mul(z, onehot), 1);
    const others = tf.max(tf.sub(z, tf.mul(onehot, 1e30)), 1);
    return tf.sub(own, others) as tf.Tensor1D;
  });
}
