// BIM and PGD (iterative.ts) and the hand-written input gradient they use (fastInputGradient.ts):
// PGD-1 from x with a = ε is FGSM; every iterate stays in the ε-ball and in [0, 1]; more steps or
// restarts never lower the loss reached; on a linear model the attack reaches the closed-form
// corner x − y·ε·sign(w) (clipped); no tensor leaks; bad input is refused with a clear message.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  Classifier,
  Dataset,
  fgsm,
  bim,
  pgd,
  bimDataset,
  pgdDataset,
  fgsmPredictedDataset,
  iterativeAttack,
  pgdTrainingAttack,
  inputGradientEvaluator,
  rawInputGradient,
  lossFromLogits,
  logits,
  predict,
  train,
  rawIterativeAttack,
  iterativeSettings,
  IterativeOptions,
  childSeed,
  exactSign,
  predictFromLogits,
} from '../../src/internals';
import { logisticWith, randomRows, tinyMlp as helperMlp, tinyMaxout as helperMaxout, tinySoftmax as helperSoftmax } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 12;
const W = [0.9, -1.3, 0.4, -0.2, 1.7, -0.8, 0.05, -2.1, 0.6, -0.45, 1.1, -0.3];

const knownLogistic = (b = 0.3) => logisticWith(W, b);
const tinyMlp = () => helperMlp(D),
  tinyMaxout = () => helperMaxout(D),
  tinySoftmax = () => helperSoftmax(D);

function batch(clf: Classifier, n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor1D } {
  return {
    x: tf.tensor2d(randomRows(n, D, seed), [n, D]),
    y: tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i * 7 + seed) % clf.classes),
      'int32',
    ),
  };
}
const lossOf = (clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D) =>
  tf.tidy(() => lossFromLogits(clf.head, logits(clf, x), y, clf.classes)).dataSync() as Float32Array;

test('the hand-written input gradient matches tfjs autodiff (and falls back to it for other heads)', () => {
  for (const clf of [tinyMlp(), tinyMaxout(), tinySoftmax(), knownLogistic()]) {
    const { x, y } = batch(clf, 16, 1);
    const ev = inputGradientEvaluator(clf);
    assert.equal(ev.fast, clf.head === 'softmax', `${clf.name}: fast path only for softmax stacks`);
    const { loss, grad, predicted } = ev.at(x, y);
    const g = rawInputGradient(clf, x, y, false).dataSync(),
      gf = grad.dataSync();
    for (let i = 0; i < g.length; i++)
      assert.ok(Math.abs(g[i] - gf[i]) <= 1e-5 * (1 + Math.abs(g[i])), `${clf.name} grad[${i}]: ${gf[i]} vs autodiff ${g[i]}`);
    const l = lossOf(clf, x, y),
      lf = loss.dataSync();
    for (let i = 0; i < l.length; i++) assert.ok(Math.abs(l[i] - lf[i]) < 1e-5, `${clf.name} loss[${i}]`);
    assert.deepEqual(Array.from(predicted.dataSync()), Array.from(tf.tidy(() => predict(clf, x)).dataSync()));
    tf.dispose([loss, grad, predicted, x, y]);
    ev.dispose();
  }
});

test('PGD with one step, no random start and step ε is FGSM exactly', () => {
  for (const clf of [knownLogistic(), tinyMlp(), tinyMaxout(), tinySoftmax()]) {
    const { x, y } = batch(clf, 25, 2);
    for (const eps of [0.05, 0.25]) {
      const a = pgd(clf, x, y, eps, { steps: 1, stepSize: eps, randomStart: false }),
        b = fgsm(clf, x, y, eps);
      assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()), `${clf.name}, ε ${eps}`);
      const c = bim(clf, x, y, eps, { steps: 1, stepSize: eps });
      assert.deepEqual(Array.from(c.dataSync()), Array.from(b.dataSync()), `${clf.name}, ε ${eps}: BIM-1`);
      tf.dispose([a, b, c]);
    }
    tf.dispose([x, y]);
  }
});

