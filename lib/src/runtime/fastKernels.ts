/**
 * Speed-ups installed once by `initBackend`; results are unchanged (see lib/test/runtime/fastKernels.test.ts
 * and `npm run bench`, whose "kernels" section measures each one).
 *
 * 1. wasm only: tfjs-wasm's BatchMatMul is fast (XNNPACK) only without its transpose flags; with
 *    them it falls to a generic path about 10× slower, and tfjs's own MatMul gradient sets exactly
 *    those flags. We re-register the kernel so a flagged call transposes its operand explicitly
 *    (a cheap copy) and then takes the fast path.
 * 2. every backend: a Dense layer without activation calls tfjs's *fused* matMul even under a
 *    gradient tape, and the fused op's gradient computes ∂/∂input and ∂/∂weights eagerly, needed
 *    or not: training paid for the gradient w.r.t. the images (a full 128×1200×784 product per
 *    step for the maxout net, ~25 % of a step), an input gradient (FGSM) for every weight
 *    gradient. Under a tape we use matMul + add instead, whose gradients tfjs computes only
 *    where they lead to what is differentiated. Inference keeps the fused kernel.
 * 3. wasm only: XNNPACK *packs* the right operand B of every product (a reordering copy), and
 *    reuses the packing while that tensor lives: free for fixed weights, but in training
 *    every step brings new weights, so each forward product packed a whole weight matrix (11 ms
 *    of a 19 ms product for the 784×1200 layer, batch 128). When packing B costs more data
 *    movement than the transposed form, we compute C = A·B as C = (Bᵀ·Aᵀ)ᵀ, which packs only the
 *    small batch operand: always for A·Wᵀ (the input gradient, where Wᵀ was a fresh copy too) and,
 *    under a gradient tape, for the first two products with a given B (an adversarial training
 *    step uses each new W twice; a loop over fixed weights then packs them once). XNNPACK sums
 *    each output over k in the same order either way: the results are bit-for-bit the same
 *    (lib/test/runtime/fastKernels.test.ts).
 * 4. wasm with the native addon built (nativeBlas.ts): every product, forward, gradient or
 *    batched, goes to the system BLAS in place in the wasm heap instead (transpose flags included,
 *    so 1 and 3 are not needed there), and so does Sum over axis 0 (bias gradients, without wasm's
 *    transpose); AELAB_NATIVE=0 keeps 1-3 on wasm.
 * 5. wasm: Identity (what tfjs calls to save a tensor for a gradient) shares memory instead of
 *    copying (see `installSharedIdentity`).
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { loadNativeBlas, nativeLeadingSum, nativeMatMul } from './nativeBlas';

let installed = false;
let lazyInstalled = false;
const bypass = { transpose: false, lazy: false, swap: false, identity: false };
/** How often each right operand (by dataId) was multiplied by: from the third time, pack it. */
const usesAsB = new WeakMap<object, number>();
const SWAPPED_USES = 2; // an adversarial training step multiplies by each new W twice
let swaps = 0;

/** How many products took the transposed form of point 3 so far (for tests and the bench). */
export function swappedProducts(): number {
  return swaps;
}

/**
 * Runs `fn` with tfjs's own route instead of speed-up 1 (`'transpose'`, which includes 3), 2
 * (`'lazy'`), 3 alone (`'swap'`), 5 (`'identity'`) or all of them (default), for measuring what they save
 * (`npm run bench`) and for tests; the speed-ups are back in place when it returns.
 */
export function withoutFastKernels<T>(fn: () => T, which: 'all' | 'transpose' | 'lazy' | 'swap' | 'identity' = 'all'): T {
  const was = { ...bypass };
  if (which === 'all' || which === 'transpose') bypass.transpose = true;
  if (which === 'all' || which === 'lazy') bypass.lazy = true;
  if (which === 'swap') bypass.swap = true;
  if (which === 'all' || which === 'identity') bypass.identity = true;
  try {
    return fn();
  } finally {
    Object.assign(bypass, was);
  }
}

export function installFastKernels(backend: string): void {
  installLazyDenseGradients();
  if (loadNativeBlas(backend).active) {
    installNativeFusedMatMul();
    installNativeLeadingSum();
  }
  if (backend === 'wasm') installSharedIdentity();
  if (backend !== 'wasm' || installed) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const orig = original.kernelFunc as tf.KernelFunc;
  const tr = transpose.kernelFunc as tf.KernelFunc;
  const wrapped: tf.KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (bypass.transpose) return orig({ inputs, backend: be, attrs });
    const A = inputs.a as tf.TensorInfo,
      B = inputs.b as tf.TensorInfo;
    const native = nativeMatMul({ a: A, b: B, transposeA, transposeB, backend: be });
    if (native) return native;
    const swap = !transposeA && !bypass.swap && swapped(A, B, transposeB);
    if (!swap && !transposeA && !transposeB) {
      usesAsB.set(B.dataId, SWAPPED_USES);
      return orig({ inputs, backend: be, attrs });
    }
    const temps: tf.TensorInfo[] = [];
    const flip = (t: tf.TensorInfo): tf.TensorInfo => {
      const out = flipLast(tr, be, t);
      temps.push(out);
      return out;
    };
    const noFlags = { ...attrs, transposeA: false, transposeB: false };
    let out: tf.TensorInfo;
    if (swap) {
      // C = (Bᵀ·Aᵀ)ᵀ: with transposeB, Bᵀ is B as stored; only Aᵀ (the small operand) is packed.
      const cT = orig({ inputs: { a: transposeB ? B : flip(B), b: flip(A) }, backend: be, attrs: noFlags }) as tf.TensorInfo;
      temps.push(cT);
      out = flipLast(tr, be, cT);
      swaps++;
    } else {
      out = orig({
        inputs: { ...inputs, a: transposeA ? flip(A) : A, b: transposeB ? flip(B) : B },
        backend: be,
        attrs: noFlags,
      }) as tf.TensorInfo;
    }
    for (const t of temps) (be as unknown as { disposeData(id: object): void }).disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: wrapped });
  installed = true;
}

