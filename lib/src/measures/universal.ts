/**
 * One perturbation for many images (the paper's "adversarial perturbations generalize across
 * different clean examples"): the FGSM step of one image, or the sign of the *summed* loss
 * gradient over a set of images, η = ε·sign(Σᵢ ∇ₓJ(θ, xᵢ, yᵢ)), added unchanged to other images.
 * @see notebooks/08-the-rest-of-the-lecture.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, rawInputGradient } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { forEachBatch } from '../data/batches';
import { checkEpsilon } from '../core/checks';
import { exactSign } from '../core/sign';

/** ε·sign(Σᵢ ∇ₓJ(θ, xᵢ, yᵢ)) over every image of `ds`, one vector of ds.d values. */
export function sharedFgsmPerturbation(clf: Classifier, ds: Dataset, epsilon: number): Float32Array {
  checkEpsilon(epsilon);
  if (ds.d !== clf.inputSize)
    throw new Error(`sharedFgsmPerturbation: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const sum = new Float64Array(ds.d);
  forEachBatch(ds, 500, b => {
    const g = tf.tidy(() => tf.sum(rawInputGradient(clf, b.x, b.y, false), 0));
    const v = g.dataSync();
    g.dispose();
    for (let j = 0; j < ds.d; j++) sum[j] += v[j];
  });
  const s = tf.tidy(() => tf.mul(exactSign(tf.tensor1d(Float32Array.from(sum))), epsilon));
  const eta = s.dataSync() as Float32Array;
  s.dispose();
  return eta;
}

/** `ds` with the same `eta` added to every image, clipped to [0, 1]. */
export function addPerturbation(ds: Dataset, eta: ArrayLike<number>, what = 'a shared perturbation'): Dataset {
  if (eta.length !== ds.d) throw new Error(`addPerturbation: η has ${eta.length} values, ${ds.description} has ${ds.d} features.`);
  const x = new Float32Array(ds.x.length);
  for (let i = 0; i < ds.n; i++) for (let j = 0; j < ds.d; j++) x[i * ds.d + j] = Math.min(1, Math.max(0, ds.x[i * ds.d + j] + eta[j]));
  return { ...ds, x, description: `${ds.description}, plus ${what}` };
}