test('every iterate stays in the ε-ball around x and in [0, 1]', () => {
  // On a linear model the loss rises at every step, so the attack returns its last iterate x_K:
  // running K = 1…12 checks every iterate. The nonlinear models check the returned points.
  for (const clf of [knownLogistic(), tinyMaxout(), tinyMlp()]) {
    const { x, y } = batch(clf, 20, 3);
    const x0 = x.dataSync();
    for (const eps of [0.03, 0.2]) {
      for (let k = 1; k <= 12; k++) {
        for (const o of [{ randomStart: false }, { randomStart: true, seed: 9 }, { randomStart: true, restarts: 2, earlyStop: true }]) {
          const adv = iterativeAttack(clf, x, y, eps, { steps: k, stepSize: eps / 3, ...o });
          const a = adv.dataSync();
          for (let i = 0; i < a.length; i++) {
            assert.ok(a[i] >= 0 && a[i] <= 1, `${clf.name} ε ${eps} K ${k}: x'[${i}] = ${a[i]} outside [0, 1]`);
            assert.ok(
              Math.abs(a[i] - x0[i]) <= eps + 1e-6,
              `${clf.name} ε ${eps} K ${k}: |x' − x| = ${Math.abs(a[i] - x0[i])} > ε at ${i}`,
            );
          }
          adv.dispose();
        }
      }
    }
    tf.dispose([x, y]);
  }
});

test('more steps (and more restarts) never lower the loss reached on a fixed batch', () => {
  for (const clf of [tinyMaxout(), tinyMlp()]) {
    const { x, y } = batch(clf, 30, 4);
    for (const randomStart of [false, true]) {
      let prev: Float32Array | null = null;
      for (let k = 1; k <= 10; k++) {
        const adv = iterativeAttack(clf, x, y, 0.2, { steps: k, stepSize: 0.05, randomStart, seed: 3 });
        const l = lossOf(clf, adv, y);
        if (prev)
          for (let i = 0; i < l.length; i++)
            assert.ok(
              l[i] >= prev[i] - 1e-6,
              `${clf.name} random ${randomStart}: row ${i} loss fell from ${prev[i]} (K=${k - 1}) to ${l[i]} (K=${k})`,
            );
        prev = l;
        adv.dispose();
      }
    }
    const one = pgd(clf, x, y, 0.2, { steps: 5, seed: 3 }),
      three = pgd(clf, x, y, 0.2, { steps: 5, seed: 3, restarts: 3 });
    const l1 = lossOf(clf, one, y),
      l3 = lossOf(clf, three, y);
    for (let i = 0; i < l1.length; i++) assert.ok(l3[i] >= l1[i] - 1e-6, `${clf.name}: 3 restarts lowered row ${i}'s loss`);
    tf.dispose([one, three, x, y]);
  }
});

test('on logistic regression BIM reaches the closed-form corner clip(x − y·ε·sign(w)) (y ∈ {−1, 1})', () => {
  const clf = knownLogistic();
  const n = 10,
    x = tf.tensor2d(randomRows(n, D, 5), [n, D]),
    x0 = x.dataSync();
  for (const label of [0, 1]) {
    const y = tf.tensor1d(new Array(n).fill(label), 'int32'),
      s = label === 1 ? 1 : -1;
    for (const eps of [0.1, 0.3]) {
      const adv = bim(clf, x, y, eps, { steps: 10 }); // a = 2.5ε/10: reaches the corner in 4 steps
      const a = adv.dataSync();
      for (let i = 0; i < a.length; i++) {
        const want = Math.min(1, Math.max(0, x0[i] - s * eps * Math.sign(W[i % D])));
        assert.ok(Math.abs(a[i] - want) < 1e-6, `label ${label} ε ${eps} [${i}]: ${a[i]} vs closed form ${want}`);
      }
      adv.dispose();
    }
    y.dispose();
  }
  x.dispose();
});

test('early stopping returns a misclassified iterate wherever the plain attack fools the model', () => {
  const clf = tinyMaxout();
  const { x, y } = batch(clf, 60, 6);
  const plain = pgd(clf, x, y, 0.3, { steps: 8, seed: 1 }),
    early = pgd(clf, x, y, 0.3, { steps: 8, seed: 1, earlyStop: true });
  const yv = y.dataSync(),
    pp = tf.tidy(() => predict(clf, plain)).dataSync(),
    pe = tf.tidy(() => predict(clf, early)).dataSync();
  let fooledPlain = 0,
    fooledEarly = 0;
  for (let i = 0; i < yv.length; i++) {
    if (pp[i] !== yv[i]) {
      fooledPlain++;
      assert.notEqual(pe[i], yv[i], `row ${i}: fooled by the plain attack but not with earlyStop`);
    }
    if (pe[i] !== yv[i]) fooledEarly++;
  }
  assert.ok(fooledPlain > 5, `the test needs some fooled rows (got ${fooledPlain})`);
  assert.ok(fooledEarly >= fooledPlain);
  tf.dispose([plain, early, x, y]);
});

