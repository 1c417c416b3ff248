/**
 * Speed-ups installed once by `initBackend`; results are unchanged (see lib/test/fastKernels.test.ts
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
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';

let installed = false;
let lazyInstalled = false;
const bypass = { transpose: false, lazy: false };

/**
 * Runs `fn` with tfjs's own route instead of speed-up 1 (`'transpose'`), 2 (`'lazy'`) or both
 * (default), for measuring what they save (`npm run bench`) and for tests; the speed-ups are back
 * in place when it returns.
 */
export function withoutFastKernels<T>(fn: () => T, which: 'all' | 'transpose' | 'lazy' = 'all'): T {
  const was = { ...bypass };
  if (which !== 'lazy') bypass.transpose = true;
  if (which !== 'transpose') bypass.lazy = true;
  try { return fn(); } finally { Object.assign(bypass, was); }
}

export function installFastKernels(backend: string): void {
  installLazyDenseGradients();
  if (backend !== 'wasm' || installed) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const orig = original.kernelFunc as tf.KernelFunc;
  const tr = transpose.kernelFunc as tf.KernelFunc;
  const wrapped: tf.KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (bypass.transpose || (!transposeA && !transposeB)) return orig({ inputs, backend: be, attrs });
    const temps: tf.TensorInfo[] = [];
    const flip = (t: tf.TensorInfo): tf.TensorInfo => {
      const r = t.shape.length, perm = [...Array(r).keys()];
      perm[r - 2] = r - 1; perm[r - 1] = r - 2;
      const out = tr({ inputs: { x: t }, backend: be, attrs: { perm } }) as tf.TensorInfo;
      temps.push(out);
      return out;
    };
    const a = transposeA ? flip(inputs.a as tf.TensorInfo) : inputs.a;
    const b = transposeB ? flip(inputs.b as tf.TensorInfo) : inputs.b;
    const out = orig({ inputs: { ...inputs, a, b }, backend: be, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of temps) (be as unknown as { disposeData(id: object): void }).disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: wrapped });
  installed = true;
}

/** See point 2 above: `tf.fused.matMul` (what Dense layers call) without eager gradients under a tape. */
export function installLazyDenseGradients(): void {
  if (lazyInstalled) return;
  const fused = tf.fused as { matMul: typeof tf.fused.matMul };
  const original = fused.matMul;
  const lazy: typeof tf.fused.matMul = (args) => {
    const taping = (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
    if (bypass.lazy || !taping || (args.activation ?? 'linear') !== 'linear' || args.preluActivationWeights) return original(args);
    const y = tf.matMul(args.a, args.b, args.transposeA, args.transposeB);
    return args.bias === undefined || args.bias === null ? y : tf.add(y, args.bias);
  };
  fused.matMul = lazy;
  lazyInstalled = true;
}
