/**
 * Where a saturating network's units sit: the pre-activations z = Wx + b of a hidden layer over
 * a set of images, and the share of them in tanh's near-linear range |z| ≤ 1 (there
 * tanh′(z) ≥ tanh′(1) ≈ .42) versus its saturated tails |z| ≥ 2 (tanh′ ≤ .07). The lecture: "sigmoid
 * or tanh networks are carefully tuned to spend most of their time in the non-saturating, more
 * linear regime".
 * @see notebooks/08-the-rest-of-the-lecture.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { mapBatches } from '../data/batches';

/** The output of layer `layerName` of `clf` for every example of `ds` (inference mode), row-major [n, width]. */
export function layerOutputs(clf: Classifier, ds: Dataset, layerName: string): { values: Float32Array; width: number } {
  if (ds.d !== clf.inputSize)
    throw new Error(`layerOutputs: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const names = clf.net.layers.map(l => l.name);
  if (!names.includes(layerName))
    throw new Error(`layerOutputs: ${clf.name} has no layer '${layerName}'; its layers are ${names.join(', ')}.`);
  // The layers up to and including `layerName`, applied in order (a sequential model's prefix).
  const upto = clf.net.layers.slice(0, names.indexOf(layerName) + 1).filter(l => l.getClassName() !== 'InputLayer');
  const values = mapBatches(ds, 1000, b =>
    tf.tidy(() => upto.reduce<tf.Tensor>((h, l) => l.apply(h, { training: false }) as tf.Tensor, b.x)),
  );
  return { values, width: ds.n ? values.length / ds.n : 0 };
}

export interface SaturationShares {
  /** Share of values with |z| ≤ linearBound. */
  linear: number;
  /** Share with |z| ≥ saturatedBound. */
  saturated: number;
  /** Median of |z|. */
  medianAbs: number;
  count: number;
}

/** Shares of `values` in the linear range and in the saturated tails (defaults 1 and 2, for tanh). */
export function saturationShares(values: ArrayLike<number>, bounds: { linear?: number; saturated?: number } = {}): SaturationShares {
  const lin = bounds.linear ?? 1,
    sat = bounds.saturated ?? 2;
  if (!(lin > 0 && sat >= lin))
    throw new Error(`saturationShares: bounds linear = ${lin}, saturated = ${sat}; expected 0 < linear ≤ saturated.`);
  const n = values.length;
  if (n === 0) throw new Error('saturationShares: no values.');
  let a = 0,
    s = 0;
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.abs(values[i]);
    abs[i] = v;
    if (v <= lin) a++;
    if (v >= sat) s++;
  }
  abs.sort();
  const medianAbs = n % 2 ? abs[(n - 1) / 2] : (abs[n / 2 - 1] + abs[n / 2]) / 2;
  return { linear: a / n, saturated: s / n, medianAbs, count: n };
}
