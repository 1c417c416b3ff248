/**
 * Iterative attacks: the basic iterative method (BIM, Kurakin et al. 2017) and projected gradient
 * descent (PGD, Madry et al. 2018). Both repeat small FGSM steps of size a and project back:
 *
 *   x₀ = x (BIM)  or  x₀ = x + U(−ε, ε)ᵈ (PGD's random start),
 *   x_{k+1} = Π(x_k + a·sign(∇ₓJ(θ, x_k, y))),   Π = clip to [x − ε, x + ε] ∩ [0, 1].
 *
 * We return, per example, the iterate x₁ … x_K (over all restarts) with the highest loss, so
 * more steps or more restarts never lower the loss reached. With K = 1, a = ε and no random
 * start this is FGSM exactly. ε and a are in pixel units (0 ≤ ε ≤ 1).
 * @see notebooks/07-beyond-fgsm.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, predictFromLogits } from '../models/classifier';
import { checkBatch, checkEpsilon, checkLabels, checkPositiveInt } from '../core/checks';
import { Dataset } from '../data/dataset';
import { attackOverDataset } from './overDataset';
import { checkSeed, childSeed } from '../core/random';
import { rawFgsm } from './fgsm';
import { exactSign } from '../core/sign';
import { inputGradientEvaluator } from './inputGradient';

/** Which labels the attack raises the loss of (Kurakin et al. 2017, "label leaking"). */
export type AttackLabels = 'true' | 'predicted';

export interface IterativeOptions {
  /** Number of steps K ≥ 1 (default 10). */
  steps?: number;
  /** Step size a per step, 0 < a ≤ 1 (default 2.5·ε/K, Madry et al.'s choice: enough to cross the ball). */
  stepSize?: number;
  /** Start from a uniformly random point of the ε-ball (PGD) instead of x itself (BIM). */
  randomStart?: boolean;
  /** Independent random starts; the worst case per example is kept (default 1). Needs randomStart. */
  restarts?: number;
  /** Seed of the random starts (default 0). */
  seed?: number;
  /**
   * 'true' (default) attacks the true label y; 'predicted' attacks the model's own prediction on
   * the clean x, as an attacker who does not know y must (and which avoids label leaking).
   */
  labels?: AttackLabels;
  /**
   * Per example, stop at the first iterate that is misclassified (w.r.t. the attacked labels) and
   * return it; examples never misclassified return their highest-loss iterate. The error rate is
   * then that of "any iterate fools the model", and a batch costs only while examples still stand.
   */
  earlyStop?: boolean;
}

/** The options with defaults filled in and checked; throws on a bad value, naming it. */
export function iterativeSettings(epsilon: number, o: IterativeOptions = {}): Required<IterativeOptions> {
  checkEpsilon(epsilon);
  const steps = o.steps ?? 10;
  checkPositiveInt(steps, 'steps');
  const restarts = o.restarts ?? 1;
  checkPositiveInt(restarts, 'restarts');
  const stepSize = o.stepSize ?? (epsilon > 0 ? (2.5 * epsilon) / steps : 0.01);
  if (typeof stepSize !== 'number' || !Number.isFinite(stepSize) || stepSize <= 0 || stepSize > 1) {
    throw new Error(`stepSize = ${o.stepSize}: expected a number in (0, 1] (pixel units; e.g. 2.5·ε/steps).`);
  }
  const randomStart = o.randomStart ?? false;
  if (restarts > 1 && !randomStart)
    throw new Error(`restarts = ${restarts} without randomStart: every restart would be the same; set randomStart: true (PGD).`);
  const seed = o.seed ?? 0;
  checkSeed(seed);
  const labels = o.labels ?? 'true';
  if (labels !== 'true' && labels !== 'predicted') throw new Error(`labels = '${labels}': expected 'true' or 'predicted'.`);
  return { steps, stepSize, randomStart, restarts, seed, labels, earlyStop: o.earlyStop ?? false };
}

/** BIM on one batch: K steps of size a from x itself. The caller disposes the result. */
export function bim(
  clf: Classifier,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  epsilon: number,
  opts: Omit<IterativeOptions, 'randomStart' | 'restarts' | 'seed'> = {},
): tf.Tensor2D {
  return iterativeAttack(clf, x, y, epsilon, { ...opts, randomStart: false, restarts: 1 });
}

