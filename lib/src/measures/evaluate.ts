/**
 * The paper's two measures of an attack: error rate, and mean confidence on the wrong
 * predictions (the probability the model gives to the class it wrongly chose).
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, logits, predictFromLogits, probabilitiesFromLogits } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { forEachBatch } from '../data/batches';

export interface Evaluation {
  /** Fraction misclassified, in [0, 1]. */
  error: number;
  /** Mean over misclassified examples of the probability of the predicted class (NaN if none). */
  meanConfidenceOnErrors: number;
  /** Mean over all examples of the probability of the predicted class. */
  meanConfidence: number;
  n: number;
  predictions: Int32Array;
  /** Probability of the predicted class, per example. */
  confidence: Float32Array;
}

/** Evaluates `clf` on every example of `ds` (inference mode: no dropout). */
export function evaluate(clf: Classifier, ds: Dataset, batchSize = 1000): Evaluation {
  if (ds.d !== clf.inputSize) throw new Error(`evaluate: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  if (ds.classes > clf.classes)
    throw new Error(`evaluate: ${ds.description} has ${ds.classes} classes, ${clf.name} predicts ${clf.classes}.`);
  const predictions = new Int32Array(ds.n),
    confidence = new Float32Array(ds.n);
  forEachBatch(ds, batchSize, b => {
    const [p, c] = tf.tidy(() => {
      const z = logits(clf, b.x);
      const probs = probabilitiesFromLogits(clf.head, z);
      return [predictFromLogits(clf.head, z), tf.max(probs, 1)];
    });
    predictions.set(p.dataSync() as Int32Array, b.start);
    confidence.set(c.dataSync() as Float32Array, b.start);
    p.dispose();
    c.dispose();
  });
  let wrong = 0,
    confWrong = 0,
    confAll = 0;
  for (let i = 0; i < ds.n; i++) {
    confAll += confidence[i];
    if (predictions[i] !== ds.y[i]) {
      wrong++;
      confWrong += confidence[i];
    }
  }
  return {
    error: wrong / ds.n,
    meanConfidenceOnErrors: wrong ? confWrong / wrong : NaN,
    meanConfidence: confAll / ds.n,
    n: ds.n,
    predictions,
    confidence,
  };
}

/** Confusion counts: rows = true class, columns = predicted class. */
export function confusion(labels: ArrayLike<number>, predictions: ArrayLike<number>, classes: number): number[][] {
  if (labels.length !== predictions.length) throw new Error(`confusion: ${labels.length} labels vs ${predictions.length} predictions.`);
  const m = Array.from({ length: classes }, () => new Array(classes).fill(0));
  const check = (v: number, what: string, i: number) => {
    if (!(Number.isInteger(v) && v >= 0 && v < classes))
      throw new Error(`confusion: ${what} ${v} at index ${i} is outside 0..${classes - 1}.`);
  };
  for (let i = 0; i < labels.length; i++) {
    check(labels[i], 'label', i);
    check(predictions[i], 'prediction', i);
    m[labels[i]][predictions[i]]++;
  }
  return m;
}

/** Fraction of examples on which two prediction arrays agree. */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`agreement: ${a.length} vs ${b.length} predictions.`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}
