/**
 * A probe for gradient masking (Tramèr et al. 2018): the mean loss along x + t·d, clipped to
 * [0, 1], for the FGSM direction d = sign(∇ₓJ(θ, x, y)) and for a random sign direction, at each t.
 * On a model whose loss is close to linear near the data, the FGSM direction raises the loss far
 * faster than a random one. If the two curves stay close, or the FGSM curve bends down after a
 * small t, the gradient at x no longer points to where the loss is high: one-step attacks are
 * misled, but the model need not be robust.
 * @see notebooks/07-beyond-fgsm.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, lossFromLogits } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { forEachBatch } from '../data/batches';
import { checkEpsilon } from '../core/checks';
import { checkSeed, childSeed } from '../core/random';
import { inputGradientEvaluator } from '../attacks/inputGradient';
import { exactSign } from '../core/sign';

export interface DirectionalLoss {
  ts: number[];
  /** Mean loss over the examples at each t, along the FGSM direction and along a random sign direction. */
  fgsm: number[];
  random: number[];
}

/** Mean loss along the FGSM and a random (seeded, one per example) sign direction, for each t in `ts`. */
export function lossAlongDirections(
  clf: Classifier,
  ds: Dataset,
  ts: number[],
  seed: number,
  opts: { batchSize?: number } = {},
): DirectionalLoss {
  if (!Array.isArray(ts) || ts.length === 0) throw new Error('lossAlongDirections: give at least one t, e.g. ae.epsilonRange(0, 0.3, 16).');
  ts.forEach((t, k) => checkEpsilon(t, `ts[${k}]`));
  checkSeed(seed);
  if (ds.d !== clf.inputSize)
    throw new Error(`lossAlongDirections: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const fgsm = new Float64Array(ts.length),
    random = new Float64Array(ts.length);
  const gradient = inputGradientEvaluator(clf);
  try {
    forEachBatch(ds, opts.batchSize ?? 250, b => {
      const [dF, dR] = tf.tidy(() => {
        const { loss, grad, predicted } = gradient.at(b.x, b.y);
        tf.dispose([loss, predicted]);
        const r = exactSign(tf.sub(tf.randomUniform(b.x.shape, 0, 1, 'float32', childSeed(seed, b.start)), 0.5));
        return [exactSign(grad), r];
      });
      ts.forEach((t, k) => {
        const [lf, lr] = tf.tidy(() =>
          [dF, dR].map(d =>
            tf.sum(
              lossFromLogits(
                clf.head,
                clf.net.apply(tf.clipByValue(tf.add(b.x, tf.mul(d, t)), 0, 1), { training: false }) as tf.Tensor2D,
                b.y,
                clf.classes,
              ),
            ),
          ),
        );
        fgsm[k] += lf.dataSync()[0];
        random[k] += lr.dataSync()[0];
        tf.dispose([lf, lr]);
      });
      tf.dispose([dF, dR]);
    });
  } finally {
    gradient.dispose();
  }
  return { ts: ts.slice(), fgsm: Array.from(fgsm, v => v / ds.n), random: Array.from(random, v => v / ds.n) };
}
