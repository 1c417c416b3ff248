/**
 * First-layer filters of a network seen as images (Fig. 3), and numbers that say what changed
 * when the network was trained adversarially ("more localized and interpretable", §6):
 *  - `windowEnergy`: the largest fraction of a filter's energy Σw² inside any k×k window
 *    (white noise over 28×28 puts about k²/784 there; a blob-like filter most of it);
 *  - `roughness`: Σ (wᵢ − wⱼ)² over horizontally and vertically adjacent pixels, divided by Σw²
 *    (0 for a constant image, about 4 for white noise, up to 8 for a checkerboard);
 *  - `maskEnergy`: the fraction of the energy on a set of pixels, e.g. pixels that are blank in
 *    every training image (`blankPixels`), whose weights get no gradient from clean data;
 *  - `pieceWinRates`: how often each maxout piece is its unit's maximum. A piece that never wins
 *    gets no gradient, so it keeps its random initial weights and looks like noise.
 * @see notebooks/05-weight-visualizations.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { forEachBatch } from '../data/batches';

/** The kernel of the first dense layer, [inputs, outputs] row-major; column j is filter j. */
export interface FilterBank {
  kernel: Float32Array;
  inputs: number;
  outputs: number;
  /** For maxout layers: consecutive columns u·pieces … u·pieces + pieces − 1 belong to unit u. */
  pieces: number;
}

/** The first dense layer's kernel of `clf` (a copy), with the maxout piece count if it has one. */
export function firstLayerFilters(clf: Classifier): FilterBank {
  const dense = clf.net.layers.find(l => l.getClassName() === 'Dense');
  if (!dense) throw new Error(`firstLayerFilters: ${clf.name} has no dense layer (an RBF network has centres, not filters).`);
  const kernel = dense.getWeights()[0];
  const [inputs, outputs] = kernel.shape;
  const maxout = clf.net.layers.find(l => l.getClassName() === 'Maxout') as unknown as { pieces?: number } | undefined;
  return { kernel: Float32Array.from(kernel.dataSync()), inputs, outputs, pieces: maxout?.pieces ?? 1 };
}

/** Filter `j` (column j of the kernel) as a flat image. */
export function filterAt(bank: FilterBank, j: number): Float32Array {
  if (!(Number.isInteger(j) && j >= 0 && j < bank.outputs)) throw new Error(`filterAt: filter ${j} is outside 0..${bank.outputs - 1}.`);
  const f = new Float32Array(bank.inputs);
  for (let i = 0; i < bank.inputs; i++) f[i] = bank.kernel[i * bank.outputs + j];
  return f;
}

/** The first `units` units' filters (all their pieces), as a [inputs, units·pieces] matrix for `weightGrid`. */
export function unitFilters(bank: FilterBank, units: number, firstUnit = 0): number[][] {
  const cols = units * bank.pieces,
    c0 = firstUnit * bank.pieces;
  if (!(Number.isInteger(units) && units >= 1 && c0 + cols <= bank.outputs)) {
    throw new Error(
      `unitFilters: units ${firstUnit}..${firstUnit + units - 1} do not exist; the layer has ${bank.outputs / bank.pieces} units.`,
    );
  }
  return Array.from({ length: bank.inputs }, (_, i) =>
    Array.from(bank.kernel.subarray(i * bank.outputs + c0, i * bank.outputs + c0 + cols)),
  );
}

function checkImage(filter: ArrayLike<number>, side: number, who: string): void {
  if (!(Number.isInteger(side) && side >= 1) || filter.length !== side * side) {
    throw new Error(`${who}: a filter of ${filter.length} values is not a ${side}×${side} image.`);
  }
}

function energy(filter: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < filter.length; i++) s += filter[i] * filter[i];
  return s;
}

