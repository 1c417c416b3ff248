/**
 * Every trained model the notebooks use, as a recipe: how to build it, what data, how to train.
 * `npm run train -- <name>` runs a recipe and saves to data/models/<name>/; notebooks call
 * `getModel(name)` which loads the saved model, or retrains it when asked to (the switch at the
 * top of each notebook).
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '../models/classifier';
import { Dataset, digits } from '../data/dataset';
import { loadMnist } from '../data/mnist';
import { logisticRegression, maxoutNetwork, rbfNetwork, reluMlp, softmaxRegression } from '../models/architectures';
import { train, TrainOptions, TrainReporter, History } from '../training/train';
import { evaluate } from '../measures/evaluate';
import { fgsmDataset } from '../attacks/fgsm';
import { pgdTrainingAttack } from '../attacks/iterative';
import { initRbfCentres } from '../models/rbf';
import { loadClassifier, saveClassifier, writeModelMeta, ModelMeta } from '../models/persistence';
import { LIB_VERSION } from '../core/version';
import { createProgress } from '../training/progress';

export interface Recipe {
  description: string;
  /** The paper's section this model reproduces. */
  paper: string;
  /** Builds the untrained model; `train` is given for data-dependent initialization (RBF centres). */
  build(seed: number, train: Dataset): Classifier;
  data(): { train: Dataset; test: Dataset };
  options: Omit<TrainOptions, 'seed' | 'reporter' | 'validation'>;
  seed: number;
  /** Start from this saved model's weights (same architecture) instead of a fresh initialization. */
  initFrom?: string;
}

const mnist = () => loadMnist();
const threeVsSeven = () => { const m = loadMnist(); return { train: digits(m.train, [3, 7]), test: digits(m.test, [3, 7]) }; };

/** Every trained model's recipe, by name (`npm run train -- --list`). */
export const RECIPES: Record<string, Recipe> = {
  'softmax': {
    description: 'Shallow softmax regression, 784 → 10', paper: '§4 (shallow softmax: 99.9 % FGSM error, 79.3 % confidence)',
    build: seed => softmaxRegression({ seed, name: 'softmax' }), data: mnist, seed: 1,
    options: { epochs: 10, batchSize: 128, optimizer: 'adam', learningRate: 1e-3 },
  },
  'logistic-3v7': {
    description: 'Logistic regression, MNIST 3 vs 7 (3 → 0, 7 → 1)', paper: '§5 (1.6 % clean error, 99 % FGSM error at ε = .25)',
    build: seed => logisticRegression({ seed, name: 'logistic-3v7' }), data: threeVsSeven, seed: 2,
    options: { epochs: 20, batchSize: 128, optimizer: 'adam', learningRate: 1e-3 },
  },
  'maxout': {
    description: 'Maxout network 2 × (240 units × 5 pieces), dropout .2/.5', paper: '§4 (89.4 % FGSM error, 97.6 % confidence); §6 (0.94 % clean error)',
    build: seed => maxoutNetwork({ seed, name: 'maxout' }), data: mnist, seed: 3,
    options: { epochs: 20, batchSize: 128, optimizer: 'adam', learningRate: 1e-3, schedule: 'cosine' },
  },
  // Fine-tuning the naive network beat training from scratch on both counts in our budget
  // (from scratch, 20 epochs: 2.21 % clean / 9.49 % FGSM; this: 1.63 % / 7.13 %), see notebook 04.
  'maxout-adv': {
    description: 'The naive maxout network fine-tuned adversarially (α = .5, ε = .25, 10 epochs)', paper: '§6 (0.84 % clean, 17.9 % FGSM error)',
    build: seed => maxoutNetwork({ seed, name: 'maxout-adv' }), data: mnist, seed: 8, initFrom: 'maxout',
    options: { epochs: 10, batchSize: 128, optimizer: 'adam', learningRate: 5e-4, schedule: 'cosine', adversarial: { alpha: 0.5, epsilon: 0.25 } },
  },
  'maxout-adv-scratch': {
    description: 'The same maxout network, adversarially trained from scratch (α = .5, ε = .25, 20 epochs)', paper: '§6 (0.84 % clean, 17.9 % FGSM error)',
    build: seed => maxoutNetwork({ seed, name: 'maxout-adv-scratch' }), data: mnist, seed: 4,
    options: { epochs: 20, batchSize: 128, optimizer: 'adam', learningRate: 1e-3, schedule: 'cosine', adversarial: { alpha: 0.5, epsilon: 0.25 } },
  },
  'mlp': {
    description: 'ReLU MLP 2 × 240, dropout .2/.5 (a second architecture for transfer)', paper: '§8 (transfer across architectures)',
    build: seed => reluMlp({ seed, name: 'mlp' }), data: mnist, seed: 5,
    options: { epochs: 20, batchSize: 128, optimizer: 'adam', learningRate: 1e-3, schedule: 'cosine' },
  },
  'rbf': {
    description: 'Shallow RBF network, one unit per class', paper: '§7 (55.4 % FGSM error, 1.2 % confidence)',
    build: (seed, tr) => { const c = rbfNetwork({ seed, name: 'rbf' }); initRbfCentres(c.net, tr); return c; }, data: mnist, seed: 6,
    options: { epochs: 10, batchSize: 128, optimizer: 'adam', learningRate: 3e-2 },
  },
  // PGD training costs ~4× FGSM training per epoch; ε = .1, PGD-5 and 2 epochs are what our CPU
  // budget (≤ 40 min on a shared 2-core machine) allowed. A trial at ε = .25 (PGD-7, 10k images)
  // stayed at 98 % PGD error (notebook 07 says so next to Madry et al.'s ε = .3 numbers).
  'maxout-pgd': {
    description: 'The same maxout network, PGD adversarially trained (PGD-5, a = 2.5ε/5, ε = .1, α = .5, 2 epochs)',
    paper: 'Madry et al. 2018 (MNIST, ε = .3: 93.2 % accuracy under PGD-40, 89.3 % under their strongest attack, with a larger CNN and 100k steps)',
    build: seed => maxoutNetwork({ seed, name: 'maxout-pgd' }), data: mnist, seed: 7,
    options: { epochs: 2, batchSize: 128, optimizer: 'adam', learningRate: 1e-3, schedule: 'cosine', adversarial: { alpha: 0.5, epsilon: 0.1 },
      adversarialExamples: pgdTrainingAttack(0.1, { steps: 5, seed: 7 }) },
  },
};

