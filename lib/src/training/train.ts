/**
 * Seeded mini-batch training for any `Classifier`: Adam or SGD with momentum, optional cosine
 * learning-rate schedule, validation and early stopping (best weights restored), and the
 * paper's objectives — adversarial training (J̃, α, ε), L1 weight decay, and the closed-form
 * adversarial loss of logistic regression.
 * @see notebooks/04-logistic-adversarial-loss.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, lossFromLogits, predictFromLogits } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { forEachBatch } from '../data/batches';
import { childSeed, checkSeed, permutation } from '../core/random';
import { checkEpsilon, checkPositiveInt } from '../core/checks';
import { adversarialObjective, l1Penalty, logisticAdversarialLoss } from './objectives';
import { rawFgsm, fgsmDataset } from '../attacks/fgsm';
import { evaluate } from '../measures/evaluate';
import { adamOptimizer } from '../runtime/fusedAdam';
import {
  applyMaxColumnNorm,
  decayedLearningRate,
  denseKernels,
  momentumAt,
  momentumOptimizer,
  MomentumRamp,
  setMomentum,
} from './sgdRecipe';

export interface TrainOptions {
  seed: number;
  epochs: number;
  batchSize?: number;
  optimizer?: 'adam' | 'sgd';
  learningRate?: number;
  /** SGD momentum (default .9), or a linear ramp over epochs (the maxout recipe's .5 → .7). */
  momentum?: number | MomentumRamp;
  /**
   * 'cosine' anneals the learning rate to 0 over all epochs; 'exponential' divides it by
   * `decay.factor` after every update (never below `decay.minLearningRate`); default 'constant'.
   */
  schedule?: 'constant' | 'cosine' | 'exponential';
  decay?: { factor: number; minLearningRate?: number };
  /** Max-norm constraint: after every update, dense-kernel columns longer than this are scaled back to it. */
  maxColumnNorm?: number;
  /** Measured after every epoch; needed for early stopping. */
  validation?: Dataset;
  /** Stop after `patience` epochs without a new best; restores the best weights. */
  earlyStopping?: { patience: number; monitor?: 'error' | 'adversarialError' };
  /** Adversarial training with the paper's J̃ (α = .5, ε = .25 by default). */
  adversarial?: { alpha?: number; epsilon?: number };
  /**
   * Replaces FGSM as the source of the adversarial points in J̃ (e.g. PGD for Madry et al.'s
   * training, see `pgdTrainingAttack`); called once per batch outside the gradient tape, with the
   * 1-based epoch and batch numbers (for seeding). α comes from `adversarial.alpha` (default .5).
   */
  adversarialExamples?: (clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, at: { epoch: number; batch: number }) => tf.Tensor2D;
  /** L1 weight decay coefficient λ (per example, added to the mean loss). */
  l1?: number;
  /** Logistic regression only: train on the closed-form adversarial loss at this ε. */
  logisticAdversarialEpsilon?: number;
  /** ε for the adversarial validation error (default the adversarial ε, else .25). */
  validationEpsilon?: number;
  /** Receives live progress (see `progress.ts`); optional. */
  reporter?: TrainReporter;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  /** Training error measured on the fly (with dropout, so pessimistic). */
  trainError: number;
  valError?: number;
  valAdversarialError?: number;
  learningRate: number;
  seconds: number;
}

export interface History {
  epochs: EpochRecord[];
  /** The epoch whose weights the model holds at the end (1-based). */
  bestEpoch: number;
  seconds: number;
  stoppedEarly: boolean;
}

export interface TrainReporter {
  update(f: { epoch: number; epochs: number; batch: number; batches: number; loss: number; trainError: number; elapsed: number }): void;
  epochEnd(r: EpochRecord & { epochs: number; elapsed: number }): void;
  done(h: History): void;
}