/** Largest fraction of Σw² inside any `window`×`window` square of the `side`×`side` filter (NaN for an all-zero filter). */
export function windowEnergy(filter: ArrayLike<number>, side: number, window: number): number {
  checkImage(filter, side, 'windowEnergy');
  if (!(Number.isInteger(window) && window >= 1 && window <= side))
    throw new Error(`windowEnergy: window ${window} must be a whole number in 1..${side}.`);
  const total = energy(filter);
  if (total === 0) return NaN;
  // Summed-area table of w², so every window costs four look-ups.
  const S = new Float64Array((side + 1) * (side + 1));
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      const v = filter[r * side + c];
      S[(r + 1) * (side + 1) + c + 1] = v * v + S[r * (side + 1) + c + 1] + S[(r + 1) * (side + 1) + c] - S[r * (side + 1) + c];
    }
  let best = 0;
  for (let r = 0; r + window <= side; r++)
    for (let c = 0; c + window <= side; c++) {
      const a =
        S[(r + window) * (side + 1) + c + window] -
        S[r * (side + 1) + c + window] -
        S[(r + window) * (side + 1) + c] +
        S[r * (side + 1) + c];
      if (a > best) best = a;
    }
  return Math.min(1, best / total);
}

/** Σ (wᵢ − wⱼ)² over adjacent pixel pairs (right and down neighbours) / Σ w² (NaN for an all-zero filter). */
export function roughness(filter: ArrayLike<number>, side: number): number {
  checkImage(filter, side, 'roughness');
  const total = energy(filter);
  if (total === 0) return NaN;
  let s = 0;
  for (let r = 0; r < side; r++)
    for (let c = 0; c < side; c++) {
      const v = filter[r * side + c];
      if (c + 1 < side) {
        const d = v - filter[r * side + c + 1];
        s += d * d;
      }
      if (r + 1 < side) {
        const d = v - filter[(r + 1) * side + c];
        s += d * d;
      }
    }
  return s / total;
}

/** Fraction of Σw² on the pixels where `mask` is 1 (NaN for an all-zero filter). */
export function maskEnergy(filter: ArrayLike<number>, mask: ArrayLike<number>): number {
  if (mask.length !== filter.length) throw new Error(`maskEnergy: mask has ${mask.length} pixels, the filter ${filter.length}.`);
  const total = energy(filter);
  if (total === 0) return NaN;
  let s = 0;
  for (let i = 0; i < filter.length; i++) if (mask[i]) s += filter[i] * filter[i];
  return s / total;
}

/** 1 for each pixel that is exactly 0 in every example of `ds` (on MNIST: mostly the border). */
export function blankPixels(ds: Dataset): Uint8Array {
  const mask = new Uint8Array(ds.d).fill(1);
  for (let i = 0; i < ds.n; i++) {
    const o = i * ds.d;
    for (let j = 0; j < ds.d; j++) if (ds.x[o + j] !== 0) mask[j] = 0;
  }
  return mask;
}

/** `stat` of every filter of the bank, in column order. */
export function filterStats(bank: FilterBank, stat: (filter: Float32Array) => number): Float64Array {
  const out = new Float64Array(bank.outputs);
  for (let j = 0; j < bank.outputs; j++) out[j] = stat(filterAt(bank, j));
  return out;
}

/**
 * For each column of the first layer: the fraction of examples of `ds` on which it is the largest
 * of its unit's pieces (for a layer without maxout, every column "wins" always: 1).
 */
export function pieceWinRates(clf: Classifier, ds: Dataset, batchSize = 500): Float64Array {
  const dense = clf.net.layers.find(l => l.getClassName() === 'Dense');
  if (!dense) throw new Error(`pieceWinRates: ${clf.name} has no dense layer.`);
  if (ds.d !== clf.inputSize)
    throw new Error(`pieceWinRates: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const [kernel, bias] = dense.getWeights();
  const outputs = kernel.shape[1] as number;
  const maxout = clf.net.layers.find(l => l.getClassName() === 'Maxout') as unknown as { pieces?: number } | undefined;
  const pieces = maxout?.pieces ?? 1,
    units = outputs / pieces;
  const wins = new Float64Array(outputs);
  if (pieces === 1) return wins.fill(1);
  forEachBatch(ds, batchSize, b => {
    const winner = tf.tidy(() => tf.argMax(tf.reshape(tf.add(tf.matMul(b.x, kernel), bias), [-1, units, pieces]), 2));
    const v = winner.dataSync();
    winner.dispose();
    for (let i = 0; i < b.size; i++) for (let u = 0; u < units; u++) wins[u * pieces + v[i * units + u]]++;
  });
  return wins.map(c => c / ds.n);
}
