/**
 * The maxout unit (Goodfellow et al. 2013): each unit outputs the max of k linear pieces.
 * A tfjs layer (serializable, so saved models load back) with a hand-written gradient: the
 * upstream gradient flows only to the winning piece. tfjs's generic Max gradient computes the
 * same values through a broadcasting `equal` that is ~6× slower on wasm.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { nativeMaxout, nativeMaxoutGrad } from '../runtime/nativeBlas';

/** max over groups of `pieces` consecutive columns: [b, units·pieces] → [b, units]. */
export function maxoutOp(z: tf.Tensor2D, pieces: number): tf.Tensor2D {
  const [, width] = z.shape;
  if (!Number.isInteger(pieces) || pieces < 1 || width % pieces !== 0) {
    throw new Error(`maxout: ${width} columns cannot be split into groups of ${pieces} pieces.`);
  }
  const units = width / pieces;
  // Outside a gradient tape (inference, evaluation) the winners' index is never used: skip it.
  const taping = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
  if (!taping) return nativeMaxout(z, pieces, false)?.[0] ?? tf.tidy(() => tf.max(tf.reshape(z, [-1, units, pieces]), 2) as tf.Tensor2D);
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    // With the native addon: max and winners ([b, units], int32 either way) in one pass.
    const native = nativeMaxout(x as tf.Tensor2D, pieces, true);
    const x3 = native ? null : tf.reshape(x, [-1, units, pieces]);
    save([native ? native[1]! : tf.argMax(x3!, 2)]);
    return {
      value: native ? native[0] : tf.max(x3!, 2),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const winner = saved[0] as tf.Tensor2D;
        const scattered = nativeMaxoutGrad(dy as tf.Tensor2D, winner, pieces); // one native scatter
        if (scattered) return scattered;
        if (pieces === 1) return tf.reshape(dy, [-1, width]); // every piece wins (oneHot needs depth >= 2)
        const mask = tf.oneHot(winner, pieces); // [b, units, pieces]
        return tf.reshape(tf.mul(mask, tf.expandDims(dy, 2)), [-1, width]);
      },
    };
  }) as any);
  return f(z) as tf.Tensor2D;
}

/** Layer form of `maxoutOp`, for tf.sequential models. */
export class Maxout extends tf.layers.Layer {
  static className = 'Maxout';
  readonly pieces: number;
  constructor(args: { pieces: number; name?: string }) {
    super(args);
    this.pieces = args.pieces;
  }
  computeOutputShape(s: tf.Shape): tf.Shape {
    return [s[0], (s[1] as number) / this.pieces];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return maxoutOp(x as tf.Tensor2D, this.pieces);
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), pieces: this.pieces };
  }
}
tf.serialization.registerClass(Maxout);
