// Training: reproducible from its seed, actually learns, restores the best weights when it
// stops early, and applies the paper's objectives (adversarial J̃, L1, closed-form logistic loss).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Classifier,
  Dataset,
  logisticRegression,
  reluMlp,
  maxoutNetwork,
  train,
  evaluate,
  History,
  TrainReporter,
} from '../../src/internals';

before(async () => {
  await initBackend();
});

const D = 8;
/** Points in [0, 1]^8 labelled by the sign of x₀ − x₁ + x₂ − x₃ + … (linearly separable, about balanced). */
function separable(n: number, seed: number, flip = false): Dataset {
  const r = rng(seed),
    x = new Float32Array(n * D),
    y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < D; j++) {
      const v = r();
      x[i * D + j] = v;
      s += (j % 2 ? -1 : 1) * v;
    }
    y[i] = s > 0 !== flip ? 1 : 0;
  }
  return { x, y, n, d: D, classes: 2, side: 0, description: `separable ${n}${flip ? ' (flipped)' : ''}` };
}
const weights = (c: Classifier) => c.net.getWeights().map(w => Array.from(w.dataSync()));
const withoutTimes = (h: History) => ({ ...h, seconds: 0, epochs: h.epochs.map(e => ({ ...e, seconds: 0 })) });
const smallMlp = (seed = 1) => reluMlp({ seed, inputSize: D, units: 6, layers: 1, classes: 2 });
const l1 = (c: Classifier) => (c.net.getWeights()[0].dataSync() as Float32Array).reduce((a, v) => a + Math.abs(v), 0);

test('the same seed gives identical weights and history; a different seed differs', () => {
  const data = separable(96, 1),
    validation = separable(32, 2);
  const run = (seed: number) => {
    const clf = smallMlp(); // with dropout, so the masks must repeat too
    const h = train(clf, data, { seed, epochs: 2, batchSize: 16, validation });
    return { w: weights(clf), h: withoutTimes(h) };
  };
  const a = run(5),
    b = run(5),
    c = run(6);
  assert.deepEqual(b.w, a.w, 'same seed, same weights');
  assert.deepEqual(b.h, a.h, 'same seed, same history');
  assert.notDeepEqual(c.w, a.w, 'different seed (shuffles and dropout masks), different weights');
  assert.equal(a.h.epochs.length, 2);
  assert.ok(a.h.epochs.every(e => Number.isFinite(e.loss) && e.valError! >= 0 && e.valError! <= 1));
});

test('training reduces the loss on a separable problem (Adam and SGD with momentum)', () => {
  const data = separable(200, 3),
    test = separable(200, 4);
  for (const [optimizer, learningRate] of [
    ['adam', 0.05],
    ['sgd', 0.5],
  ] as const) {
    const clf = logisticRegression({ seed: 2, inputSize: D });
    const before = evaluate(clf, test).error;
    const h = train(clf, data, { seed: 1, epochs: 10, batchSize: 40, optimizer, learningRate });
    const first = h.epochs[0].loss,
      last = h.epochs[h.epochs.length - 1].loss;
    assert.ok(last < 0.6 * first, `${optimizer}: loss ${first} → ${last}`);
    const after = evaluate(clf, test).error;
    assert.ok(after < 0.1 && after < before, `${optimizer}: test error ${before} → ${after}`);
    assert.equal(h.bestEpoch, 10, 'without validation the last epoch is kept');
    assert.equal(h.stoppedEarly, false);
    assert.ok(h.epochs.every(e => e.learningRate === learningRate && e.valError === undefined));
  }
});

test('early stopping stops after `patience` epochs without a new best and restores the best weights', () => {
  // Validation labels are the opposite of the training labels: learning makes validation worse,
  // so the best epoch is early and the final weights must be rolled back to it.
  const data = separable(120, 5),
    validation = separable(60, 6, true);
  const opts = { seed: 3, batchSize: 20, learningRate: 0.05 };
  const clf = logisticRegression({ seed: 4, inputSize: D });
  const h = train(clf, data, { ...opts, epochs: 12, validation, earlyStopping: { patience: 2 } });
  assert.equal(h.stoppedEarly, true);
  assert.equal(h.epochs.length, h.bestEpoch + 2, 'stopped exactly `patience` epochs after the best');
  assert.ok(h.bestEpoch < h.epochs.length, 'the last epoch is not the best, so weights were restored');
  const errs = h.epochs.map(e => e.valError!);
  assert.equal(Math.min(...errs), errs[h.bestEpoch - 1], 'bestEpoch has the lowest validation error');
  assert.equal(errs.indexOf(Math.min(...errs)), h.bestEpoch - 1, 'and is the first epoch reaching it');
  // The same training run for exactly bestEpoch epochs gives the weights the model ended with.
  const ref = logisticRegression({ seed: 4, inputSize: D });
  train(ref, data, { ...opts, epochs: h.bestEpoch });
  assert.deepEqual(weights(clf), weights(ref));
  assert.equal(evaluate(clf, validation).error, errs[h.bestEpoch - 1]);
});

