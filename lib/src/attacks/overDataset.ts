/**
 * The one dataset-wide wrapper every attack shares: input checks, bounded batches, the perturbed
 * images collected into a new `Dataset` that keeps the true labels and says what was done to it.
 * Each attack file holds only its own per-batch step.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { checkEpsilon } from '../core/checks';
import { Dataset } from '../data/dataset';
import { Batch, mapBatches } from '../data/batches';
import { Classifier } from '../models/classifier';

export interface OverDatasetOptions {
  /** The calling function's name, for error messages. */
  caller: string;
  /** Max-norm budget in pixel units, checked here. */
  epsilon: number;
  batchSize: number;
  /** The attacked model, if any: its input size must match the dataset's. */
  model?: Classifier;
  /** What was done, appended to the dataset's description (e.g. "FGSM ε=0.25 on maxout"). */
  what: string;
}

/** Runs `step` on every batch of `ds` and returns the perturbed examples, true labels kept. */
export function attackOverDataset(ds: Dataset, step: (b: Batch) => tf.Tensor2D, o: OverDatasetOptions): Dataset {
  checkEpsilon(o.epsilon);
  if (o.model && ds.d !== o.model.inputSize) {
    throw new Error(`${o.caller}: ${ds.description} has ${ds.d} features, ${o.model.name} expects ${o.model.inputSize}.`);
  }
  const x = mapBatches(ds, o.batchSize, step);
  return { ...ds, x, description: `${ds.description}, ${o.what}` };
}
