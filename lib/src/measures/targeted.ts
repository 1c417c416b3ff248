/**
 * Targeted FGSM toward every class: x' = clip₀¹(x − ε·sign(∇ₓJ(θ, x, t))) lowers the loss of the
 * target t instead of raising the loss of the true class. (The paper's FGSM is untargeted; the
 * one-step targeted variant is from Kurakin et al., 2017.) The result is a success-rate matrix:
 * rows = true class, columns = target class.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import { Classifier } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { fgsmDataset } from '../attacks/fgsm';
import { evaluate } from './evaluate';
import { checkEpsilon } from '../core/checks';

export interface TargetedResult {
  /** success[y][t]: fraction of examples of class y predicted as t after the attack toward t (NaN on the diagonal). */
  success: number[][];
  /** Mean success over all examples and all targets t ≠ y. */
  meanSuccess: number;
  /** Per target t: fraction of examples with y ≠ t that were moved to t. */
  perTarget: number[];
  /** How many examples of each class were attacked. */
  counts: number[];
}

/** Attacks every example of `ds` toward every class other than its own (one FGSM pass per target). */
export function targetedSuccess(clf: Classifier, ds: Dataset, epsilon: number): TargetedResult {
  checkEpsilon(epsilon);
  const C = clf.classes;
  const hits = Array.from({ length: C }, () => new Array(C).fill(0));
  const counts = new Array(C).fill(0);
  for (let i = 0; i < ds.n; i++) counts[ds.y[i]]++;
  const perTarget = new Array(C).fill(0);
  let total = 0,
    totalHits = 0;
  for (let t = 0; t < C; t++) {
    const targets = new Int32Array(ds.n).fill(t);
    const pred = evaluate(clf, fgsmDataset(clf, ds, epsilon, { targets })).predictions;
    let moved = 0,
      eligible = 0;
    for (let i = 0; i < ds.n; i++) {
      if (ds.y[i] === t) continue;
      eligible++;
      if (pred[i] === t) {
        moved++;
        hits[ds.y[i]][t]++;
      }
    }
    perTarget[t] = eligible ? moved / eligible : NaN;
    total += eligible;
    totalHits += moved;
  }
  const success = hits.map((row, y) => row.map((h, t) => (y === t || counts[y] === 0 ? NaN : h / counts[y])));
  return { success, meanSuccess: total ? totalHits / total : NaN, perTarget, counts };
}