test('predicted labels: same as true labels where the model is right; FGSM from predictions on datasets', () => {
  const clf = tinyMlp();
  const { x } = batch(clf, 30, 7);
  const yPred = tf.tidy(() => predict(clf, x));
  const a = bim(clf, x, yPred, 0.1, { steps: 3 }),
    b = bim(clf, x, yPred.clone(), 0.1, { steps: 3, labels: 'predicted' });
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  const ds: Dataset = {
    x: x.dataSync() as Float32Array,
    y: new Int32Array(30),
    n: 30,
    d: D,
    classes: 3,
    side: 0,
    description: 'random rows',
  };
  const viaDataset = fgsmPredictedDataset(clf, ds, 0.1),
    direct = fgsm(clf, x, yPred, 0.1);
  assert.deepEqual(Array.from(viaDataset.x), Array.from(direct.dataSync()));
  assert.deepEqual(Array.from(viaDataset.y), Array.from(ds.y), 'the true labels are kept');
  tf.dispose([a, b, direct, x, yPred]);
});

test('dataset versions equal the batch versions; PGD is reproducible from its seed', () => {
  const clf = tinyMaxout();
  const { x, y } = batch(clf, 40, 8);
  const ds: Dataset = {
    x: x.dataSync() as Float32Array,
    y: y.dataSync() as Int32Array,
    n: 40,
    d: D,
    classes: 3,
    side: 0,
    description: 'random rows',
  };
  const direct = bim(clf, x, y, 0.2, { steps: 4 });
  assert.deepEqual(Array.from(bimDataset(clf, ds, 0.2, { steps: 4, batchSize: 16 }).x), Array.from(direct.dataSync()));
  const p1 = pgdDataset(clf, ds, 0.2, { steps: 4, seed: 5 }),
    p2 = pgdDataset(clf, ds, 0.2, { steps: 4, seed: 5 }),
    p3 = pgdDataset(clf, ds, 0.2, { steps: 4, seed: 6 });
  assert.deepEqual(Array.from(p1.x), Array.from(p2.x));
  assert.notDeepEqual(Array.from(p1.x), Array.from(p3.x));
  assert.match(p1.description, /PGD-4/);
  tf.dispose([direct, x, y]);
});

test('PGD adversarial training: the hook is called once per batch and serializes as its settings', () => {
  const clf = tinyMlp();
  const n = 40,
    ds: Dataset = {
      x: randomRows(n, D, 9),
      y: Int32Array.from({ length: n }, (_, i) => i % 3),
      n,
      d: D,
      classes: 3,
      side: 0,
      description: 'random rows',
    };
  const attack = pgdTrainingAttack(0.1, { steps: 3, seed: 2 });
  const seen: string[] = [];
  const hook = (c: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, at: { epoch: number; batch: number }) => {
    seen.push(`${at.epoch}:${at.batch}`);
    return attack(c, x, y, at);
  };
  const before = tf.memory().numTensors;
  const h = train(clf, ds, { seed: 1, epochs: 2, batchSize: 16, adversarial: { alpha: 0.5 }, adversarialExamples: hook });
  assert.equal(tf.memory().numTensors, before, 'training with the hook leaks no tensors');
  assert.deepEqual(seen, ['1:1', '1:2', '1:3', '2:1', '2:2', '2:3']);
  assert.ok(h.epochs.every(e => Number.isFinite(e.loss)));
  assert.deepEqual(JSON.parse(JSON.stringify({ hook: attack })).hook, {
    attack: 'PGD',
    epsilon: 0.1,
    steps: 3,
    stepSize: (2.5 * 0.1) / 3,
    seed: 2,
  });
});

/**
 * The iterative attack with its row bookkeeping done by tfjs, as the library did it until 2026-12-02:
 * the worst iterate kept with tf.where over a tiled mask and tf.maximum, fooled rows dropped with
 * tf.gather. The library now copies those rows in JS; the bits must not change.
 */