/** PGD on one batch: BIM from a seeded random start, worst of `restarts`. The caller disposes the result. */
export function pgd(clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, epsilon: number, opts: IterativeOptions = {}): tf.Tensor2D {
  return iterativeAttack(clf, x, y, epsilon, { randomStart: true, ...opts });
}

/** BIM or PGD on one batch, with checked inputs (`bim` and `pgd` are this with fixed options). */
export function iterativeAttack(
  clf: Classifier,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  epsilon: number,
  opts: IterativeOptions = {},
): tf.Tensor2D {
  const s = iterativeSettings(epsilon, opts);
  checkBatch(x, clf.inputSize, 'iterative attack');
  checkLabels(y, x.shape[0], clf.classes, 'iterative attack');
  return rawIterativeAttack(clf, x, y, epsilon, s);
}

/**
 * The rows of one restart still under attack: their indices in x; on the device what a step needs
 * (labels, the box, the current iterate); in JS the labels and the highest-loss iterate so far with
 * its loss. Keeping the worst iterate and dropping fooled rows only copies rows, which in JS costs
 * a memcpy and gives the same bits as tfjs, where it cost Tile + Select and a GatherV2 per tensor
 * (on wasm ~60 % of a PGD-40 batch of 500, 2026-12-02).
 */
interface Standing {
  rows: Int32Array;
  labels: tf.Tensor1D;
  labelData: Int32Array | Float32Array;
  /** The box [x − ε, x + ε] ∩ [0, 1] every iterate is projected into. */
  lo: tf.Tensor2D;
  hi: tf.Tensor2D;
  cur: tf.Tensor2D | null;
  /** [rows × d] and [rows], null before the first candidate. */
  best: Float32Array | null;
  bestLoss: Float32Array | null;
}

const tensorsOf = (st: Standing): tf.Tensor[] => [st.labels, st.lo, st.hi, ...(st.cur ? [st.cur] : [])];

/** A restart over `rows` of x: the box, and x₀ = x or a uniform random point of the box. */
function startRestart(x: tf.Tensor2D, labels: tf.Tensor1D, rows: Int32Array, epsilon: number, seed: number | null): Standing {
  const all = rows.length === x.shape[0]; // rows are in order, so then they are every row
  const [ls, lo, hi, cur] = tf.tidy(() => {
    const idx = all ? null : tf.tensor1d(rows, 'int32');
    const xs = idx ? (tf.gather(x, idx) as tf.Tensor2D) : x;
    const lo = tf.maximum(tf.sub(xs, epsilon), 0) as tf.Tensor2D,
      hi = tf.minimum(tf.add(xs, epsilon), 1) as tf.Tensor2D;
    const cur =
      seed === null
        ? tf.clone(xs)
        : (tf.minimum(tf.maximum(tf.add(xs, tf.randomUniform(xs.shape, -epsilon, epsilon, 'float32', seed)), lo), hi) as tf.Tensor2D);
    return [idx ? tf.gather(labels, idx) : tf.clone(labels), lo, hi, cur];
  });
  return {
    rows,
    labels: ls as tf.Tensor1D,
    labelData: ls.dataSync() as Int32Array | Float32Array,
    lo: lo as tf.Tensor2D,
    hi: hi as tf.Tensor2D,
    cur: cur as tf.Tensor2D,
    best: null,
    bestLoss: null,
  };
}

/** The rows `keep` of a row-major array with `width` values per row. */
function rowsOf<T extends Float32Array | Int32Array>(v: T, keep: number[], width: number): T {
  const out = new (v.constructor as new (n: number) => T)(keep.length * width);
  keep.forEach((i, j) => out.set(v.subarray(i * width, (i + 1) * width), j * width));
  return out;
}

