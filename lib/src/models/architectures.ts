/**
 * The models of the paper, each a `Classifier`:
 * logistic regression (binary), softmax regression, the maxout network, a ReLU MLP of the same
 * width, and the shallow RBF network. Every function takes a seed: same seed, same weights.
 * @see notebooks/03-fgsm-on-a-network.ipynb (maxout, softmax), 04 (logistic), 06 (RBF, MLP)
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from './classifier';
import { Maxout } from './maxout';
import { RbfLayer } from './rbf';
import { SeededDropout } from './dropout';
import { childSeed, checkSeed } from '../core/random';
import { checkPositiveInt } from '../core/checks';

export interface ModelOptions {
  seed: number;
  /** Features per example; 784 for 28×28 MNIST. */
  inputSize?: number;
  name?: string;
}

const dense = (units: number, seed: number, name: string, inputSize?: number, initRange?: number) =>
  tf.layers.dense({
    units,
    name,
    kernelInitializer:
      initRange === undefined
        ? tf.initializers.glorotUniform({ seed })
        : tf.initializers.randomUniform({ minval: -initRange, maxval: initRange, seed }),
    ...(inputSize ? { inputShape: [inputSize] } : {}),
  });

/** Binary logistic regression, P(y = 1 | x) = σ(wᵀx + b): the paper's §5 model (one `dense` unit). */
export function logisticRegression(o: ModelOptions): Classifier {
  checkSeed(o.seed);
  const d = o.inputSize ?? 784;
  const net = tf.sequential({ name: o.name ?? 'logistic', layers: [dense(1, childSeed(o.seed, 'w'), 'linear', d)] });
  return { name: o.name ?? 'logistic', head: 'binary', net, inputSize: d, classes: 2 };
}

/** Shallow softmax regression over 10 classes (the paper's §6 linear baseline). */
export function softmaxRegression(o: ModelOptions & { classes?: number }): Classifier {
  checkSeed(o.seed);
  const d = o.inputSize ?? 784,
    c = o.classes ?? 10;
  const net = tf.sequential({ name: o.name ?? 'softmax', layers: [dense(c, childSeed(o.seed, 'w'), 'linear', d)] });
  return { name: o.name ?? 'softmax', head: 'softmax', net, inputSize: d, classes: c };
}

export interface DeepOptions extends ModelOptions {
  /** Units per hidden layer (240 in our default; the paper's adversarial run used 1600). */
  units?: number;
  /** Hidden layers (2, as in the paper). */
  layers?: number;
  /** Dropout on the input and on hidden layers (the paper's maxout nets use .2 / .5). */
  inputDropout?: number;
  hiddenDropout?: number;
  classes?: number;
  /** Kernels drawn uniformly from [−r, r] (pylearn2's `irange`; the maxout recipe uses .005) instead of Glorot. */
  initRange?: number;
}

/** The paper's maxout network: `layers` maxout layers of `units` × `pieces`, dropout, softmax. */
export function maxoutNetwork(o: DeepOptions & { pieces?: number }): Classifier {
  const units = o.units ?? 240,
    pieces = o.pieces ?? 5;
  checkPositiveInt(pieces, 'pieces');
  return deepNet(o, 'maxout', (i, seed) => [
    dense(units * pieces, seed, `linear${i}`, undefined, o.initRange),
    new Maxout({ pieces, name: `maxout${i}` }),
  ]);
}

/** A tanh MLP of the same width (the lecture's "carefully tuned" saturating network). */
export function tanhMlp(o: DeepOptions): Classifier {
  const units = o.units ?? 240;
  return deepNet(o, 'tanh', (i, seed) => [
    // A separate activation layer, so the pre-activations are the output of layer `linear${i}`.
    dense(units, seed, `linear${i}`, undefined, o.initRange),
    tf.layers.activation({ activation: 'tanh', name: `tanh${i}` }),
  ]);
}

/** A ReLU MLP of the same width, the second architecture for transfer experiments. */
export function reluMlp(o: DeepOptions): Classifier {
  const units = o.units ?? 240;
  return deepNet(o, 'mlp', (i, seed) => [
    tf.layers.dense({ units, name: `linear${i}`, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }) }),
  ]);
}

function deepNet(o: DeepOptions, kind: string, hidden: (i: number, seed: number) => tf.layers.Layer[]): Classifier {
  checkSeed(o.seed);
  const d = o.inputSize ?? 784,
    c = o.classes ?? 10,
    nLayers = o.layers ?? 2;
  checkPositiveInt(o.units ?? 240, 'units');
  checkPositiveInt(nLayers, 'layers');
  const pIn = o.inputDropout ?? 0.2,
    pHid = o.hiddenDropout ?? 0.5;
  const layers: tf.layers.Layer[] = [tf.layers.inputLayer({ inputShape: [d] }) as unknown as tf.layers.Layer];
  if (pIn > 0) layers.push(new SeededDropout({ rate: pIn, seed: childSeed(o.seed, 'drop-in'), name: 'dropout_in' }));
  for (let i = 1; i <= nLayers; i++) {
    layers.push(...hidden(i, childSeed(o.seed, `w${i}`)));
    if (pHid > 0) layers.push(new SeededDropout({ rate: pHid, seed: childSeed(o.seed, `drop${i}`), name: `dropout${i}` }));
  }
  if (o.initRange !== undefined && !(o.initRange > 0))
    throw new Error(`initRange = ${o.initRange}: expected a positive number (e.g. .005).`);
  layers.push(dense(c, childSeed(o.seed, 'out'), 'logits', undefined, o.initRange));
  const name = o.name ?? kind;
  const net = tf.sequential({ name, layers });
  return { name, head: 'softmax', net, inputSize: d, classes: c };
}

/** The paper's shallow RBF network: one RBF unit per class (σ = 1 relative width at start). */
export function rbfNetwork(o: ModelOptions & { classes?: number; sigma?: number }): Classifier {
  checkSeed(o.seed);
  const d = o.inputSize ?? 784,
    c = o.classes ?? 10;
  const net = tf.sequential({
    name: o.name ?? 'rbf',
    layers: [
      tf.layers.inputLayer({ inputShape: [d] }) as unknown as tf.layers.Layer,
      new RbfLayer({ units: c, sigma: o.sigma ?? 1, seed: childSeed(o.seed, 'rbf'), name: 'rbf' }),
    ],
  });
  return { name: o.name ?? 'rbf', head: 'rbf', net, inputSize: d, classes: c };
}
