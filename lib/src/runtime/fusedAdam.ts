/**
 * Adam in one pass per weight matrix on the WebAssembly backend.
 *
 * tfjs's Adam runs 14 element-wise ops per variable, each a full pass over memory with a fresh
 * allocation: ~20 ms per step for the maxout network's 1.2 M parameters, a third of a training
 * step. `FusedAdam` does the same float32 arithmetic, in the same order, in one SIMD loop
 * (lib/wasm/adam.wat) over tfjs-wasm's own heap, so the weights it produces are bit-for-bit
 * those of `tf.train.adam` (lib/test/runtime/fusedAdam.test.ts) at ~1/6 of the cost. On other backends
 * `adamOptimizer` returns tfjs's own Adam.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';

/** lib/wasm/adam.wat assembled by wabt's wat2wasm 1.0.32 (see that file to rebuild). */
export const ADAM_WASM_BASE64 =
  'AGFzbQEAAAABEgFgDn9/f39/f319fX19fX19AAIPAQNlbnYGbWVtb3J5AgABAwIBAAcIAQRhZGFtAAAKzwIBzAIDAn8DewN9IAVBfHFBAnQhDwJAA0AgDiAPTw0BIAEgDmr9AAQAIRAgAiAOav0ABAAgBv0T/eYBIBAgB/0T/eYB/eQBIREgAyAOav0ABAAgCP0T/eYBIBAgEP3mASAJ/RP95gH95AEhEiACIA5qIBH9CwQAIAMgDmogEv0LBAAgBCAOaiARIAr9E/3nASASIAv9E/3nAf3jASAM/RP95AH95wEgDf0T/eYBIAAgDmr9AAQA/eQB/QsEACAOQRBqIQ4MAAsLIAVBAnQhDwJAA0AgDiAPTw0BIAEgDmoqAgAhEyACIA5qKgIAIAaUIBMgB5SSIRQgAyAOaioCACAIlCATIBOUIAmUkiEVIAIgDmogFDgCACADIA5qIBU4AgAgBCAOaiAUIAqVIBUgC5WRIAySlSANlCAAIA5qKgIAkjgCACAOQQRqIQ4MAAsLCw==';

/** The same for the threaded build, whose memory is shared (see lib/wasm/adam.wat). */
export const ADAM_WASM_SHARED_BASE64 =
  'AGFzbQEAAAABEgFgDn9/f39/f319fX19fX19AAISAQNlbnYGbWVtb3J5AgMBgIAEAwIBAAcIAQRhZGFtAAAKzwIBzAIDAn8DewN9IAVBfHFBAnQhDwJAA0AgDiAPTw0BIAEgDmr9AAQAIRAgAiAOav0ABAAgBv0T/eYBIBAgB/0T/eYB/eQBIREgAyAOav0ABAAgCP0T/eYBIBAgEP3mASAJ/RP95gH95AEhEiACIA5qIBH9CwQAIAMgDmogEv0LBAAgBCAOaiARIAr9E/3nASASIAv9E/3nAf3jASAM/RP95AH95wEgDf0T/eYBIAAgDmr9AAQA/eQB/QsEACAOQRBqIQ4MAAsLIAVBAnQhDwJAA0AgDiAPTw0BIAEgDmoqAgAhEyACIA5qKgIAIAaUIBMgB5SSIRQgAyAOaioCACAIlCATIBOUIAmUkiEVIAIgDmogFDgCACADIA5qIBU4AgAgBCAOaiAUIAqVIBUgC5WRIAySlSANlCAAIA5qKgIAkjgCACAOQQRqIQ4MAAsLCw==';

type AdamKernel = (
  p: number,
  g: number,
  m: number,
  v: number,
  out: number,
  n: number,
  b1: number,
  omb1: number,
  b2: number,
  omb2: number,
  c1: number,
  c2: number,
  eps: number,
  negLr: number,
) => void;