test('cosine schedule anneals the learning rate from lr₀ toward 0', () => {
  const clf = logisticRegression({ seed: 1, inputSize: D });
  const h = train(clf, separable(40, 7), { seed: 1, epochs: 4, batchSize: 20, learningRate: 0.1, schedule: 'cosine' });
  const want = [0, 1, 2, 3].map(e => 0.1 * 0.5 * (1 + Math.cos((Math.PI * e) / 4)));
  h.epochs.forEach((e, i) => assert.ok(Math.abs(e.learningRate - want[i]) < 1e-12, `epoch ${i + 1}: ${e.learningRate} vs ${want[i]}`));
});

test('SGD takes exactly the step w ← w − lr·∇J, with the scheduled learning rate', () => {
  // Full-batch SGD without momentum on logistic regression: the update is computable by hand.
  const data = separable(40, 15),
    clf = logisticRegression({ seed: 5, inputSize: D });
  const [w0, b0] = weights(clf);
  const step = (w: number[], b: number, lr: number): [number[], number] => {
    const gw = new Array(D).fill(0);
    let gb = 0;
    for (let i = 0; i < data.n; i++) {
      let z = b;
      for (let j = 0; j < D; j++) z += w[j] * data.x[i * D + j];
      const r = 1 / (1 + Math.exp(-z)) - data.y[i]; // ∂ζ(−y·z)/∂z with y ∈ {−1, 1}
      for (let j = 0; j < D; j++) gw[j] += (r * data.x[i * D + j]) / data.n;
      gb += r / data.n;
    }
    return [w.map((v, j) => v - lr * gw[j]), b - lr * gb];
  };
  const [w1, b1] = step(w0, b0[0], 0.5);
  const [w2, b2] = step(w1, b1, 0.25); // cosine over 2 epochs: lr₀, then lr₀/2
  const h = train(clf, data, {
    seed: 1,
    epochs: 2,
    batchSize: data.n,
    optimizer: 'sgd',
    momentum: 0,
    learningRate: 0.5,
    schedule: 'cosine',
  });
  assert.deepEqual(
    h.epochs.map(e => e.learningRate),
    [0.5, 0.25],
  );
  const [w, b] = weights(clf);
  w.forEach((v, j) => assert.ok(Math.abs(v - w2[j]) < 1e-5, `w[${j}] = ${v}, by hand ${w2[j]}`));
  assert.ok(Math.abs(b[0] - b2) < 1e-5, `b = ${b[0]}, by hand ${b2}`);
});

test('the cosine schedule changes the result for both optimizers', () => {
  const data = separable(60, 16);
  for (const optimizer of ['adam', 'sgd'] as const) {
    const run = (schedule: 'constant' | 'cosine') => {
      const clf = logisticRegression({ seed: 6, inputSize: D });
      train(clf, data, { seed: 1, epochs: 3, batchSize: 20, optimizer, learningRate: 0.1, schedule });
      return weights(clf);
    };
    assert.notDeepEqual(run('cosine'), run('constant'), `${optimizer}: the schedule is applied`);
  }
});

test('adversarial training records adversarial validation error and can monitor it', () => {
  const clf = maxoutNetwork({ seed: 1, inputSize: D, units: 4, pieces: 2, layers: 1, classes: 2 });
  const h = train(clf, separable(60, 8), {
    seed: 2,
    epochs: 2,
    batchSize: 20,
    validation: separable(30, 9),
    adversarial: { alpha: 0.5, epsilon: 0.1 },
    earlyStopping: { patience: 5, monitor: 'adversarialError' },
  });
  for (const e of h.epochs) {
    assert.ok(Number.isNaN(e.trainError), 'no clean training error under J̃');
    assert.ok(e.valAdversarialError! >= 0 && e.valAdversarialError! <= 1);
    assert.ok(Number.isFinite(e.loss) && e.loss > 0);
  }
  const plain = train(smallMlp(), separable(60, 8), { seed: 2, epochs: 1, batchSize: 20, validation: separable(30, 9) });
  assert.equal(plain.epochs[0].valAdversarialError, undefined, 'not measured unless needed');
});

