/**
 * The `Dataset` type — images as a typed array plus labels — and the operations on it that every
 * notebook uses: subsets, seeded samples, digit pairs, validation splits, downsampling, tensors.
 * Kept as typed arrays: batches are cheap `subarray` views, tensors are made on demand.
 * @see notebooks/00-getting-started.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { permutation } from '../core/random';

/** Images (row-major, n × d, values in [0, 1]) and integer class labels. */
export interface Dataset {
  x: Float32Array;
  y: Int32Array;
  n: number;
  /** Features per example (784 for full-size MNIST). */
  d: number;
  /** Number of classes the labels index (10, or 2 for a binary task). */
  classes: number;
  /** Image side in pixels, when the features are a square image. */
  side: number;
  /** Where the examples came from, for metadata and tables. */
  description: string;
}

/** The examples at `indices`, in that order. */
export function pick(ds: Dataset, indices: ArrayLike<number>, description = `${ds.description} subset`): Dataset {
  const n = indices.length, d = ds.d;
  const x = new Float32Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    if (!(Number.isInteger(j) && j >= 0 && j < ds.n)) throw new Error(`pick: index ${j} is outside 0..${ds.n - 1} of ${ds.description}.`);
    x.set(ds.x.subarray(j * d, (j + 1) * d), i * d);
    y[i] = ds.y[j];
  }
  return { ...ds, x, y, n, description };
}

/** The first `n` examples (MNIST's own order), as cheap views. */
export function firstN(ds: Dataset, n: number): Dataset {
  if (!Number.isInteger(n) || n < 1 || n > ds.n) throw new Error(`firstN: n = ${n}, expected an integer in 1..${ds.n}.`);
  return { ...ds, x: ds.x.subarray(0, n * ds.d), y: ds.y.subarray(0, n), n, description: `${ds.description}, first ${n}` };
}

/** A seeded random sample of `n` examples without replacement. */
export function sample(ds: Dataset, n: number, seed: number): Dataset {
  if (!Number.isInteger(n) || n < 1 || n > ds.n) throw new Error(`sample: n = ${n}, expected an integer in 1..${ds.n}.`);
  return pick(ds, permutation(ds.n, seed).subarray(0, n), `${ds.description}, ${n} sampled (seed ${seed})`);
}

/**
 * Keeps only the given digits and relabels them 0..k-1 in the order given:
 * `digits(ds, [3, 7])` makes the paper's 3-vs-7 task with 3 → 0 and 7 → 1.
 */
export function digits(ds: Dataset, keep: number[]): Dataset {
  if (keep.length < 2 || new Set(keep).size !== keep.length || keep.some(k => !Number.isInteger(k) || k < 0 || k >= ds.classes)) {
    throw new Error(`digits: [${keep}] must be two or more distinct labels in 0..${ds.classes - 1}.`);
  }
  const idx: number[] = [];
  for (let i = 0; i < ds.n; i++) if (keep.includes(ds.y[i])) idx.push(i);
  const out = pick(ds, idx, `${ds.description}, digits ${keep.join(' vs ')}`);
  for (let i = 0; i < out.n; i++) out.y[i] = keep.indexOf(out.y[i]);
  return { ...out, classes: keep.length };
}

/** Splits off a seeded validation set of `fraction` (0 < fraction < 1) of the examples. */
export function validationSplit(ds: Dataset, fraction: number, seed: number): { train: Dataset; validation: Dataset } {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`validationSplit: fraction = ${fraction}, expected 0 < fraction < 1 (e.g. 0.1).`);
  const p = permutation(ds.n, seed);
  const nVal = Math.max(1, Math.round(ds.n * fraction));
  return {
    validation: pick(ds, p.subarray(0, nVal), `${ds.description}, validation ${nVal} (seed ${seed})`),
    train: pick(ds, p.subarray(nVal), `${ds.description}, train ${ds.n - nVal} (seed ${seed})`),
  };
}

/** Shrinks square images by averaging `factor`×`factor` blocks (28 → 14 with 2, → 7 with 4). */
export function downsample(ds: Dataset, factor: number): Dataset {
  if (!Number.isInteger(factor) || factor < 1 || ds.side % factor !== 0) {
    throw new Error(`downsample: factor ${factor} must be a positive integer dividing the image side ${ds.side}.`);
  }
  const s = ds.side / factor, d = s * s, x = new Float32Array(ds.n * d), inv = 1 / (factor * factor);
  for (let i = 0; i < ds.n; i++) {
    const src = i * ds.d, dst = i * d;
    for (let r = 0; r < ds.side; r++) for (let c = 0; c < ds.side; c++) {
      x[dst + Math.floor(r / factor) * s + Math.floor(c / factor)] += ds.x[src + r * ds.side + c] * inv;
    }
  }
  return { ...ds, x, d, side: s, description: `${ds.description}, ${s}×${s}` };
}

/** Counts of each label, index = class. */
export function classCounts(ds: Dataset): number[] {
  const c = new Array(ds.classes).fill(0);
  for (let i = 0; i < ds.n; i++) c[ds.y[i]]++;
  return c;
}

/** The dataset as tensors: x [n, d] float32 and y [n] int32. The caller disposes them. */
export function toTensors(ds: Dataset): { x: tf.Tensor2D; y: tf.Tensor1D } {
  return { x: tf.tensor2d(ds.x, [ds.n, ds.d]), y: tf.tensor1d(ds.y, 'int32') };
}