/** What we use of tfjs-wasm's backend object (not part of its typed API). */
interface WasmBackendInternals {
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

let kernel: { memory: WebAssembly.Memory; adam: AdamKernel } | null = null;

/** The Adam kernel bound to the active wasm backend's memory, or null if that is impossible. */
function adamKernel(be: WasmBackendInternals): AdamKernel | null {
  const memory = be.wasm?.wasmMemory ?? be.wasm?.asm?.memory;
  if (!memory) return null;
  if (kernel?.memory !== memory) {
    try {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = Buffer.from(shared ? ADAM_WASM_SHARED_BASE64 : ADAM_WASM_BASE64, 'base64');
      const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
      kernel = { memory, adam: inst.exports.adam as AdamKernel };
    } catch {
      return null;
    }
  }
  return kernel.adam;
}

/** tfjs's Adam update (same defaults, same float32 results) in one wasm pass per variable. */
export class FusedAdam extends tf.Optimizer {
  static get className() {
    return 'FusedAdam';
  }
  private readonly state = new Map<string, { m: tf.Tensor; v: tf.Tensor }>();
  // β₁ᵗ and β₂ᵗ as float32, updated exactly as tfjs's accBeta variables are.
  private acc1: number;
  private acc2: number;
  readonly epsilon: number;

  constructor(
    public learningRate: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    epsilon?: number,
  ) {
    super();
    this.epsilon = epsilon ?? tf.backend().epsilon();
    this.acc1 = Math.fround(beta1);
    this.acc2 = Math.fround(beta2);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map(name => ({ name, tensor: variableGradients[name] }));
    const be = tf.backend() as unknown as WasmBackendInternals;
    const adam = adamKernel(be);
    if (!adam)
      throw new Error('FusedAdam needs the WebAssembly backend; use adamOptimizer(), which falls back to tf.train.adam elsewhere.');
    const f = Math.fround,
      c1 = f(1 - this.acc1),
      c2 = f(1 - this.acc2);
    const ptr = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId).memoryOffset;
    for (const { name, tensor: g } of list) {
      if (g == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`FusedAdam: no variable named '${name}'.`);
      if (g.dtype !== 'float32' || g.size !== variable.size)
        throw new Error(
          `FusedAdam: gradient of '${name}' has dtype ${g.dtype} and ${g.size} values; expected float32 and ${variable.size}.`,
        );
      let s = this.state.get(name);
      if (!s) {
        s = { m: tf.keep(tf.zeros(variable.shape)), v: tf.keep(tf.zeros(variable.shape)) };
        this.state.set(name, s);
      }
      // m and v are ours alone and updated in place; the new weights go to a fresh tensor, so any
      // tensor still sharing the old weights' memory keeps its values.
      const out = be.makeOutput(variable.shape, 'float32');
      adam(
        ptr(variable),
        ptr(g),
        ptr(s.m),
        ptr(s.v),
        ptr(out),
        variable.size,
        this.beta1,
        1 - this.beta1,
        this.beta2,
        1 - this.beta2,
        c1,
        c2,
        this.epsilon,
        -this.learningRate,
      );
      const t = tf.engine().makeTensorFromTensorInfo(out);
      variable.assign(t);
      t.dispose();
    }
    this.acc1 = f(this.acc1 * f(this.beta1));
    this.acc2 = f(this.acc2 * f(this.beta2));
    this.incrementIterations();
  }

  dispose(): void {
    for (const s of this.state.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.state.clear();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** Whether `FusedAdam` can run on the active backend. */
export function fusedAdamAvailable(): boolean {
  return tf.getBackend() === 'wasm' && adamKernel(tf.backend() as unknown as WasmBackendInternals) !== null;
}

/** Adam with tfjs's defaults: `FusedAdam` on the wasm backend, `tf.train.adam` elsewhere. */
export function adamOptimizer(learningRate: number): tf.Optimizer {
  return fusedAdamAvailable() ? new FusedAdam(learningRate) : tf.train.adam(learningRate);
}
