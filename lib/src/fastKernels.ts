/**
 * Speed-ups for the WebAssembly backend, installed once by `initBackend`.
 *
 * tfjs-wasm's BatchMatMul is fast (XNNPACK) only without its transpose flags; with them it falls
 * to a generic path about 10× slower, and tfjs's own MatMul gradient sets exactly those flags.
 * We re-register the kernel so a flagged call transposes its operand explicitly (a cheap copy)
 * and then takes the fast path. Results are identical; see `npm run bench` for the effect.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';

let installed = false;

export function installFastKernels(backend: string): void {
  if (backend !== 'wasm' || installed) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) return;
  const orig = original.kernelFunc as tf.KernelFunc;
  const tr = transpose.kernelFunc as tf.KernelFunc;
  const wrapped: tf.KernelFunc = ({ inputs, backend: be, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return orig({ inputs, backend: be, attrs });
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
