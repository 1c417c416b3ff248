/**
 * Small statistics the notebooks report: quantiles and the median of a sample, the ℓ1 norm, the
 * cosine of two vectors. Plain arrays in, numbers out.
 * @see notebooks/01-linear-explanation.ipynb
 */

function sortedCopy(v: ArrayLike<number>, caller: string): Float64Array {
  if (v.length === 0) throw new Error(`${caller}: the sample is empty; pass at least one value.`);
  return Float64Array.from(v).sort();
}

/**
 * The q-quantile (0 ≤ q ≤ 1) as an element of the sample: the value at index ⌊q·n⌋ of the sorted
 * values (clamped to the last), with no interpolation.
 */
export function quantile(v: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q = ${q}, expected a number in [0, 1] (0.5 for the median).`);
  const s = sortedCopy(v, 'quantile');
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** The median as an element of the sample: for an even count, the upper of the two middle values. */
export function median(v: ArrayLike<number>): number {
  const s = sortedCopy(v, 'median');
  return s[s.length >> 1];
}

/** ‖v‖₁ = Σ|vᵢ|, summed in order. */
export function l1Norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.abs(v[i]);
  return s;
}

/** cos(a, b) = aᵀb / (‖a‖₂‖b‖₂). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new Error(`cosine: the vectors have ${a.length} and ${b.length} entries; they must have the same length.`);
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let j = 0; j < a.length; j++) {
    ab += a[j] * b[j];
    aa += a[j] * a[j];
    bb += b[j] * b[j];
  }
  return ab / Math.sqrt(aa * bb);
}
