/**
 * SmoothGrad sensitivity maps (Smilkov et al. 2017): the gradient of the class score z_c with
 * respect to the input, averaged over `samples` copies of x with Gaussian noise N(0, σ²) added:
 *   M_c(x) = (1/N) Σ_k ∇ₓ z_c(x + g_k),  g_k ~ N(0, σ² I).
 * For a linear model z = Wᵀx + b the map is exactly W[:, c] whatever the noise (a test checks it).
 * `strokeShare` condenses a map to one number: the share of its absolute mass on the digit's
 * own pixels (x > .5), to compare with the share of the image those pixels cover.
 * @see notebooks/08-the-rest-of-the-lecture.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { checkSeed, childSeed } from '../core/random';

export interface SmoothGradOptions {
  /** Noisy copies per image (default 25). */
  samples?: number;
  /** Noise standard deviation in pixel units (default .15, Smilkov et al.'s 10–20 % of the range). */
  sigma?: number;
  seed: number;
  /** Class per image whose score is differentiated (default the true label). */
  classes?: ArrayLike<number>;
}

/** SmoothGrad maps of every image of `ds` (keep it small: samples × n gradient rows), [n·d]. */
export function smoothGrad(clf: Classifier, ds: Dataset, o: SmoothGradOptions): Float32Array {
  checkSeed(o.seed);
  const samples = o.samples ?? 25,
    sigma = o.sigma ?? 0.15;
  if (!(Number.isInteger(samples) && samples >= 1)) throw new Error(`smoothGrad: samples = ${samples}, expected a positive integer.`);
  if (!(sigma >= 0)) throw new Error(`smoothGrad: sigma = ${sigma}, expected ≥ 0.`);
  if (ds.d !== clf.inputSize) throw new Error(`smoothGrad: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const cls = o.classes ?? ds.y;
  if (cls.length !== ds.n) throw new Error(`smoothGrad: ${cls.length} classes for ${ds.n} images.`);
  const out = new Float32Array(ds.n * ds.d);
  for (let i = 0; i < ds.n; i++) {
    const map = tf.tidy(() => {
      const x = tf.tensor2d(ds.x.subarray(i * ds.d, (i + 1) * ds.d), [1, ds.d]);
      const noisy = tf.add(tf.tile(x, [samples, 1]), tf.randomNormal([samples, ds.d], 0, sigma, 'float32', childSeed(o.seed, i)));
      const pick = tf.oneHot(tf.fill([samples], cls[i], 'int32') as tf.Tensor1D, clf.classes);
      const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(clf.net.apply(xx, { training: false }) as tf.Tensor, pick)))(noisy);
      return tf.mean(g, 0);
    });
    out.set(map.dataSync() as Float32Array, i * ds.d);
    map.dispose();
  }
  return out;
}

/** Per image: Σ|M| over pixels with x > threshold, divided by Σ|M|; and the share of such pixels. */
export function strokeShare(maps: Float32Array, ds: Dataset, threshold = 0.5): { massOnStroke: number[]; strokeArea: number[] } {
  if (maps.length !== ds.n * ds.d) throw new Error(`strokeShare: ${maps.length} map values for ${ds.n} images of ${ds.d} pixels.`);
  const massOnStroke: number[] = [],
    strokeArea: number[] = [];
  for (let i = 0; i < ds.n; i++) {
    let on = 0,
      all = 0,
      area = 0;
    for (let j = 0; j < ds.d; j++) {
      const m = Math.abs(maps[i * ds.d + j]),
        stroke = ds.x[i * ds.d + j] > threshold;
      all += m;
      if (stroke) {
        on += m;
        area++;
      }
    }
    massOnStroke.push(all > 0 ? on / all : NaN);
    strokeArea.push(area / ds.d);
  }
  return { massOnStroke, strokeArea };
}
