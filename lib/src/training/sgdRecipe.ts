/**
 * The pieces of the original maxout recipe (Goodfellow et al. 2013, pylearn2's
 * scripts/papers/maxout/mnist_pi.yaml) that plain SGD lacks:
 *  - a max-norm constraint: after every update each column of a dense kernel (the weights into
 *    one unit or piece) longer than c is scaled back to length c (pylearn2's `max_col_norm`);
 *  - a momentum ramp from an initial to a final value over the first epochs (`MomentumAdjustor`);
 *  - exponential learning-rate decay per update, bounded below (`ExponentialDecay`).
 * @see notebooks/08-the-rest-of-the-lecture.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from '../models/classifier';
import { nativeMaxColumnNorm, nativeMomentumAvailable, nativeMomentumStep } from '../runtime/nativeBlas';

/** The kernels (not biases) of every Dense layer of `clf`, as the variables training updates. */
export function denseKernels(clf: Classifier): tf.Variable[] {
  return clf.net.layers.filter(l => l.getClassName() === 'Dense').map(l => (l.trainableWeights[0] as unknown as { val: tf.Variable }).val);
}

/**
 * Scales every column j of W (shape [in, out]) with ‖W[:, j]‖₂ > c down to length c, in place,
 * as pylearn2 does: W[:, j] · min(‖W[:, j]‖, c) / (1e-7 + ‖W[:, j]‖). Columns within the bound
 * keep their values (up to the 1e-7 in the denominator).
 */
export function applyMaxColumnNorm(kernels: tf.Variable[], c: number): void {
  if (!(c > 0 && Number.isFinite(c))) throw new Error(`maxColumnNorm = ${c}: expected a positive number (the maxout recipe uses 1.9365).`);
  for (const w of kernels) {
    const next = tf.tidy(() => {
      const native = nativeMaxColumnNorm(w, c); // the same floats in two passes
      if (native) return native;
      const norms = tf.sqrt(tf.sum(tf.square(w), 0, true));
      return tf.mul(w, tf.div(tf.minimum(norms, c), tf.add(norms, 1e-7)));
    });
    w.assign(next);
    next.dispose();
  }
}

/** Largest column norm over `kernels` (for tests and reports). */
export function maxColumnNorm(kernels: tf.Variable[]): number {
  return Math.max(...kernels.map(w => tf.tidy(() => tf.max(tf.sqrt(tf.sum(tf.square(w), 0))).dataSync()[0])));
}

/** A momentum ramp: `initial` at epoch 1, linear to `final` at `saturateEpoch`, constant after. */
export interface MomentumRamp {
  initial: number;
  final: number;
  saturateEpoch: number;
}

/** Momentum at a 1-based epoch under a constant or a ramp. */
export function momentumAt(m: number | MomentumRamp, epoch: number): number {
  if (typeof m === 'number') return m;
  if (!(m.saturateEpoch >= 1)) throw new Error(`momentum ramp: saturateEpoch = ${m.saturateEpoch}, expected ≥ 1.`);
  const a = m.saturateEpoch === 1 ? 1 : Math.min(1, Math.max(0, (epoch - 1) / (m.saturateEpoch - 1)));
  return m.initial * (1 - a) + m.final * a;
}

/**
 * tfjs's MomentumOptimizer.setMomentum stores the number but keeps using the scalar it made in
 * its constructor (tfjs 4.22), so it has no effect; this replaces that scalar as well.
 */
export function setMomentum(opt: tf.MomentumOptimizer, m: number): void {
  if (!(m >= 0 && m < 1)) throw new Error(`momentum = ${m}: expected 0 ≤ momentum < 1.`);
  const o = opt as unknown as { m: tf.Scalar; momentum: number };
  if (o.momentum === m) return;
  o.m.dispose();
  o.m = tf.keep(tf.scalar(m));
  o.momentum = m;
}

/** Exponential decay: the learning rate after `updates` steps, lr₀ / factor^updates, at least `min`. */
export function decayedLearningRate(lr0: number, decay: { factor: number; minLearningRate?: number }, updates: number): number {
  if (!(decay.factor >= 1))
    throw new Error(`decay.factor = ${decay.factor}: expected ≥ 1 (pylearn2's maxout recipe uses 1.000004 per update).`);
  return Math.max(decay.minLearningRate ?? 0, lr0 / Math.pow(decay.factor, updates));
}

/**
 * tfjs's momentum SGD (`tf.train.momentum`, without Nesterov) whose per-variable update runs as one
 * native pass when the addon is built (`nativeMomentumStep`: the same float32 operations in the same
 * order, so the same weights), and as tfjs's own otherwise.
 */
export function momentumOptimizer(learningRate: number, momentum: number): tf.MomentumOptimizer {
  return new FusedMomentum(learningRate, momentum);
}

class FusedMomentum extends tf.MomentumOptimizer {
  applyGradients(variableGradients: Parameters<tf.MomentumOptimizer['applyGradients']>[0]): void {
    const self = this as unknown as { m: tf.Scalar; c: tf.Scalar; accumulations: { originalName: string; variable: tf.Variable }[] };
    const names = Array.isArray(variableGradients) ? variableGradients.map(v => v.name) : Object.keys(variableGradients);
    if (!nativeMomentumAvailable()) return super.applyGradients(variableGradients);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      if (self.accumulations[i] == null)
        self.accumulations[i] = { originalName: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const accumulation = self.accumulations[i].variable;
      const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (gradient == null) return;
      tf.tidy(() => {
        // tfjs's own two lines where the native pass does not apply (say, a variable of another dtype).
        const [newAccumulation, newValue] = nativeMomentumStep(value, accumulation, gradient, self.m, self.c) ?? [
          tf.add(tf.mul(self.m, accumulation), gradient),
          null,
        ];
        accumulation.assign(newAccumulation);
        value.assign(newValue ?? tf.add(tf.mul(self.c, newAccumulation), value));
      });
    });
    this.incrementIterations();
  }
}