/** The recipe `name`, or an error that lists the known names. */
export function recipe(name: string): Recipe {
  const r = RECIPES[name];
  if (!r) throw new Error(`No model recipe '${name}'. Known: ${Object.keys(RECIPES).join(', ')}.`);
  return r;
}

/** What `trainRecipe` returns: the model, its training history and its two test-set errors. */
export interface TrainedRecipe {
  clf: Classifier;
  /** The saved model's metadata; null when not saved. */
  meta: ModelMeta | null;
  history: History;
  /** Clean and FGSM (ε = .25) error on the 10k test images. */
  testError: number;
  adversarialError: number;
}

/** Trains a recipe from its seed, measures it on the test set, saves it (unless `save: false`), returns it. */
export async function trainRecipe(name: string, opts: { reporter?: TrainReporter; save?: boolean } = {}): Promise<TrainedRecipe> {
  const r = recipe(name);
  const { train: tr, test } = r.data();
  const clf = r.build(r.seed, tr);
  if (r.initFrom) {
    const { clf: base } = await loadClassifier(r.initFrom);
    clf.net.setWeights(base.net.getWeights());
    base.net.dispose();
  }
  // Live progress by default: in place in a notebook, one rewritten line on a terminal, a line per epoch in logs.
  const reporter = opts.reporter ?? createProgress({ epochs: r.options.epochs, batchesPerEpoch: Math.ceil(tr.n / (r.options.batchSize ?? 128)), label: name });
  const history = train(clf, tr, { ...r.options, seed: r.seed, reporter });
  const testError = evaluate(clf, test).error;
  const adversarialError = evaluate(clf, fgsmDataset(clf, test, 0.25)).error;
  const meta = opts.save === false ? null : await saveClassifier(clf, {
    seed: r.seed, data: tr.description, epochs: history.epochs.length, testError, adversarialError,
    trainingSeconds: history.seconds, recipe: { ...r.options, description: r.description, paper: r.paper },
    extra: { history: history.epochs },
  }, name);
  return { clf, meta, history, testError, adversarialError };
}

/** The saved model `name`, or a fresh retrain when `retrain` is true (the notebooks' switch). */
export async function getModel(name: string, opts: { retrain?: boolean; reporter?: TrainReporter } = {}): Promise<{ clf: Classifier; meta: ModelMeta }> {
  if (opts.retrain) {
    // Retraining in a notebook keeps the committed model files as they are.
    const r = recipe(name);
    const { clf, history, testError, adversarialError } = await trainRecipe(name, { reporter: opts.reporter, save: false });
    const meta: ModelMeta = {
      name, head: clf.head, inputSize: clf.inputSize, classes: clf.classes, seed: r.seed, data: r.data().train.description,
      epochs: history.epochs.length, testError, adversarialError,
      trainingSeconds: history.seconds, libVersion: LIB_VERSION, backend: tf.getBackend(), checksum: '(retrained in memory)',
      createdAt: new Date().toISOString(), recipe: { ...r.options },
    };
    return { clf, meta };
  }
  recipe(name);
  return loadClassifier(name);
}

/** Re-evaluates a saved model on the test set with the current library and updates its meta.json. */
export async function remeasureModel(name: string): Promise<ModelMeta> {
  const r = recipe(name);
  const { clf, meta } = await loadClassifier(name);
  const { test } = r.data();
  const updated: ModelMeta = { ...meta, testError: evaluate(clf, test).error, adversarialError: evaluate(clf, fgsmDataset(clf, test, 0.25)).error,
    extra: { ...(meta.extra ?? {}), remeasuredAt: new Date().toISOString(), remeasuredWithLib: LIB_VERSION } };
  writeModelMeta(name, updated);
  return updated;
}
