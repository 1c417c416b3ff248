/**
 * The paper's shallow RBF network (§7): one RBF unit per class,
 *   p(y = c | x) = exp(−Σᵢ βᶜᵢ (xᵢ − μᶜᵢ)²),
 * with trainable centres μᶜ and per-pixel precisions βᶜ ≥ 0 (βᶜᵢ = 1/σ² at start). A unit can
 * only be confident near its centre, which is why FGSM fools it with low confidence.
 * The layer outputs log p_c; the `rbf` head of `classifier.ts` turns that into probabilities.
 * @see notebooks/06-why-adversarial-examples-generalize.ipynb
 */
import * as tf from '@tensorflow/tfjs';

export class RbfLayer extends tf.layers.Layer {
  static className = 'RbfLayer';
  readonly units: number;
  readonly sigma: number;
  readonly seed: number;
  private centres!: tf.LayerVariable;
  private logBeta!: tf.LayerVariable;
  constructor(args: { units: number; sigma: number; seed: number; name?: string }) {
    super(args);
    this.units = args.units;
    this.sigma = args.sigma;
    this.seed = args.seed;
  }
  build(inputShape: tf.Shape | tf.Shape[]): void {
    const d = (inputShape as tf.Shape)[1] as number;
    this.centres = this.addWeight(
      'centres',
      [d, this.units],
      'float32',
      tf.initializers.randomUniform({ minval: 0, maxval: 0.2, seed: this.seed }),
    );
    // β is stored as log β so it stays positive under unconstrained optimizer steps.
    this.logBeta = this.addWeight(
      'log_beta',
      [d, this.units],
      'float32',
      tf.initializers.constant({ value: Math.log(1 / (this.sigma * this.sigma * d)) }),
    );
    this.built = true;
  }
  computeOutputShape(s: tf.Shape): tf.Shape {
    return [s[0], this.units];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const mu = this.centres.read(),
        beta = tf.exp(this.logBeta.read());
      // Σᵢ β(x − μ)² = x²·β − 2x·(βμ) + Σ βμ², as three matmuls instead of an [n, d, C] tensor.
      const quad = tf.add(
        tf.sub(tf.matMul(tf.square(x), beta), tf.mul(2, tf.matMul(x, tf.mul(beta, mu)))),
        tf.sum(tf.mul(beta, tf.square(mu)), 0),
      );
      return tf.neg(tf.relu(quad));
    });
  }
  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, sigma: this.sigma, seed: this.seed };
  }
}
tf.serialization.registerClass(RbfLayer);

/**
 * Puts each class's centre at the mean image of that class (a far better start than random
 * centres: every unit begins near its own class). Call on a freshly built RBF classifier.
 */
export function initRbfCentres(net: tf.LayersModel, ds: { x: Float32Array; y: Int32Array; n: number; d: number; classes: number }): void {
  const layer = net.layers.find(l => l instanceof RbfLayer) as RbfLayer | undefined;
  if (!layer) throw new Error('initRbfCentres: the model has no RbfLayer (build it with rbfNetwork).');
  const { d, classes } = ds,
    sum = new Float32Array(d * classes),
    count = new Float32Array(classes);
  for (let i = 0; i < ds.n; i++) {
    const c = ds.y[i];
    count[c]++;
    for (let j = 0; j < d; j++) sum[j * classes + c] += ds.x[i * d + j];
  }
  for (let j = 0; j < d; j++) for (let c = 0; c < classes; c++) sum[j * classes + c] /= Math.max(1, count[c]);
  const [, logBeta] = layer.getWeights();
  layer.setWeights([tf.tensor2d(sum, [d, classes]), logBeta]);
}
