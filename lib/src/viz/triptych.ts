/**
 * The paper's Fig. 1 (the panda) on MNIST: for each chosen example, the clean image x, the
 * perturbation direction sign(∇ₓJ(θ, x, y)), and the FGSM image clip₀¹(x + ε·sign(∇ₓJ)), each
 * captioned with the class the model predicts and its confidence.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, inputGradient, probabilities } from '../models/classifier';
import { checkEpsilon } from '../core/checks';
import { Dataset, pick } from '../data/dataset';
import { exactSign } from '../core/sign';
import { Figure } from './figure';
import { imageGrid } from './imagePlots';

/** One row of the triptych: what the model said before and after the attack. */
export interface TriptychRow {
  index: number;
  label: number;
  cleanPrediction: number;
  cleanConfidence: number;
  adversarialPrediction: number;
  adversarialConfidence: number;
}

/**
 * Fig. 1-style rows (x | sign(∇ₓJ) | x + ε·sign(∇ₓJ)) for the examples `indices` of `ds`.
 * The sign image is drawn black for +1, white for −1 and grey for 0.
 */
export function fgsmTriptych(
  clf: Classifier,
  ds: Dataset,
  indices: number[],
  epsilon: number,
  opts: { title?: string; scale?: number } = {},
): { figure: Figure; rows: TriptychRow[] } {
  checkEpsilon(epsilon);
  if (!Array.isArray(indices) || indices.length === 0)
    throw new Error('fgsmTriptych: indices must be a non-empty array of example indices.');
  if (ds.d !== clf.inputSize)
    throw new Error(`fgsmTriptych: ${ds.description} has ${ds.d} features, ${clf.name} expects ${clf.inputSize}.`);
  const sub = pick(ds, indices);
  const x = tf.tensor2d(sub.x, [sub.n, sub.d]),
    y = tf.tensor1d(sub.y, 'int32');
  const [signs, adv, pClean, pAdv] = tf.tidy(() => {
    const s = exactSign(inputGradient(clf, x, y)) as tf.Tensor2D;
    const a = tf.clipByValue(tf.add(x, tf.mul(s, epsilon)), 0, 1) as tf.Tensor2D;
    return [s, a, probabilities(clf, x), probabilities(clf, a)];
  });
  const [sv, av, pc, pa] = [signs, adv, pClean, pAdv].map(t => t.dataSync() as Float32Array);
  tf.dispose([x, y, signs, adv, pClean, pAdv]);
  const C = clf.classes,
    d = sub.d;
  const top = (p: Float32Array, i: number) => {
    let best = 0;
    for (let c = 1; c < C; c++) if (p[i * C + c] > p[i * C + best]) best = c;
    return { cls: best, conf: p[i * C + best] };
  };
  const images: Float32Array[] = [],
    captions: string[] = [],
    rows: TriptychRow[] = [];
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  for (let i = 0; i < sub.n; i++) {
    const c = top(pc, i),
      a = top(pa, i);
    rows.push({
      index: indices[i],
      label: sub.y[i],
      cleanPrediction: c.cls,
      cleanConfidence: c.conf,
      adversarialPrediction: a.cls,
      adversarialConfidence: a.conf,
    });
    images.push(
      sub.x.slice(i * d, (i + 1) * d),
      sv.slice(i * d, (i + 1) * d).map(v => (v + 1) / 2),
      av.slice(i * d, (i + 1) * d),
    );
    captions.push(
      `x: "${c.cls}" ${pct(c.conf)}`,
      `+ ${epsilon} × sign(∇ₓJ)`,
      `x̃: "${a.cls}" ${pct(a.conf)}${a.cls !== sub.y[i] ? ' ✗' : ''}`,
    );
  }
  const figure = imageGrid(images, {
    cols: 3,
    scale: opts.scale ?? 4,
    captions,
    title: opts.title ?? `${clf.name}: x̃ = clip(x + ${epsilon}·sign(∇ₓJ))`,
  });
  return { figure, rows };
}
