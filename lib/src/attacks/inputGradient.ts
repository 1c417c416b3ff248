/**
 * Per-example loss and its input gradient ∇ₓJ(θ, x, y), many times with the same weights — the
 * inner loop of BIM/PGD and of PGD adversarial training.
 *
 * tfjs's autodiff also computes every weight gradient (∂J/∂W = xᵀ·δ, as costly as the forward
 * pass) and transposes each weight matrix on every call; an attack needs neither. For the plain
 * stacks the notebooks use (Dense with linear/ReLU activation, Maxout, dropout — the identity at
 * inference — and a softmax head) we backpropagate by hand to the input only, with Wᵀ computed
 * once per attack. That is about 3× faster on wasm. Any other model falls back to `tf.valueAndGrad`;
 * the two paths agree to float precision (lib/test/attacks/iterative.test.ts).
 * @see notebooks/07-beyond-fgsm.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, lossFromLogits, predictFromLogits } from '../models/classifier';

export interface InputGradientEvaluator {
  /**
   * Per-example loss [n] at x, ∇ₓ of each example's loss [n, d], and the predicted class [n]
   * (inference mode). The caller disposes all three.
   */
  at(x: tf.Tensor2D, labels: tf.Tensor1D): { loss: tf.Tensor1D; grad: tf.Tensor2D; predicted: tf.Tensor1D };
  /** Whether the hand-written backward pass is used (false: tfjs autodiff). */
  readonly fast: boolean;
  /** Frees the cached transposed weights. */
  dispose(): void;
}

type Step = { kind: 'dense'; w: tf.Tensor2D; wT: tf.Tensor2D; b: tf.Tensor1D | null; relu: boolean } | { kind: 'maxout'; pieces: number };

/**
 * An input-gradient evaluator for `clf`'s current weights. Create it, call `at` as often as needed
 * while the weights do not change, then `dispose` it.
 */
export function inputGradientEvaluator(clf: Classifier): InputGradientEvaluator {
  const steps = clf.head === 'softmax' ? plainStack(clf) : null;
  if (!steps) {
    return {
      fast: false,
      at: (x, labels) => {
        const { value, grad } = tf.valueAndGrad((xx: tf.Tensor) =>
          lossFromLogits(clf.head, clf.net.apply(xx, { training: false }) as tf.Tensor2D, labels, clf.classes),
        )(x);
        const predicted = tf.tidy(() => predictFromLogits(clf.head, clf.net.apply(x, { training: false }) as tf.Tensor2D));
        return { loss: value as tf.Tensor1D, grad: grad as tf.Tensor2D, predicted };
      },
      dispose: () => {},
    };
  }
  return {
    fast: true,
    at: (x, labels) =>
      tf.tidy(() => {
        // Forward, keeping what the backward pass needs.
        const saved: tf.Tensor[] = [];
        let h: tf.Tensor2D = x;
        for (const s of steps) {
          if (s.kind === 'dense') {
            let z = tf.matMul(h, s.w);
            if (s.b) z = tf.add(z, s.b);
            if (s.relu) {
              saved.push(tf.cast(tf.greater(z, 0), 'float32'));
              z = tf.relu(z);
            }
            h = z as tf.Tensor2D;
          } else {
            const units = h.shape[1] / s.pieces;
            const z3 = tf.reshape(h, [-1, units, s.pieces]);
            saved.push(tf.oneHot(tf.argMax(z3, 2) as tf.Tensor2D, s.pieces));
            h = tf.max(z3, 2) as tf.Tensor2D;
          }
        }
        const logp = tf.logSoftmax(h);
        const onehot = tf.oneHot(labels, clf.classes);
        const loss = tf.neg(tf.sum(tf.mul(onehot, logp), 1)) as tf.Tensor1D;
        // Backward: ∂J/∂logits = softmax − onehot, then each step's input gradient only.
        let d: tf.Tensor2D = tf.sub(tf.exp(logp), onehot);
        for (let i = steps.length - 1; i >= 0; i--) {
          const s = steps[i];
          if (s.kind === 'dense') {
            if (s.relu) d = tf.mul(d, saved.pop()!);
            d = tf.matMul(d, s.wT);
          } else {
            const mask = saved.pop()!; // [n, units, pieces]
            d = tf.reshape(tf.mul(mask, tf.expandDims(d, 2)), [-1, mask.shape[1]! * s.pieces]) as tf.Tensor2D;
          }
        }
        return { loss, grad: d, predicted: tf.argMax(h, 1) as tf.Tensor1D };
      }),
    dispose: () => {
      for (const s of steps) if (s.kind === 'dense') s.wT.dispose();
    },
  };
}

/** The model as a list of dense/maxout steps, or null if it has any other kind of layer. */
function plainStack(clf: Classifier): Step[] | null {
  const kinds: (string | null)[] = clf.net.layers.map(l => {
    const c = l.getClassName();
    if (c === 'InputLayer' || c === 'SeededDropout' || c === 'Dropout') return 'skip';
    if (c === 'Maxout') return 'maxout';
    if (c === 'Dense') {
      const cfg = l.getConfig();
      return cfg.activation === 'linear' || cfg.activation === 'relu' ? 'dense' : null;
    }
    return null;
  });
  if (kinds.some(k => k === null)) return null;
  const steps: Step[] = [];
  clf.net.layers.forEach((l, i) => {
    if (kinds[i] === 'maxout') steps.push({ kind: 'maxout', pieces: (l as unknown as { pieces: number }).pieces });
    if (kinds[i] !== 'dense') return;
    const vals = l.getWeights(); // [kernel, bias?], not copies
    const w = vals[0] as tf.Tensor2D;
    steps.push({
      kind: 'dense',
      w,
      wT: tf.transpose(w),
      b: (vals[1] as tf.Tensor1D | undefined) ?? null,
      relu: l.getConfig().activation === 'relu',
    });
  });
  return steps;
}