/** The same restart with only the local rows `keep` (the others are done). Disposes `st`'s tensors. */
function keepRows(st: Standing, keep: number[], d: number): Standing {
  const onDevice = (t: tf.Tensor2D) => tf.tensor2d(rowsOf(t.dataSync() as Float32Array, keep, d), [keep.length, d]);
  const labelData = rowsOf(st.labelData, keep, 1);
  const next: Standing = {
    rows: Int32Array.from(keep, i => st.rows[i]),
    labels: tf.tensor1d(labelData, st.labels.dtype as 'int32' | 'float32'),
    labelData,
    lo: onDevice(st.lo),
    hi: onDevice(st.hi),
    cur: st.cur ? onDevice(st.cur) : null,
    best: st.best ? rowsOf(st.best, keep, d) : null,
    bestLoss: st.bestLoss ? rowsOf(st.bestLoss, keep, 1) : null,
  };
  tf.dispose(tensorsOf(st));
  return next;
}

/** Row-wise, keeps whichever of (best, cur) has the higher loss; ties keep the earlier iterate. */
function keepWorst(st: Standing, cur: Float32Array, curLoss: Float32Array, d: number): void {
  if (!st.best || !st.bestLoss) {
    st.best = cur.slice();
    st.bestLoss = curLoss.slice();
    return;
  }
  for (let i = 0; i < curLoss.length; i++)
    if (curLoss[i] > st.bestLoss[i]) {
      st.best.set(cur.subarray(i * d, (i + 1) * d), i * d);
      st.bestLoss[i] = curLoss[i];
    }
}

/**
 * The attack without input checks, for inner loops (PGD adversarial training). Every step's
 * temporaries are disposed, so memory does not grow with K. With `earlyStop`, misclassified
 * examples leave the batch, so later steps cost only what is still standing.
 */
export function rawIterativeAttack(
  clf: Classifier,
  x: tf.Tensor2D,
  y: tf.Tensor1D,
  epsilon: number,
  s: Required<IterativeOptions>,
): tf.Tensor2D {
  const [n, d] = x.shape;
  const labels =
    s.labels === 'predicted' ? tf.tidy(() => predictFromLogits(clf.head, clf.net.apply(x, { training: false }) as tf.Tensor2D)) : y;
  const out = new Float32Array(n * d),
    outLoss = new Float32Array(n).fill(-Infinity),
    fooled = new Uint8Array(n);
  const gradient = inputGradientEvaluator(clf);
  let st: Standing | null = null;
  // Copies local rows of `v` to the output: as final if fooled, else only if its loss is the highest so far.
  const write = (v: Float32Array, local: number[], loss: ArrayLike<number> | null) => {
    for (const i of local) {
      const r = st!.rows[i];
      if (loss && !(loss[i] > outLoss[r])) continue;
      out.set(v.subarray(i * d, (i + 1) * d), r * d);
      if (loss) outLoss[r] = loss[i];
      else fooled[r] = 1;
    }
  };
  try {
    for (let r = 0; r < s.restarts; r++) {
      const rows = Int32Array.from({ length: n }, (_, i) => i).filter(i => !fooled[i]);
      if (rows.length === 0) break;
      st = startRestart(x, labels, rows, epsilon, s.randomStart ? childSeed(s.seed, r) : null);
      // Pass k computes the loss at x_{k−1} and, for k ≤ K, the step to x_k. x₀ is not a candidate.
      for (let k = 1; k <= s.steps + 1 && st.rows.length > 0; k++) {
        const { loss, grad, predicted } = gradient.at(st.cur!, st.labels);
        const next =
          k > s.steps
            ? null
            : tf.tidy(() => tf.minimum(tf.maximum(tf.add(st!.cur!, tf.mul(exactSign(grad), s.stepSize)), st!.lo), st!.hi) as tf.Tensor2D);
        let keep: number[] | null = null;
        if (k > 1) {
          const cur = st.cur!.dataSync() as Float32Array;
          keepWorst(st, cur, loss.dataSync() as Float32Array, d);
          if (s.earlyStop) {
            const p = predicted.dataSync(),
              l = st.labelData,
              hit: number[] = [];
            keep = [];
            for (let i = 0; i < st.rows.length; i++) (p[i] !== l[i] ? hit : keep).push(i);
            if (hit.length) write(cur, hit, null);
            else keep = null;
          }
        }
        tf.dispose([loss, grad, predicted, st.cur!]);
        st.cur = next;
        if (keep) st = keepRows(st, keep, d);
      }
      if (st.rows.length > 0)
        write(
          st.best!,
          Array.from(st.rows, (_, i) => i),
          st.bestLoss!,
        );
      tf.dispose(tensorsOf(st));
      st = null;
    }
    return tf.tensor2d(out, [n, d]);
  } finally {
    if (st) tf.dispose(tensorsOf(st));
    gradient.dispose();
    if (labels !== y) labels.dispose();
  }
}

