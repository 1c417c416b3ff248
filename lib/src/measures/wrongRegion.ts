/**
 * How stable a wrong classification is along the FGSM line. Fig. 4's caption: "the wrong
 * classifications are stable across a wide region of ε values". For each example we scan
 * x + ε·sign(∇ₓJ) (unclipped, as in the figure) over increasing ε > 0 and record where the
 * prediction first leaves the label, on what share of the rest of the scan it stays wrong, and
 * what share of the whole scan the class predicted at the end holds. One digit can switch between
 * two wrong classes and still never come back (notebook 02 shows both numbers, over many digits).
 * @see notebooks/02-taylor-linearization.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, inputGradient } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { exactSign } from '../core/sign';
import { logitsAlongLine } from './line';

export interface WrongRegion {
  /** Row of the dataset. */
  index: number;
  label: number;
  /** The first ε of the scan at which the prediction is not the label (NaN: never). */
  flipEpsilon: number;
  /** Share of the scan from flipEpsilon on where the prediction is wrong (NaN if it never flips). */
  staysWrong: number;
  /** The class predicted at the largest ε. */
  finalClass: number;
  /** Share of the whole scan on which finalClass is predicted. */
  finalShare: number;
}

/** `WrongRegion` of each example of `ds`, scanning the increasing positive `epsilons`. */
export function wrongRegions(clf: Classifier, ds: Dataset, epsilons: number[]): WrongRegion[] {
  if (epsilons.length === 0 || epsilons.some((e, k) => !(Number.isFinite(e) && e > 0) || (k > 0 && e <= epsilons[k - 1]))) {
    throw new Error('wrongRegions: epsilons must be finite, positive and increasing (e.g. ae.epsilonRange(0.01, 1, 100)).');
  }
  if (ds.d !== clf.inputSize)
    throw new Error(`wrongRegions: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const out: WrongRegion[] = [];
  for (let i = 0; i < ds.n; i++) {
    const label = ds.y[i];
    const x = tf.tensor2d(ds.x.subarray(i * ds.d, (i + 1) * ds.d), [1, ds.d]),
      y = tf.tensor1d([label], 'int32');
    const sign = tf.tidy(() => exactSign(inputGradient(clf, x, y)));
    const p = logitsAlongLine(clf, x, sign, epsilons).predictions;
    tf.dispose([x, y, sign]);
    const flip = p.findIndex(c => c !== label);
    const after = flip < 0 ? [] : p.slice(flip);
    const finalClass = p[p.length - 1];
    out.push({
      index: i,
      label,
      finalClass,
      flipEpsilon: flip < 0 ? NaN : epsilons[flip],
      staysWrong: flip < 0 ? NaN : after.filter(c => c !== label).length / after.length,
      finalShare: p.filter(c => c === finalClass).length / p.length,
    });
  }
  return out;
}
