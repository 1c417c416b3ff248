/**
 * Seeded randomness. Every function that draws takes a seed so every number is reproducible.
 * @see notebooks/00-getting-started.ipynb
 */

/** A small, fast, seedable PRNG (mulberry32): returns floats in [0, 1). */
export function rng(seed: number): () => number {
  checkSeed(seed);
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, seed: number): Int32Array {
  const r = rng(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Derives an independent child seed, so one master seed can feed many consumers. */
export function childSeed(seed: number, salt: number | string): number {
  let h = (seed >>> 0) ^ 0x9e3779b9;
  const s = String(salt);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) {
    throw new Error(`seed must be a non-negative integer, got ${seed}. Pass e.g. { seed: 42 }.`);
  }
}
