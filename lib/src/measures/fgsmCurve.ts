/**
 * FGSM error rate at many ε from one gradient per example. sign(∇ₓJ(θ, x, y)) does not depend on ε,
 * so the whole curve costs one gradient pass plus one forward pass per ε; `epsilonSweep` with
 * `fgsmDataset` redoes the gradient at every ε. With `labels: 'predicted'` the direction comes from
 * the model's own prediction (no label leaking, Kurakin et al. 2017); errors count against the true label.
 * @see notebooks/07-beyond-fgsm.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, predictFromLogits, probabilitiesFromLogits } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { forEachBatch } from '../data/batches';
import { checkEpsilon } from '../core/checks';
import { SweepPoint } from './sweep';
import { AttackLabels } from '../attacks/iterative';
import { inputGradientEvaluator } from '../attacks/inputGradient';
import { exactSign } from '../core/sign';

/** Error and mean confidence on errors of `clf` under FGSM at each ε (clipped to [0, 1]). */
export function fgsmErrorCurve(
  clf: Classifier,
  ds: Dataset,
  epsilons: number[],
  opts: { labels?: AttackLabels; batchSize?: number } = {},
): SweepPoint[] {
  if (!Array.isArray(epsilons) || epsilons.length === 0) throw new Error('fgsmErrorCurve: give at least one ε, e.g. [0.1, 0.25].');
  epsilons.forEach((e, k) => checkEpsilon(e, `epsilons[${k}]`));
  if (ds.d !== clf.inputSize)
    throw new Error(`fgsmErrorCurve: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const which = opts.labels ?? 'true';
  if (which !== 'true' && which !== 'predicted') throw new Error(`labels = '${which}': expected 'true' or 'predicted'.`);
  const wrong = new Float64Array(epsilons.length),
    confWrong = new Float64Array(epsilons.length);
  const gradient = inputGradientEvaluator(clf);
  try {
    forEachBatch(ds, opts.batchSize ?? 500, b => {
      const direction = tf.tidy(() => {
        const labels = which === 'predicted' ? predictFromLogits(clf.head, clf.net.apply(b.x, { training: false }) as tf.Tensor2D) : b.y;
        const { loss, grad, predicted } = gradient.at(b.x, labels);
        tf.dispose([loss, predicted]);
        return exactSign(grad);
      });
      const y = b.y.dataSync();
      epsilons.forEach((eps, k) => {
        const [p, c] = tf.tidy(() => {
          const z = clf.net.apply(tf.clipByValue(tf.add(b.x, tf.mul(direction, eps)), 0, 1), { training: false }) as tf.Tensor2D;
          return [predictFromLogits(clf.head, z), tf.max(probabilitiesFromLogits(clf.head, z), 1)];
        });
        const pv = p.dataSync(),
          cv = c.dataSync();
        for (let i = 0; i < b.size; i++)
          if (pv[i] !== y[i]) {
            wrong[k]++;
            confWrong[k] += cv[i];
          }
        tf.dispose([p, c]);
      });
      direction.dispose();
    });
  } finally {
    gradient.dispose();
  }
  return epsilons.map((epsilon, k) => ({
    epsilon,
    error: wrong[k] / ds.n,
    meanConfidenceOnErrors: wrong[k] ? confWrong[k] / wrong[k] : NaN,
  }));
}
