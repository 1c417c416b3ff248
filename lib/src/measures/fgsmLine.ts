/**
 * Where along the FGSM line an example is misclassified (§8, Fig. 4): for each example x with
 * label y, the predictions at x + ε·sign(∇ₓJ(θ, x, y)) for a grid of ε (negative ε moves against
 * the gradient), and the maximal runs of consecutive grid points that are misclassified. The paper
 * says adversarial examples fill contiguous regions of this line, not fine pockets; the runs
 * measure that.
 * @see notebooks/06-why-adversarial-examples-generalize.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, predictFromLogits, rawInputGradient } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { forEachBatch } from '../data/batches';
import { exactSign } from '../core/sign';

export interface FgsmLineScan {
  /** The grid of ε values (any finite numbers, in pixel units), ascending. */
  epsilons: number[];
  /** predictions[i * K + k]: class predicted for example i at epsilons[k]. */
  predictions: Int32Array;
  labels: Int32Array;
  n: number;
  /** Whether the points were clipped to the valid pixel range [0, 1]. */
  clip: boolean;
}

/**
 * Predictions of `clf` along x + ε·sign(∇ₓJ) for every example of `ds` and every ε of the
 * ascending grid `epsilons`. Unclipped by default, like the paper's Fig. 4 (`clip: true` keeps
 * the points valid images).
 */
export function scanFgsmLine(
  clf: Classifier,
  ds: Dataset,
  epsilons: number[],
  opts: { clip?: boolean; batchSize?: number } = {},
): FgsmLineScan {
  if (ds.d !== clf.inputSize)
    throw new Error(`scanFgsmLine: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  if (!Array.isArray(epsilons) || epsilons.length < 2)
    throw new Error('scanFgsmLine: give at least two ε values, e.g. ae.epsilonRange(-1, 1, 101).');
  epsilons.forEach((e, k) => {
    if (!Number.isFinite(e)) throw new Error(`scanFgsmLine: epsilons[${k}] = ${e}; every ε must be a finite number.`);
    if (k > 0 && !(e > epsilons[k - 1]))
      throw new Error(
        `scanFgsmLine: epsilons must be strictly ascending (epsilons[${k - 1}] = ${epsilons[k - 1]}, epsilons[${k}] = ${e}).`,
      );
  });
  const K = epsilons.length,
    clip = opts.clip ?? false;
  const predictions = new Int32Array(ds.n * K);
  // Each batch runs K forward passes of its rows; keep batch × K rows bounded.
  const batchSize = opts.batchSize ?? Math.max(1, Math.min(500, Math.floor(20000 / K)));
  forEachBatch(ds, batchSize, b => {
    const direction = tf.tidy(() => exactSign(rawInputGradient(clf, b.x, b.y, false)));
    try {
      for (let k = 0; k < K; k++) {
        const p = tf.tidy(() => {
          let pts = tf.add(b.x, tf.mul(direction, epsilons[k]));
          if (clip) pts = tf.clipByValue(pts, 0, 1);
          return predictFromLogits(clf.head, clf.net.apply(pts, { training: false }) as tf.Tensor2D);
        });
        const v = p.dataSync();
        p.dispose();
        for (let i = 0; i < b.size; i++) predictions[(b.start + i) * K + k] = v[i];
      }
    } finally {
      direction.dispose();
    }
  });
  return { epsilons: epsilons.slice(), predictions, labels: Int32Array.from(ds.y.subarray(0, ds.n)), n: ds.n, clip };
}

/** A maximal run of consecutive misclassified grid points, as indices into the ε grid. */
export interface WrongRun {
  from: number;
  to: number;
}

/** The maximal runs of wrong predictions in one row of predictions (one example's line). */
export function wrongRuns(predictions: ArrayLike<number>, label: number): WrongRun[] {
  const runs: WrongRun[] = [];
  let start = -1;
  for (let k = 0; k <= predictions.length; k++) {
    const wrong = k < predictions.length && predictions[k] !== label;
    if (wrong && start < 0) start = k;
    if (!wrong && start >= 0) {
      runs.push({ from: start, to: k - 1 });
      start = -1;
    }
  }
  return runs;
}

/** The predictions of example `i` of a scan (a view, one per ε). */
export function scanRow(scan: FgsmLineScan, i: number): Int32Array {
  if (!(Number.isInteger(i) && i >= 0 && i < scan.n)) throw new Error(`scanRow: example ${i} is outside 0..${scan.n - 1}.`);
  const K = scan.epsilons.length;
  return scan.predictions.subarray(i * K, (i + 1) * K);
}

export interface LineContiguity {
  /** Examples scanned. */
  n: number;
  /** Examples misclassified somewhere on the line. */
  everWrong: number;
  /** Among those: wrong on one or two intervals (at most two wrong runs), not scattered pockets. */
  contiguous: number;
  /** contiguous / everWrong. */
  fractionContiguous: number;
  /** Histogram: runsPerExample[r] = examples with exactly r wrong runs (r = 0, 1, 2, …). */
  runsPerExample: number[];
  /** Among examples wrong at the largest ε, the mean fraction of positive ε that are wrong. */
  meanWrongFractionPositive: number;
}

/**
 * Summarizes a scan: how often the wrong region of an example's line is one or two intervals
 * (typically ε beyond some threshold, plus the far negative end where inputs turn to rubbish)
 * rather than scattered pockets (three or more runs).
 */
export function lineContiguity(scan: FgsmLineScan): LineContiguity {
  const K = scan.epsilons.length;
  const runsPerExample: number[] = [];
  let everWrong = 0,
    contiguous = 0,
    wrongAtEnd = 0,
    fracSum = 0;
  const positive = scan.epsilons.map(e => e > 0);
  const nPositive = positive.filter(Boolean).length;
  for (let i = 0; i < scan.n; i++) {
    const row = scanRow(scan, i),
      label = scan.labels[i];
    const runs = wrongRuns(row, label).length;
    runsPerExample[runs] = (runsPerExample[runs] ?? 0) + 1;
    if (runs === 0) continue;
    everWrong++;
    if (runs <= 2) contiguous++;
    if (row[K - 1] !== label && nPositive > 0) {
      wrongAtEnd++;
      let w = 0;
      for (let k = 0; k < K; k++) if (positive[k] && row[k] !== label) w++;
      fracSum += w / nPositive;
    }
  }
  for (let r = 0; r < runsPerExample.length; r++) runsPerExample[r] = runsPerExample[r] ?? 0;
  return {
    n: scan.n,
    everWrong,
    contiguous,
    fractionContiguous: everWrong ? contiguous / everWrong : NaN,
    runsPerExample,
    meanWrongFractionPositive: wrongAtEnd ? fracSum / wrongAtEnd : NaN,
  };
}