function tensorRouteAttack(clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, epsilon: number, o: IterativeOptions): Float32Array {
  const s = iterativeSettings(epsilon, o);
  const [n, d] = x.shape;
  const labels = s.labels === 'predicted' ? tf.tidy(() => predictFromLogits(clf.head, logits(clf, x))) : y;
  const out = new Float32Array(n * d),
    outLoss = new Float32Array(n).fill(-Infinity),
    fooled = new Uint8Array(n);
  const gradient = inputGradientEvaluator(clf);
  for (let r = 0; r < s.restarts; r++) {
    let rows = Int32Array.from({ length: n }, (_, i) => i).filter(i => !fooled[i]);
    if (rows.length === 0) break;
    const seed = s.randomStart ? childSeed(s.seed, r) : null;
    let [ls, lo, hi, cur] = tf.tidy(() => {
      const idx = tf.tensor1d(rows, 'int32'),
        xs = tf.gather(x, idx);
      const lo = tf.maximum(tf.sub(xs, epsilon), 0),
        hi = tf.minimum(tf.add(xs, epsilon), 1);
      const c =
        seed === null
          ? tf.clone(xs)
          : tf.minimum(tf.maximum(tf.add(xs, tf.randomUniform(xs.shape, -epsilon, epsilon, 'float32', seed)), lo), hi);
      return [tf.gather(labels, idx), lo, hi, c];
    }) as tf.Tensor[];
    let best: tf.Tensor | null = null,
      bestLoss: tf.Tensor | null = null;
    for (let k = 1; k <= s.steps + 1 && rows.length > 0; k++) {
      const { loss, grad, predicted } = gradient.at(cur as tf.Tensor2D, ls as tf.Tensor1D);
      const next: tf.Tensor | null =
        k > s.steps ? null : tf.tidy(() => tf.minimum(tf.maximum(tf.add(cur, tf.mul(exactSign(grad), s.stepSize)), lo), hi));
      let keep: number[] | null = null;
      if (k > 1) {
        const prev: tf.Tensor | null = best,
          prevLoss: tf.Tensor | null = bestLoss;
        let b: tf.Tensor, bl: tf.Tensor;
        if (!prev || !prevLoss) {
          b = tf.clone(cur);
          bl = tf.clone(loss);
        } else {
          const better = tf.tidy(() => tf.tile(tf.reshape(tf.greater(loss, prevLoss), [-1, 1]), [1, d]));
          b = tf.where(better, cur, prev);
          bl = tf.maximum(loss, prevLoss);
          tf.dispose([better, prev, prevLoss]);
        }
        best = b;
        bestLoss = bl;
        if (s.earlyStop) {
          const p = predicted.dataSync(),
            l = ls.dataSync(),
            v = cur.dataSync();
          keep = [];
          for (let i = 0; i < rows.length; i++) {
            if (p[i] === l[i]) keep.push(i);
            else {
              out.set(v.subarray(i * d, (i + 1) * d), rows[i] * d);
              fooled[rows[i]] = 1;
            }
          }
          if (keep.length === rows.length) keep = null;
        }
      }
      tf.dispose([loss, grad, predicted, cur]);
      cur = next!;
      if (keep) {
        const idx = tf.tensor1d(keep, 'int32');
        const g = (t: tf.Tensor | null) => (t ? tf.gather(t, idx) : null);
        const kept: (tf.Tensor | null)[] = [g(ls)!, g(lo)!, g(hi)!, g(cur), g(best), g(bestLoss)];
        tf.dispose([idx, ls, lo, hi, ...[cur, best, bestLoss].filter((t): t is tf.Tensor => t !== null)]);
        [ls, lo, hi] = kept as tf.Tensor[];
        [cur, best, bestLoss] = [kept[3]!, kept[4], kept[5]];
        rows = Int32Array.from(keep, i => rows[i]);
      }
    }
    if (rows.length > 0) {
      const v = best!.dataSync(),
        bl = bestLoss!.dataSync();
      rows.forEach((row, i) => {
        if (!(bl[i] > outLoss[row])) return;
        out.set(v.subarray(i * d, (i + 1) * d), row * d);
        outLoss[row] = bl[i];
      });
    }
    tf.dispose([ls, lo, hi, ...[cur, best, bestLoss].filter((t): t is tf.Tensor => t !== null)]);
  }
  gradient.dispose();
  if (labels !== y) labels.dispose();
  return out;
}

test('the attack keeps the bits of the tfjs route for its row bookkeeping (worst iterate, fooled rows leaving)', () => {
  const settings: [number, IterativeOptions][] = [
    [0.3, { steps: 8 }],
    [0.3, { steps: 8, earlyStop: true }],
    [0.25, { steps: 6, randomStart: true, restarts: 3, seed: 4, earlyStop: true }],
    [0.2, { steps: 5, randomStart: true, restarts: 2, seed: 2, labels: 'predicted' }],
    [0.4, { steps: 10, randomStart: true, seed: 1, earlyStop: true, labels: 'predicted' }],
  ];
  for (const clf of [tinyMaxout(), tinyMlp(), tinySoftmax()]) {
    const { x, y } = batch(clf, 64, 12);
    let dropped = 0;
    for (const [eps, o] of settings) {
      const ours = rawIterativeAttack(clf, x, y, eps, iterativeSettings(eps, o));
      const theirs = tensorRouteAttack(clf, x, y, eps, o);
      assert.deepEqual(ours.dataSync(), theirs, `${clf.name}, ε = ${eps}, ${JSON.stringify(o)}`);
      if (o.earlyStop) dropped += tf.tidy(() => tf.sum(tf.notEqual(predict(clf, ours), y))).dataSync()[0];
      ours.dispose();
    }
    assert.ok(dropped > 10, `${clf.name}: early stopping should drop some rows (${dropped})`);
    tf.dispose([x, y]);
  }
});