test('L1 weight decay and the closed-form logistic adversarial loss both shrink ‖w‖₁', () => {
  const data = separable(120, 10);
  const base = { seed: 1, epochs: 15, batchSize: 40, learningRate: 0.1 };
  const plain = logisticRegression({ seed: 3, inputSize: D });
  train(plain, data, base);
  const decayed = logisticRegression({ seed: 3, inputSize: D });
  train(decayed, data, { ...base, l1: 0.01 });
  const adv = logisticRegression({ seed: 3, inputSize: D });
  const h = train(adv, data, { ...base, logisticAdversarialEpsilon: 0.1 });
  assert.ok(l1(decayed) < 0.8 * l1(plain), `L1: ‖w‖₁ ${l1(plain)} → ${l1(decayed)}`);
  assert.ok(l1(adv) < 0.8 * l1(plain), `adversarial: ‖w‖₁ ${l1(plain)} → ${l1(adv)}`);
  assert.ok(h.epochs.every(e => Number.isNaN(e.trainError)));
});

test('the reporter hears every batch, every epoch, and the end', () => {
  const calls = { update: 0, epochEnd: 0, done: 0 },
    seen: number[][] = [];
  const reporter: TrainReporter = {
    update: f => {
      calls.update++;
      seen.push([f.epoch, f.batch, f.batches]);
    },
    epochEnd: r => {
      calls.epochEnd++;
      assert.equal(r.epochs, 3);
    },
    done: h => {
      calls.done++;
      assert.equal(h.epochs.length, 3);
    },
  };
  train(logisticRegression({ seed: 1, inputSize: D }), separable(50, 11), { seed: 1, epochs: 3, batchSize: 20, reporter });
  assert.deepEqual(calls, { update: 9, epochEnd: 3, done: 1 });
  assert.deepEqual(
    seen.slice(0, 3),
    [
      [1, 1, 3],
      [1, 2, 3],
      [1, 3, 3],
    ],
    '50 examples in batches of 20 is 3 batches',
  );
});

test('bad options are refused before any training', () => {
  const clf = logisticRegression({ seed: 1, inputSize: D }),
    data = separable(20, 12);
  const w0 = weights(clf);
  const cases: [object, RegExp][] = [
    [{ seed: 1, epochs: 1, earlyStopping: { patience: 2 } }, /^train: earlyStopping needs a validation set \(options\.validation\)\.$/],
    [{ seed: 1, epochs: 1, adversarial: { epsilon: 1.5 } }, /^adversarial\.epsilon = 1\.5: expected a number in \[0, 1\]/],
    [{ seed: 1, epochs: 1, adversarial: { epsilon: -0.1 } }, /^adversarial\.epsilon = -0\.1: expected a number in \[0, 1\]/],
    [{ seed: 1, epochs: 1, logisticAdversarialEpsilon: NaN }, /^logisticAdversarialEpsilon = NaN: expected a number in \[0, 1\]/],
    [{ seed: 1, epochs: 0 }, /^epochs = 0: expected a positive integer\.$/],
    [{ seed: 1, epochs: 2.5 }, /^epochs = 2\.5: expected a positive integer\.$/],
    [{ seed: -2, epochs: 1 }, /^seed must be a non-negative integer, got -2/],
    [{ seed: 1, epochs: 1, batchSize: 0 }, /^batchSize = 0: expected an integer in 1\.\.2000\.$/],
  ];
  for (const [o, re] of cases)
    assert.throws(
      () => train(clf, data, o as never),
      (e: Error) => {
        assert.match(e.message, re);
        return true;
      },
    );
  assert.deepEqual(weights(clf), w0, 'refused calls do not touch the weights');
  assert.throws(
    () => train(clf, { ...data, d: 4, x: data.x.subarray(0, 80), description: 'narrow' }, { seed: 1, epochs: 1 }),
    /^Error: train: narrow has 4 features, logistic expects 8\.$/,
  );
  assert.throws(
    () => train(clf, { ...data, classes: 10, description: 'ten' }, { seed: 1, epochs: 1 }),
    /^Error: train: ten has 10 classes, logistic has 2\.$/,
  );
  const broken = Float32Array.from(data.x);
  broken[25] = NaN;
  assert.throws(
    () => train(clf, { ...data, x: broken }, { seed: 1, epochs: 1, batchSize: 20, learningRate: 0.01 }),
    /^Error: train: loss became NaN at epoch 1, batch \d; lower the learning rate \(now 0\.01\)\.$/,
  );
});

test('training leaves no tensors behind', () => {
  const clf = smallMlp(7),
    data = separable(40, 13);
  train(clf, data, { seed: 1, epochs: 1, batchSize: 20 }); // warm-up: builds the model
  const before = tf.memory().numTensors;
  train(clf, data, { seed: 1, epochs: 2, batchSize: 20, validation: separable(20, 14), earlyStopping: { patience: 1 } });
  train(clf, data, { seed: 1, epochs: 1, batchSize: 20, adversarial: {}, l1: 1e-3, optimizer: 'sgd' });
  assert.equal(tf.memory().numTensors, before);
});
