/**
 * Error rate as a function of ε (the curves of notebooks 03 and 07), for any attack that maps
 * (model, dataset, ε) to a perturbed dataset.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import { Classifier } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { evaluate } from './evaluate';
import { fgsmDataset } from '../attacks/fgsm';
import { checkEpsilon } from '../core/checks';

export type DatasetAttack = (clf: Classifier, ds: Dataset, epsilon: number) => Dataset;

/** FGSM as a `DatasetAttack`, the default attack of `epsilonSweep`. */
export const fgsmAttack: DatasetAttack = (clf, ds, eps) => fgsmDataset(clf, ds, eps);

export interface SweepPoint {
  epsilon: number;
  error: number;
  meanConfidenceOnErrors: number;
}

/** Evenly spaced ε values from `from` to `to` inclusive. */
export function epsilonRange(from: number, to: number, points: number): number[] {
  if (!Number.isInteger(points) || points < 2) throw new Error(`epsilonRange: points = ${points}, expected an integer ≥ 2.`);
  return Array.from({ length: points }, (_, i) => +(from + ((to - from) * i) / (points - 1)).toFixed(6));
}

/** Error and mean confidence on errors of `clf` under `attack` at each ε. */
export function epsilonSweep(clf: Classifier, ds: Dataset, epsilons: number[], attack: DatasetAttack = fgsmAttack): SweepPoint[] {
  epsilons.forEach(e => checkEpsilon(e));
  return epsilons.map(epsilon => {
    const ev = evaluate(clf, epsilon === 0 ? ds : attack(clf, ds, epsilon));
    return { epsilon, error: ev.error, meanConfidenceOnErrors: ev.meanConfidenceOnErrors };
  });
}