const replaced = new Set<string>();
/** Replaces wasm kernel `name` once with `wrap(tfjs's own kernel function)`. */
function replaceWasmKernel(name: string, wrap: (orig: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(name, 'wasm');
  if (replaced.has(name) || !original) return;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc as tf.KernelFunc) });
  replaced.add(name);
}

/** Point 4 for `_FusedMatMul` (inference through Dense layers): linear or relu with a bias row. */
function installNativeFusedMatMul(): void {
  replaceWasmKernel('_FusedMatMul', orig => ({ inputs, backend: be, attrs }) => {
    const { transposeA, transposeB, activation } = attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: string };
    const native = bypass.transpose
      ? null
      : nativeMatMul({
          a: inputs.a as tf.TensorInfo,
          b: inputs.b as tf.TensorInfo,
          transposeA,
          transposeB,
          backend: be,
          bias: inputs.bias as tf.TensorInfo | undefined,
          activation,
          prelu: inputs.preluActivationWeights as tf.TensorInfo | undefined,
        });
    return native ?? orig({ inputs, backend: be, attrs });
  });
}

/** Point 4 for Sum over axis 0 (every Dense layer's bias gradient): no transpose, rows added in order. */
function installNativeLeadingSum(): void {
  replaceWasmKernel('Sum', orig => ({ inputs, backend: be, attrs }) => {
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const native = bypass.transpose ? null : nativeLeadingSum({ x: inputs.x as tf.TensorInfo, axis, keepDims, backend: be });
    return native ?? orig({ inputs, backend: be, attrs });
  });
}

/**
 * Point 5 (wasm): Identity shares its input's memory (a reference count, as tfjs-wasm's own Reshape
 * and the cpu backend's Identity do) instead of copying it. tfjs calls it for every tensor a
 * gradient saves (about 30 copies of up to 4.8 MB per FGSM batch of 1,000). Safe because no kernel
 * writes into its inputs; FusedAdam writes its new weights to a fresh tensor.
 */
function installSharedIdentity(): void {
  replaceWasmKernel('Identity', orig => ({ inputs, backend: be, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    if (bypass.identity || x.dtype === 'string') return orig({ inputs, backend: be, attrs });
    (be as unknown as { incRef(id: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}

/** Transposes the last two axes of a backend tensor with the wasm Transpose kernel. */
function flipLast(tr: tf.KernelFunc, be: Parameters<tf.KernelFunc>[0]['backend'], t: tf.TensorInfo): tf.TensorInfo {
  const r = t.shape.length,
    perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tr({ inputs: { x: t }, backend: be, attrs: { perm } }) as tf.TensorInfo;
}

/**
 * Point 3 above: whether C = A·op(B) is cheaper as (op(B)ᵀ·Aᵀ)ᵀ, counting floats moved
 * (packed, copied or transposed). A is M×K, op(B) K×N; the same leading batch size, or none.
 */
function swapped(A: tf.TensorInfo, B: tf.TensorInfo, transposeB: boolean): boolean {
  const ra = A.shape.length,
    rb = B.shape.length;
  if (ra !== rb || (ra === 3 && A.shape[0] !== B.shape[0]) || ra < 2 || ra > 3) return false;
  const M = A.shape[ra - 2],
    K = A.shape[ra - 1],
    N = transposeB ? B.shape[rb - 2] : B.shape[rb - 1];
  if (transposeB) return M * (N + K) < K * N; // vs copying Bᵀ, then packing it: always fresh
  const uses = usesAsB.get(B.dataId) ?? 0;
  if (uses >= SWAPPED_USES) return false; // packed before, or used often: pack (once) and reuse
  const taping = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
  if (!taping) return false; // inference: weights stay, their packing pays off
  if (!(2 * M * K + M * N < K * N)) return false; // Aᵀ copied and packed, C transposed; B copied
  usesAsB.set(B.dataId, uses + 1);
  return true;
}

/** See point 2 above: `tf.fused.matMul` (what Dense layers call) without eager gradients under a tape. */
export function installLazyDenseGradients(): void {
  if (lazyInstalled) return;
  const fused = tf.fused as { matMul: typeof tf.fused.matMul };
  const original = fused.matMul;
  const lazy: typeof tf.fused.matMul = args => {
    const taping = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
    if (bypass.lazy || !taping || (args.activation ?? 'linear') !== 'linear' || args.preluActivationWeights) return original(args);
    const y = tf.matMul(args.a, args.b, args.transposeA, args.transposeB);
    return args.bias === undefined || args.bias === null ? y : tf.add(y, args.bias);
  };
  fused.matMul = lazy;
  lazyInstalled = true;
}