/** Trains `clf` in place on `data` and returns its history. */
export function train(clf: Classifier, data: Dataset, o: TrainOptions): History {
  checkSeed(o.seed);
  checkPositiveInt(o.epochs, 'epochs');
  const bs = o.batchSize ?? 128;
  if (data.d !== clf.inputSize) throw new Error(`train: ${data.description} has ${data.d} features, ${clf.name} expects ${clf.inputSize}.`);
  if (data.classes > clf.classes)
    throw new Error(`train: ${data.description} has ${data.classes} classes, ${clf.name} has ${clf.classes}.`);
  if (o.adversarial) checkEpsilon(o.adversarial.epsilon ?? 0.25, 'adversarial.epsilon');
  if (o.logisticAdversarialEpsilon !== undefined) checkEpsilon(o.logisticAdversarialEpsilon, 'logisticAdversarialEpsilon');
  if (o.earlyStopping && !o.validation) throw new Error('train: earlyStopping needs a validation set (options.validation).');
  const lr0 = o.learningRate ?? (o.optimizer === 'sgd' ? 0.05 : 1e-3);
  if (o.schedule === 'exponential' && !o.decay)
    throw new Error("train: schedule 'exponential' needs options.decay ({ factor, minLearningRate }).");
  if (o.optimizer !== 'sgd' && typeof o.momentum === 'object') throw new Error("train: a momentum ramp needs optimizer: 'sgd'.");
  const opt = o.optimizer === 'sgd' ? momentumOptimizer(lr0, momentumAt(o.momentum ?? 0.9, 1)) : adamOptimizer(lr0);
  const constrained = o.maxColumnNorm !== undefined ? denseKernels(clf) : [];
  if (o.maxColumnNorm !== undefined) applyMaxColumnNorm(constrained, o.maxColumnNorm);
  let updates = 0;
  // tfjs's SGD/momentum step uses a scalar cached by setLearningRate; Adam reads .learningRate.
  // (`instanceof` cannot tell them apart: tfjs optimizers match any optimizer by duck typing.)
  const setLr = (lr: number) => {
    if (o.optimizer === 'sgd') (opt as tf.MomentumOptimizer).setLearningRate(lr);
    else (opt as unknown as { learningRate: number }).learningRate = lr;
  };
  const monitor = o.earlyStopping?.monitor ?? 'error';
  const valEps = o.validationEpsilon ?? o.adversarial?.epsilon ?? 0.25;
  const needAdvVal = !!o.validation && (monitor === 'adversarialError' || !!o.adversarial || !!o.adversarialExamples);
  const batches = Math.ceil(data.n / bs);
  const h: History = { epochs: [], bestEpoch: 0, seconds: 0, stoppedEarly: false };
  let best = Infinity,
    bestWeights: tf.Tensor[] | null = null,
    sinceBest = 0;
  const t0 = Date.now();

  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const te = Date.now();
    const lr =
      o.schedule === 'cosine'
        ? lr0 * 0.5 * (1 + Math.cos((Math.PI * (epoch - 1)) / o.epochs))
        : o.schedule === 'exponential'
          ? decayedLearningRate(lr0, o.decay!, updates)
          : lr0;
    setLr(lr);
    if (o.optimizer === 'sgd') setMomentum(opt as tf.MomentumOptimizer, momentumAt(o.momentum ?? 0.9, epoch));
    let lossSum = 0,
      wrong = 0,
      seen = 0,
      batch = 0;
    forEachBatch(
      data,
      bs,
      b => {
        // FGSM points from the current θ, outside the tape (see adversarialObjective).
        const xAdv = o.adversarialExamples
          ? o.adversarialExamples(clf, b.x, b.y, { epoch, batch: batch + 1 })
          : o.adversarial
            ? rawFgsm(clf, b.x, b.y, o.adversarial.epsilon ?? 0.25, 1)
            : null;
        let errs = 0;
        if (o.schedule === 'exponential') setLr(decayedLearningRate(lr0, o.decay!, updates));
        const l = opt.minimize(() => {
          let obj: tf.Scalar;
          if (xAdv) obj = adversarialObjective(clf, b.x, xAdv, b.y, { alpha: o.adversarial?.alpha, training: true });
          else if (o.logisticAdversarialEpsilon !== undefined)
            obj = tf.mean(logisticAdversarialLoss(clf, b.x, b.y, o.logisticAdversarialEpsilon, true)) as tf.Scalar;
          else {
            const z = clf.net.apply(b.x, { training: true }) as tf.Tensor2D;
            errs = tf.sum(tf.notEqual(predictFromLogits(clf.head, z), b.y)).dataSync()[0];
            obj = tf.mean(lossFromLogits(clf.head, z, b.y, clf.classes)) as tf.Scalar;
          }
          return o.l1 ? (tf.add(obj, l1Penalty(clf, o.l1)) as tf.Scalar) : obj;
        }, true) as tf.Scalar;
        xAdv?.dispose();
        updates++;
        if (o.maxColumnNorm !== undefined) applyMaxColumnNorm(constrained, o.maxColumnNorm);
        const lv = l.dataSync()[0];
        l.dispose();
        if (!Number.isFinite(lv))
          throw new Error(`train: loss became ${lv} at epoch ${epoch}, batch ${batch + 1}; lower the learning rate (now ${lr}).`);
        lossSum += lv * b.size;
        wrong += errs;
        seen += b.size;
        batch++;
        o.reporter?.update({
          epoch,
          epochs: o.epochs,
          batch,
          batches,
          loss: lossSum / seen,
          trainError: wrong / seen,
          elapsed: (Date.now() - t0) / 1000,
        });
      },
      permutation(data.n, childSeed(o.seed, `epoch${epoch}`)),
    );

    const rec: EpochRecord = {
      epoch,
      loss: lossSum / seen,
      trainError: o.adversarial || o.adversarialExamples || o.logisticAdversarialEpsilon !== undefined ? NaN : wrong / seen,
      learningRate: lr,
      seconds: 0,
    };
    if (o.validation) {
      rec.valError = evaluate(clf, o.validation).error;
      if (needAdvVal) rec.valAdversarialError = evaluate(clf, fgsmDataset(clf, o.validation, valEps)).error;
    }
    rec.seconds = (Date.now() - te) / 1000;
    h.epochs.push(rec);
    o.reporter?.epochEnd({ ...rec, epochs: o.epochs, elapsed: (Date.now() - t0) / 1000 });

    if (o.validation) {
      const score = monitor === 'adversarialError' ? rec.valAdversarialError! : rec.valError!;
      if (score < best) {
        best = score;
        h.bestEpoch = epoch;
        sinceBest = 0;
        if (o.earlyStopping) {
          bestWeights?.forEach(t => t.dispose());
          bestWeights = clf.net.getWeights().map(w => w.clone());
        }
      } else if (o.earlyStopping && ++sinceBest >= o.earlyStopping.patience) {
        h.stoppedEarly = true;
        break;
      }
    } else h.bestEpoch = epoch;
  }
  if (bestWeights) {
    if (h.bestEpoch !== h.epochs.length) clf.net.setWeights(bestWeights);
    bestWeights.forEach(t => t.dispose());
  }
  opt.dispose();
  // tfjs 4.22's MomentumOptimizer.dispose skips its base class's, leaking the learning-rate scalar.
  if (o.optimizer === 'sgd') tf.SGDOptimizer.prototype.dispose.call(opt);
  h.seconds = (Date.now() - t0) / 1000;
  o.reporter?.done(h);
  return h;
}