/**
 * BIM or PGD over a whole dataset in bounded batches; returns the adversarial examples with the
 * true labels. Batch b's random starts use the seed childSeed(seed, b's first index), so results
 * depend on the seed and the batch size, not on anything else.
 */
export function iterativeDataset(
  clf: Classifier,
  ds: Dataset,
  epsilon: number,
  opts: IterativeOptions & { batchSize?: number } = {},
): Dataset {
  const s = iterativeSettings(epsilon, opts);
  const what =
    `${s.randomStart ? 'PGD' : 'BIM'}-${s.steps} (a=${+s.stepSize.toFixed(4)}${s.restarts > 1 ? `, ${s.restarts} restarts` : ''}` +
    `${s.labels === 'predicted' ? ', predicted labels' : ''})`;
  return attackOverDataset(ds, b => rawIterativeAttack(clf, b.x, b.y, epsilon, { ...s, seed: childSeed(s.seed, b.start) }), {
    caller: 'iterativeDataset',
    epsilon,
    model: clf,
    batchSize: opts.batchSize ?? 500,
    what: `${what} ε=${epsilon} on ${clf.name}`,
  });
}

/** BIM over a dataset (see `iterativeDataset`). */
export function bimDataset(
  clf: Classifier,
  ds: Dataset,
  epsilon: number,
  opts: Omit<IterativeOptions, 'randomStart' | 'restarts' | 'seed'> & { batchSize?: number } = {},
): Dataset {
  return iterativeDataset(clf, ds, epsilon, { ...opts, randomStart: false, restarts: 1 });
}

/** PGD over a dataset (see `iterativeDataset`). */
export function pgdDataset(clf: Classifier, ds: Dataset, epsilon: number, opts: IterativeOptions & { batchSize?: number } = {}): Dataset {
  return iterativeDataset(clf, ds, epsilon, { randomStart: true, ...opts });
}

/** FGSM from the model's own prediction instead of the true label (no label leaking); true labels kept. */
export function fgsmPredictedDataset(clf: Classifier, ds: Dataset, epsilon: number, opts: { batchSize?: number } = {}): Dataset {
  return attackOverDataset(
    ds,
    b => tf.tidy(() => rawFgsm(clf, b.x, predictFromLogits(clf.head, clf.net.apply(b.x, { training: false }) as tf.Tensor2D), epsilon, 1)),
    {
      caller: 'fgsmPredictedDataset',
      epsilon,
      model: clf,
      batchSize: opts.batchSize ?? 500,
      what: `FGSM ε=${epsilon} from predicted labels on ${clf.name}`,
    },
  );
}

/**
 * PGD as the adversary of adversarial training (Madry et al. 2018), for `train`'s
 * `adversarialExamples` option: PGD-K from a random start seeded by (seed, epoch, batch), so a
 * retrain reproduces the run. It serializes as its settings (in a saved model's meta.json).
 */
export function pgdTrainingAttack(epsilon: number, opts: { steps?: number; stepSize?: number; seed?: number } = {}) {
  const s = iterativeSettings(epsilon, { ...opts, randomStart: true });
  const attack = (clf: Classifier, x: tf.Tensor2D, y: tf.Tensor1D, at: { epoch: number; batch: number }): tf.Tensor2D =>
    rawIterativeAttack(clf, x, y, epsilon, { ...s, seed: childSeed(s.seed, `${at.epoch}:${at.batch}`) });
  return Object.assign(attack, { toJSON: () => ({ attack: 'PGD', epsilon, steps: s.steps, stepSize: s.stepSize, seed: s.seed }) });
}
