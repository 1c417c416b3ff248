/**
 * 95 % intervals for error rates. An error rate measured on n test images is a binomial
 * proportion: `binomialInterval` gives its interval (good also near 0 % and 100 %). Two models
 * measured on the *same* images are paired: `pairedErrorDifference` uses only the images on
 * which they disagree (b: only A wrong, c: only B wrong), d = (b − c)/n with the standard error
 * √(b + c − (b − c)²/n)/n (the Wald interval behind McNemar's test).
 * @see notebooks/08-the-rest-of-the-lecture.ipynb
 */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** The 95 % Wilson score interval of a proportion `p` measured on `n` examples: [low, high]. */
export function wilsonInterval(p: number, n: number, z = Z95): [number, number] {
  if (!(n > 0) || !Number.isFinite(p) || p < 0 || p > 1)
    throw new Error(`wilsonInterval: need 0 ≤ p ≤ 1 and n > 0, got p = ${p}, n = ${n}.`);
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Wilson score interval for `k` successes (e.g. errors) in `n` trials. */
export function binomialInterval(k: number, n: number, z = Z95): Interval {
  if (!(Number.isInteger(n) && n > 0))
    throw new Error(`binomialInterval: n = ${n}, expected a positive integer (the number of test images).`);
  if (!(Number.isInteger(k) && k >= 0 && k <= n)) throw new Error(`binomialInterval: k = ${k}, expected an integer in 0..${n}.`);
  const [low, high] = wilsonInterval(k / n, n, z);
  return { estimate: k / n, low, high };
}

/** The Wilson interval of the error rate of `predictions` against `labels`. */
export function errorInterval(predictions: ArrayLike<number>, labels: ArrayLike<number>, z = Z95): Interval {
  if (predictions.length !== labels.length)
    throw new Error(`errorInterval: ${predictions.length} predictions for ${labels.length} labels.`);
  let k = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] !== labels[i]) k++;
  return binomialInterval(k, labels.length, z);
}

export interface PairedDifference extends Interval {
  /** Images only model A gets wrong. */
  onlyA: number;
  /** Images only model B gets wrong. */
  onlyB: number;
  n: number;
}

/** error(A) − error(B) on the same images, with its paired 95 % interval. */
export function pairedErrorDifference(
  predA: ArrayLike<number>,
  predB: ArrayLike<number>,
  labels: ArrayLike<number>,
  z = Z95,
): PairedDifference {
  const n = labels.length;
  if (predA.length !== n || predB.length !== n)
    throw new Error(
      `pairedErrorDifference: ${predA.length} and ${predB.length} predictions for ${n} labels; expected the same images for both models.`,
    );
  if (n === 0) throw new Error('pairedErrorDifference: no images.');
  let b = 0,
    c = 0;
  for (let i = 0; i < n; i++) {
    const a = predA[i] !== labels[i],
      bb = predB[i] !== labels[i];
    if (a && !bb) b++;
    else if (bb && !a) c++;
  }
  const d = (b - c) / n,
    se = Math.sqrt(Math.max(0, b + c - (b - c) ** 2 / n)) / n;
  return { estimate: d, low: d - z * se, high: d + z * se, onlyA: b, onlyB: c, n };
}

/** Mean of `values` with its normal-approximation 95 % interval, mean ± z·s/√n (n ≥ 2). */
export function meanInterval(values: ArrayLike<number>, z = Z95): Interval {
  const n = values.length;
  if (n < 2) throw new Error(`meanInterval: ${n} value(s); an interval needs at least 2.`);
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const half = z * Math.sqrt(ss / (n - 1) / n);
  return { estimate: mean, low: mean - half, high: mean + half };
}
