/**
 * Transfer (§8): adversarial examples made on model A fool model B too, and B often picks the
 * same wrong class as A.
 * @see notebooks/06-why-adversarial-examples-generalize.ipynb
 */
import { Classifier } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { evaluate } from './evaluate';
import { fgsmDataset } from '../attacks/fgsm';

export interface TransferResult {
  source: string;
  target: string;
  /** Error of the target on the source's adversarial examples. */
  error: number;
  /** Error of the source on its own examples. */
  sourceError: number;
  /** Among examples both models get wrong, the fraction where they choose the same wrong class. */
  sameWrongClass: number;
  meanConfidenceOnErrors: number;
}

/** FGSM examples (ε) made on `source`, measured on each target model. */
export function transferMatrix(models: Classifier[], ds: Dataset, epsilon: number): TransferResult[] {
  const out: TransferResult[] = [];
  for (const source of models) {
    const adv = fgsmDataset(source, ds, epsilon);
    const own = evaluate(source, adv);
    for (const target of models) {
      const ev = target === source ? own : evaluate(target, adv);
      let both = 0,
        same = 0;
      for (let i = 0; i < ds.n; i++) {
        if (own.predictions[i] !== ds.y[i] && ev.predictions[i] !== ds.y[i]) {
          both++;
          if (own.predictions[i] === ev.predictions[i]) same++;
        }
      }
      out.push({
        source: source.name,
        target: target.name,
        error: ev.error,
        sourceError: own.error,
        sameWrongClass: both ? same / both : NaN,
        meanConfidenceOnErrors: ev.meanConfidenceOnErrors,
      });
    }
  }
  return out;
}