test('no tensor leaks', () => {
  const clf = tinyMaxout(),
    logistic = knownLogistic();
  const { x, y } = batch(clf, 20, 10);
  const yBinary = tf.tidy(() => tf.cast(tf.greater(y, 0), 'int32')) as tf.Tensor1D;
  const ds: Dataset = {
    x: x.dataSync() as Float32Array,
    y: y.dataSync() as Int32Array,
    n: 20,
    d: D,
    classes: 3,
    side: 0,
    description: 'random rows',
  };
  const before = tf.memory().numTensors;
  tf.dispose([
    bim(clf, x, y, 0.2, { steps: 3 }),
    pgd(clf, x, y, 0.2, { steps: 3, restarts: 2 }),
    pgd(clf, x, y, 0.4, { steps: 6, restarts: 3, earlyStop: true }),
    pgd(clf, x, y, 0.2, { steps: 2, labels: 'predicted' }),
    pgd(logistic, x, yBinary, 0.1, { steps: 2 }),
    bim(logistic, x, yBinary, 0.1, { steps: 2, labels: 'predicted', earlyStop: true }),
  ]);
  bimDataset(clf, ds, 0.1, { steps: 2, batchSize: 7 });
  pgdDataset(clf, ds, 0.1, { steps: 2, earlyStop: true });
  fgsmPredictedDataset(clf, ds, 0.1);
  const ev = inputGradientEvaluator(clf);
  const r = ev.at(x, y);
  tf.dispose([r.loss, r.grad, r.predicted]);
  ev.dispose();
  assert.equal(tf.memory().numTensors, before, `${tf.memory().numTensors - before} tensors leaked`);
  tf.dispose([x, y, yBinary]);
});

test('bad input is refused with a message naming the value', () => {
  const clf = tinyMlp();
  const { x, y } = batch(clf, 4, 11);
  assert.throws(() => pgd(clf, x, y, -0.1), /epsilon = -0.1: expected a number in \[0, 1\]/);
  assert.throws(() => bim(clf, x, y, 1.5), /epsilon = 1.5/);
  assert.throws(() => pgd(clf, x, y, NaN), /epsilon = NaN/);
  assert.throws(() => pgd(clf, x, y, 0.1, { stepSize: 0 }), /stepSize = 0: expected a number in \(0, 1\]/);
  assert.throws(() => pgd(clf, x, y, 0.1, { stepSize: 2 }), /stepSize = 2/);
  assert.throws(() => bim(clf, x, y, 0.1, { steps: 0 }), /steps = 0: expected a positive integer/);
  assert.throws(() => bim(clf, x, y, 0.1, { steps: 2.5 }), /steps = 2.5/);
  assert.throws(() => pgd(clf, x, y, 0.1, { restarts: 0 }), /restarts = 0: expected a positive integer/);
  assert.throws(() => iterativeAttack(clf, x, y, 0.1, { restarts: 2 }), /without randomStart/);
  assert.throws(() => pgd(clf, x, y, 0.1, { labels: 'guess' as 'true' }), /labels = 'guess'/);
  assert.throws(() => pgd(clf, x, y, 0.1, { seed: -1 }), /seed must be a non-negative integer/);
  const wide = tf.zeros([4, D + 1]) as tf.Tensor2D;
  assert.throws(() => pgd(clf, wide, y, 0.1), /13 features per row, the model expects 12/);
  const badY = tf.tensor1d([0, 1, 2, 7], 'int32');
  assert.throws(() => bim(clf, x, badY, 0.1), /label 7 at index 3 is outside 0..2/);
  const ds: Dataset = {
    x: new Float32Array(4 * (D + 1)),
    y: new Int32Array(4),
    n: 4,
    d: D + 1,
    classes: 3,
    side: 0,
    description: 'wide rows',
  };
  assert.throws(() => pgdDataset(clf, ds, 0.1), /wide rows has 13 features/);
  assert.throws(() => fgsmPredictedDataset(clf, ds, 0.1), /wide rows has 13 features/);
  tf.dispose([x, y, wide, badY]);
});
