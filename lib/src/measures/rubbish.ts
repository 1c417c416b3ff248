/**
 * Rubbish-class examples (the paper's appendix): inputs that are no digit at all — here Gaussian
 * noise images x ~ N(μ, s² I) — and how confidently a model still names a class for them. A
 * model that "knows what it doesn't know" gives them low confidence (the RBF network); a linear
 * or piecewise-linear one often does not.
 * @see notebooks/08-the-rest-of-the-lecture.ipynb
 */
import { Classifier } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { IMAGE_SIDE, NUM_CLASSES } from '../data/mnist';
import { checkSeed, rng } from '../core/random';
import { evaluate } from './evaluate';

/** `n` images of i.i.d. N(mean, std²) pixels (Box–Muller on the seeded generator), optionally clipped to [0, 1]. Labels are 0 and mean nothing. */
export function gaussianNoiseImages(
  n: number,
  seed: number,
  o: { mean?: number; std?: number; clip?: boolean; d?: number; classes?: number } = {},
): Dataset {
  checkSeed(seed);
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`gaussianNoiseImages: n = ${n}, expected a positive integer.`);
  const d = o.d ?? IMAGE_SIDE * IMAGE_SIDE,
    mean = o.mean ?? 0,
    std = o.std ?? 1;
  if (!(std >= 0)) throw new Error(`gaussianNoiseImages: std = ${std}, expected ≥ 0.`);
  const r = rng(seed),
    x = new Float32Array(n * d);
  for (let i = 0; i < n * d; i += 2) {
    const u = 1 - r(),
      v = r(),
      rad = Math.sqrt(-2 * Math.log(u));
    x[i] = mean + std * rad * Math.cos(2 * Math.PI * v);
    if (i + 1 < n * d) x[i + 1] = mean + std * rad * Math.sin(2 * Math.PI * v);
  }
  if (o.clip) for (let i = 0; i < x.length; i++) x[i] = Math.min(1, Math.max(0, x[i]));
  const side = Math.round(Math.sqrt(d));
  return {
    x,
    y: new Int32Array(n),
    n,
    d,
    classes: o.classes ?? NUM_CLASSES,
    side: side * side === d ? side : 0,
    description: `${n} Gaussian noise images N(${mean}, ${std}²)${o.clip ? ', clipped to [0, 1]' : ''} (seed ${seed})`,
  };
}

export interface RubbishReport {
  /** Share of the images labelled with confidence ≥ threshold. */
  confidentShare: number;
  /** Mean confidence (probability of the chosen class). */
  meanConfidence: number;
  /** Share of images given each class. */
  classShares: number[];
  threshold: number;
}

/** How confidently `clf` labels the (meaningless) images of `ds`. */
export function rubbishConfidence(clf: Classifier, ds: Dataset, threshold = 0.5): RubbishReport {
  if (!(threshold > 0 && threshold <= 1)) throw new Error(`rubbishConfidence: threshold = ${threshold}, expected 0 < threshold ≤ 1.`);
  const ev = evaluate(clf, ds);
  const classShares = new Array(clf.classes).fill(0);
  let confident = 0;
  for (let i = 0; i < ds.n; i++) {
    classShares[ev.predictions[i]] += 1 / ds.n;
    if (ev.confidence[i] >= threshold) confident++;
  }
  return { confidentShare: confident / ds.n, meanConfidence: ev.meanConfidence, classShares, threshold };
}
