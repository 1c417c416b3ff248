/**
 * An ensemble as one classifier: the mean of its members' softmax probabilities,
 *   p̄(y | x) = (1/K) Σ_k softmax(z_k(x))_y,
 * exposed as logits log p̄ (softmax(log p̄) = p̄), computed as logsumexp_k log softmax(z_k) − log K
 * so that tiny probabilities keep a gradient. Attacks then differentiate the ensemble as a whole
 * (the paper's §9: "Ensembles are not resistant to adversarial examples").
 * @see notebooks/08-the-rest-of-the-lecture.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier } from './classifier';

/**
 * log of the mean softmax of the members, which it applies itself (as nested layers, members that
 * share a layer name would clash). Not registered for serialization: ensembles are not saved.
 */
class LogMeanSoftmax extends tf.layers.Layer {
  static className = 'LogMeanSoftmax';
  constructor(
    private readonly members: Classifier[],
    args: { name: string },
  ) {
    super(args);
  }
  computeOutputShape(s: tf.Shape): tf.Shape {
    return [s[0], this.members[0].classes];
  }
  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() =>
      tf.sub(
        tf.logSumExp(tf.stack(this.members.map(m => tf.logSoftmax(m.net.apply(x, { training: false }) as tf.Tensor))), 0),
        Math.log(this.members.length),
      ),
    );
  }
}

/** The members (softmax heads, same input size and classes) averaged in probability. */
export function ensembleClassifier(members: Classifier[], name = `ensemble of ${members.length}`): Classifier {
  if (members.length === 0) throw new Error('ensembleClassifier: no members; pass at least one classifier.');
  const { inputSize, classes } = members[0];
  for (const m of members) {
    if (m.head !== 'softmax') throw new Error(`ensembleClassifier: ${m.name} has a ${m.head} head; members need softmax heads.`);
    if (m.inputSize !== inputSize || m.classes !== classes)
      throw new Error(
        `ensembleClassifier: ${m.name} takes ${m.inputSize} features and ${m.classes} classes; ${members[0].name} takes ${inputSize} and ${classes}.`,
      );
  }
  const input = tf.input({ shape: [inputSize] });
  const out = new LogMeanSoftmax(members, { name: 'log_mean_softmax' }).apply(input) as tf.SymbolicTensor;
  return { name, head: 'softmax', net: tf.model({ inputs: input, outputs: out, name: name.replace(/\W+/g, '_') }), inputSize, classes };
}
