/**
 * Optional native matrix products for the wasm backend: tfjs-wasm's products (XNNPACK, 128-bit
 * SIMD without FMA) are the bottleneck of training and attacks here, so when the small N-API addon
 * of `native/` was built (by `npm ci`'s prepare step: OpenBLAS on Linux, Accelerate on macOS),
 * `fastKernels.ts` hands every BatchMatMul and _FusedMatMul (linear or relu) to the system BLAS's
 * `cblas_sgemm`. The addon reads the operands and writes the product in place, on a Float32Array
 * view of the wasm heap at the tensors' memory offsets (a SharedArrayBuffer with wasm threads):
 * nothing is copied. Results equal wasm's within float rounding (the BLAS sums in another order),
 * not bit for bit (lib/test/runtime/nativeBlas.test.ts runs both paths on the same inputs).
 *
 * The addon also runs the elementwise passes that cost most on wasm's one thread once the products
 * are native: maxout with its gradient, FGSM's sign step and dropout's mask (`nativeMaxout`,
 * `nativeSignStep`, `nativeDropoutMask` below, called by models/ and attacks/). Those give the same
 * floats as the tfjs ops they replace, bit for bit (lib/test/runtime/nativeOps.test.ts).
 *
 * AELAB_NATIVE=0 keeps everything on wasm; AELAB_NATIVE=1 makes a missing addon an error (CI);
 * unset: native when the addon loads. AELAB_BLAS_THREADS=n sets the BLAS's threads (default: one per
 * idle core, see `blasThreadCount` and README "Backends").
 * @see notebooks/00-getting-started.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { idleCores, threadsForIdleCores } from './wasmThreads';

interface Addon {
  gemm(
    heap: Float32Array,
    batch: number,
    M: number,
    N: number,
    K: number,
    transA: number,
    transB: number,
    aOff: number,
    bOff: number,
    cOff: number,
    strideA: number,
    strideB: number,
    strideC: number,
    biasOff: number,
    relu: number,
  ): void;
  setThreads(n: number): void;
  getThreads(): number;
  config(): string;
  // Elementwise passes (absent from an addon built before them: then they stay on wasm).
  maxout?(heap: Float32Array, groups: number, pieces: number, zOff: number, outOff: number, argOff: number): void;
  maxoutGrad?(heap: Float32Array, groups: number, pieces: number, dyOff: number, argOff: number, dxOff: number): void;
  signStep?(heap: Float32Array, n: number, xOff: number, gOff: number, outOff: number, step: number, clip: number): void;
  dropoutMask?(
    heap: Float32Array,
    n: number,
    outOff: number,
    c: number,
    s0: number,
    s1: number,
    s2: number,
    rate: number,
    scale: number,
  ): void;
  columnSum?(heap: Float32Array, rows: number, cols: number, xOff: number, outOff: number): void;
  randomUniform?(
    heap: Float32Array,
    n: number,
    outOff: number,
    c: number,
    s0: number,
    s1: number,
    s2: number,
    lo: number,
    range: number,
  ): void;
  momentumStep?(heap: Float32Array, n: number, v: number, acc: number, g: number, m: number, c: number, nv: number, na: number): void;
  maxColumnNorm?(heap: Float32Array, rows: number, cols: number, wOff: number, outOff: number, c: number): void;
}

/** What `loadNativeBlas` found: whether products run natively, on which BLAS, and if not, why. */
export interface NativeBlasStatus {
  active: boolean;
  /** e.g. 'OpenBLAS 0.3.21' or 'Accelerate'; null when not active. */
  blas: string | null;
  /** The BLAS's own threads (0 when the BLAS does not say, as Accelerate). */
  threads: number | null;
  /** Why the native path is off (AELAB_NATIVE=0, not built, wrong backend), null when active. */
  reason: string | null;
}

let addon: Addon | null = null;
let status: NativeBlasStatus = { active: false, blas: null, threads: null, reason: 'not loaded (initBackend loads it on wasm)' };
let bypass = false;
let products = 0;
let heapView: Float32Array | null = null;

/** AELAB_NATIVE=1 and the native BLAS cannot be used: `initBackend` stops here rather than fall back to cpu. */
export class NativeBlasRequiredError extends Error {
  name = 'NativeBlasRequiredError';
}

/** AELAB_NATIVE: '0' off, '1' required, unset or '' automatic. */
export function nativeBlasMode(): 'off' | 'auto' | 'on' {
  const v = process.env.AELAB_NATIVE;
  if (v === undefined || v === '') return 'auto';
  if (v === '0') return 'off';
  if (v === '1') return 'on';
  throw new Error(`AELAB_NATIVE='${v}': use 0 (wasm only), 1 (native BLAS required) or leave it unset (native when built).`);
}

/** The most threads the addon's products use (native/src/blas.c's MAX_THREADS). */
export const MAX_BLAS_THREADS = 4;

/**
 * AELAB_BLAS_THREADS if set (1 to 4); else one thread per core idle now (1 to 4, as the wasm pool
 * counts them: `idleCores`). The thread count changes only the speed: the addon runs the BLAS on
 * one thread and cuts each product into column blocks by its shape alone, which its own threads
 * share out, so every output comes from the same BLAS call however many threads there are
 * (nativeBlas.test.ts). The wasm pool keeps 1 thread beside them. On 2 idle cores of an AMD EPYC
 * (2026-12-02, 3 alternating whole-process runs), 2 threads against 1: a 6,000-image maxout epoch
 * 0.74–0.76 s against 0.81–0.87 s, FGSM over 10k 0.82–0.85 s against 1.29–1.40 s, for the same CPU
 * time. Idle cores, not cores: a product waits for its slowest thread.
 */
export function blasThreadCount(): number {
  const env = process.env.AELAB_BLAS_THREADS;
  if (env === undefined || env === '') return threadsForIdleCores(idleCores()); // idle cores never exceed the cores
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > MAX_BLAS_THREADS)
    throw new Error(`AELAB_BLAS_THREADS='${env}': expected an integer from 1 to ${MAX_BLAS_THREADS} (or unset: one per idle core).`);
  return n;
}

/**
 * The addon package. The BLAS runs on one thread (the addon has its own, see blasThreadCount), so
 * it is told so before it loads: OpenBLAS otherwise starts a pool of its own whose threads spin at
 * load, and the idle-core count taken next saw 0.95 idle cores of 2; Accelerate would thread each
 * of the addon's blocks again. Variables the user set are left alone.
 */
function requireAddon(): { addon: Addon | null; reason: string | null } {
  process.env.OPENBLAS_NUM_THREADS ??= '1';
  if (process.platform === 'darwin') process.env.VECLIB_MAXIMUM_THREADS ??= '1';
  return require('aelab-native');
}

let planned: number | null = null;
/**
 * Counts the BLAS threads now, for the next `loadNativeBlas`: `initBackend` calls it before the
 * wasm module starts, because V8 compiles that module on the other core meanwhile, and a count
 * taken then saw 1 idle core of 2 on an idle machine (2026-12-02).
 */
export function planBlasThreads(): number {
  return (planned = blasThreadCount());
}

/** Whether `loadNativeBlas('wasm')` will find the addon (AELAB_NATIVE not 0 and the addon built). */
export function nativeBlasBuilt(): boolean {
  if (nativeBlasMode() === 'off') return false;
  try {
    return !!requireAddon().addon;
  } catch {
    return false;
  }
}

/**
 * Loads the addon for `backend` (called by `installFastKernels`); only wasm's products are routed.
 * With AELAB_NATIVE=1 a missing addon throws on wasm, naming how to build it.
 */
export function loadNativeBlas(backend: string): NativeBlasStatus {
  const mode = nativeBlasMode();
  const off = (reason: string): NativeBlasStatus => {
    if (mode === 'on')
      throw new NativeBlasRequiredError(
        `AELAB_NATIVE=1 but the native BLAS is off: ${reason}. Build it with \`node native/build.js --verbose\` (needs a C compiler and libopenblas-dev), or unset AELAB_NATIVE.`,
      );
    addon = null;
    return (status = { active: false, blas: null, threads: null, reason });
  };
  if (mode === 'off') return off('AELAB_NATIVE=0');
  if (backend !== 'wasm')
    return (status = { active: false, blas: null, threads: null, reason: `backend ${backend} (the native BLAS serves the wasm backend)` });
  let loaded: { addon: Addon | null; reason: string | null };
  try {
    loaded = requireAddon();
  } catch (e) {
    return off(`the aelab-native package is not installed (${String((e as Error).message).split('\n')[0]})`);
  }
  if (!loaded.addon) return off(loaded.reason ?? 'not built');
  addon = loaded.addon;
  addon.setThreads(planned ?? blasThreadCount());
  planned = null;
  registerNativeOps(addon);
  return (status = { active: true, blas: blasName(addon.config()), threads: addon.getThreads(), reason: null });
}

/** The status of the last `loadNativeBlas`. */
export function nativeBlas(): NativeBlasStatus {
  return { ...status };
}

/** Sets the addon's threads (for the bench's 1-vs-2 comparison; results do not change); returns the previous count. */
export function setBlasThreads(n: number): number {
  if (!addon) throw new Error('setBlasThreads: the native BLAS is not active (see nativeBlas().reason).');
  if (!Number.isInteger(n) || n < 1 || n > MAX_BLAS_THREADS)
    throw new Error(`setBlasThreads(${n}): expected an integer from 1 to ${MAX_BLAS_THREADS}.`);
  const was = addon.getThreads();
  addon.setThreads(n);
  status.threads = addon.getThreads();
  return was;
}

/** How many products ran natively so far (tests and the bench check that the path was taken). */
export function nativeProducts(): number {
  return products;
}

/** Runs `fn` with every product and elementwise pass on wasm (tfjs's ops), for comparisons of the two paths; restores the route after. */
export function withoutNativeBlas<T>(fn: () => T): T {
  const was = bypass;
  bypass = true;
  try {
    return fn();
  } finally {
    bypass = was;
  }
}

/** 'OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ...' → 'OpenBLAS 0.3.21'. */
function blasName(config: string): string {
  const m = /^OpenBLAS\s+\S+/.exec(config);
  return m ? m[0] : config.split(' ')[0];
}

type Backend = Parameters<tf.KernelFunc>[0]['backend'];
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(id: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
}

/** The wasm heap as floats; a new view only when the heap grew (a new buffer). */
function heap(be: WasmBackend): Float32Array {
  const buf = be.wasm.HEAPU8.buffer;
  if (!heapView || heapView.buffer !== buf) heapView = new Float32Array(buf);
  return heapView;
}

/** Float offset of a tensor in the heap, or -1 if it is not 4-byte aligned (then: wasm). */
function offsetOf(be: WasmBackend, t: tf.TensorInfo): number {
  const bytes = be.dataIdMap.get(t.dataId).memoryOffset;
  return bytes % 4 === 0 ? bytes / 4 : -1;
}

/**
 * C = op(A)·op(B) [+ bias] [relu] natively, as tfjs's BatchMatMul / _FusedMatMul define it, or
 * null when this call must stay on wasm (native off, bypassed, not float32, a batch broadcast
 * other than equal or 1, a bias that is not one row of N, another activation).
 */
export function nativeMatMul(args: {
  a: tf.TensorInfo;
  b: tf.TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  backend: Backend;
  bias?: tf.TensorInfo | null;
  activation?: string;
  prelu?: tf.TensorInfo | null;
}): tf.TensorInfo | null {
  if (!addon || bypass) return null;
  const { a, b, transposeA, transposeB, bias } = args;
  const activation = args.activation ?? 'linear';
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || (bias && bias.dtype !== 'float32') || args.prelu) return null;
  if (activation !== 'linear' && activation !== 'relu') return null;
  const ra = a.shape.length,
    rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2],
    Ka = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1],
    Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  if (Ka !== Kb) return null; // wasm's kernel raises tfjs's own error message
  const outerA = a.shape.slice(0, -2),
    outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((p, q) => p * q, 1),
    batchB = outerB.reduce((p, q) => p * q, 1);
  const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
  if (!sameOuter && batchA !== 1 && batchB !== 1) return null;
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = outer.reduce((p, q) => p * q, 1);
  if (bias && bias.shape.reduce((p, q) => p * q, 1) !== N) return null;
  const be = args.backend as unknown as WasmBackend;
  const out = be.makeOutput([...outer, M, N], 'float32'); // allocate first: it may grow the heap
  if (batch * M * N === 0) return out;
  const aOff = offsetOf(be, a),
    bOff = offsetOf(be, b),
    cOff = offsetOf(be, out),
    biasOff = bias ? offsetOf(be, bias) : -1;
  if (aOff < 0 || bOff < 0 || cOff < 0 || (bias && biasOff < 0)) {
    (args.backend as unknown as { disposeData(id: object): void }).disposeData(out.dataId);
    return null;
  }
  try {
    addon.gemm(
      heap(be),
      batch,
      M,
      N,
      Ka,
      transposeA ? 1 : 0,
      transposeB ? 1 : 0,
      aOff,
      bOff,
      cOff,
      batchA === 1 ? 0 : M * Ka,
      batchB === 1 ? 0 : Ka * N,
      M * N,
      biasOff,
      activation === 'relu' ? 1 : 0,
    );
  } catch (e) {
    (args.backend as unknown as { disposeData(id: object): void }).disposeData(out.dataId);
    throw e;
  }
  products++;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Elementwise passes, as kernels of the wasm backend (so tfjs tracks, tidies and disposes their
// outputs like any other). Each wrapper returns null when the pass must stay on tfjs's ops:
// native off or bypassed, an addon built before the pass existed, or another backend.

const K = {
  maxout: 'AelabMaxout',
  maxoutGrad: 'AelabMaxoutGrad',
  signStep: 'AelabSignStep',
  dropoutMask: 'AelabDropoutMask',
  randomUniform: 'AelabRandomUniform',
  momentumStep: 'AelabMomentumStep',
  maxColumnNorm: 'AelabMaxColumnNorm',
};
let opsRegistered = false;
let elementwise = 0;

/** How many elementwise passes ran natively so far (tests check that the path was taken). */
export function nativeElementwisePasses(): number {
  return elementwise;
}

function opsReady(pass: keyof typeof K): boolean {
  return !!addon && !bypass && opsRegistered && typeof addon[pass] === 'function' && tf.getBackend() === 'wasm';
}

/** Allocates the outputs, runs `fill` on their offsets; frees them if `fill` throws. */
function withOutputs(
  be: WasmBackend,
  outs: { shape: number[]; dtype: 'float32' | 'int32' }[],
  fill: (offsets: number[]) => void,
): tf.TensorInfo[] {
  const infos = outs.map(o => be.makeOutput(o.shape, o.dtype)); // allocate first: it may grow the heap
  try {
    const offs = infos.map(t => offsetOf(be, t));
    if (offs.some(o => o < 0)) throw new Error('aelab-native: a wasm output is not 4-byte aligned');
    fill(offs);
  } catch (e) {
    for (const t of infos) (be as unknown as { disposeData(id: object): void }).disposeData(t.dataId);
    throw e;
  }
  elementwise++;
  return infos;
}

function inputOffset(be: WasmBackend, t: tf.TensorInfo, what: string): number {
  const o = offsetOf(be, t);
  if (o < 0) throw new Error(`aelab-native: ${what} is not 4-byte aligned in the wasm heap`);
  return o;
}

function registerNativeOps(a: Addon): void {
  if (opsRegistered || typeof a.maxout !== 'function') return;
  const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
  const reg = (kernelName: string, kernelFunc: tf.KernelFunc) => {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  };
  reg(K.maxout, ({ inputs, backend, attrs }) => {
    const be = backend as unknown as WasmBackend,
      x = inputs.x as tf.TensorInfo;
    const { pieces, withArg } = attrs as unknown as { pieces: number; withArg: boolean };
    const [rows, width] = x.shape;
    const shape = [rows, width / pieces];
    const outs: { shape: number[]; dtype: 'float32' | 'int32' }[] = [{ shape, dtype: 'float32' }];
    if (withArg) outs.push({ shape, dtype: 'int32' });
    const xOff = inputOffset(be, x, 'maxout input');
    return withOutputs(be, outs, ([o, g]) => addon!.maxout!(heap(be), size(shape), pieces, xOff, o, withArg ? g : -1));
  });
  reg(K.maxoutGrad, ({ inputs, backend, attrs }) => {
    const be = backend as unknown as WasmBackend,
      dy = inputs.dy as tf.TensorInfo,
      arg = inputs.arg as tf.TensorInfo;
    const { pieces } = attrs as unknown as { pieces: number };
    const [rows, units] = dy.shape;
    const dyOff = inputOffset(be, dy, 'maxout gradient'),
      argOff = inputOffset(be, arg, 'maxout winners');
    return withOutputs(be, [{ shape: [rows, units * pieces], dtype: 'float32' }], ([o]) =>
      addon!.maxoutGrad!(heap(be), rows * units, pieces, dyOff, argOff, o),
    )[0];
  });
  reg(K.signStep, ({ inputs, backend, attrs }) => {
    const be = backend as unknown as WasmBackend,
      x = inputs.x as tf.TensorInfo,
      g = inputs.g as tf.TensorInfo;
    const { step, clip } = attrs as unknown as { step: number; clip: boolean };
    const xOff = inputOffset(be, x, 'signStep x'),
      gOff = inputOffset(be, g, 'signStep gradient');
    return withOutputs(be, [{ shape: x.shape, dtype: 'float32' }], ([o]) =>
      addon!.signStep!(heap(be), size(x.shape), xOff, gOff, o, step, clip ? 1 : 0),
    )[0];
  });
  // Alea's stream from a state, as a dropout mask (a, b = rate, scale) or uniform values (a, b = lo, range).
  for (const pass of ['dropoutMask', 'randomUniform'] as const)
    reg(K[pass], ({ backend, attrs }) => {
      const be = backend as unknown as WasmBackend;
      const { shape, state, a, b } = attrs as unknown as { shape: number[]; state: number[]; a: number; b: number };
      return withOutputs(be, [{ shape, dtype: 'float32' }], ([o]) =>
        addon![pass]!(heap(be), size(shape), o, state[0], state[1], state[2], state[3], a, b),
      )[0];
    });
  reg(K.momentumStep, ({ inputs, backend }) => {
    const be = backend as unknown as WasmBackend;
    const { value, acc, g, m, c } = inputs as Record<string, tf.TensorInfo>;
    const offs = [value, acc, g, m, c].map((t, i) => inputOffset(be, t, `momentumStep input ${i}`));
    return withOutputs(
      be,
      [
        { shape: value.shape, dtype: 'float32' },
        { shape: value.shape, dtype: 'float32' },
      ],
      ([nv, na]) => addon!.momentumStep!(heap(be), size(value.shape), offs[0], offs[1], offs[2], offs[3], offs[4], nv, na),
    );
  });
  reg(K.maxColumnNorm, ({ inputs, backend, attrs }) => {
    const be = backend as unknown as WasmBackend,
      w = inputs.w as tf.TensorInfo;
    const { c } = attrs as unknown as { c: number };
    const wOff = inputOffset(be, w, 'maxColumnNorm weights');
    return withOutputs(be, [{ shape: w.shape, dtype: 'float32' }], ([o]) =>
      addon!.maxColumnNorm!(heap(be), w.shape[0], size(w.shape.slice(1)), wOff, o, c),
    )[0];
  });
  opsRegistered = true;
}

/**
 * Maxout's forward pass natively: [b, units·pieces] → the max of each group of `pieces` columns
 * and, with `withArg`, the index (int32) of the first piece holding it; null on tfjs's route.
 */
export function nativeMaxout(z: tf.Tensor2D, pieces: number, withArg: boolean): [tf.Tensor2D, tf.Tensor2D | null] | null {
  if (!opsReady('maxout') || z.dtype !== 'float32' || z.rank !== 2) return null;
  const out = tf.engine().runKernel(K.maxout, { x: z }, { pieces, withArg } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor2D[];
  return [out[0], withArg ? out[1] : null];
}

/** Maxout's gradient natively: dy [b, units] to the winning pieces of `arg`, 0 elsewhere; null on tfjs's route. */
export function nativeMaxoutGrad(dy: tf.Tensor2D, arg: tf.Tensor2D, pieces: number): tf.Tensor2D | null {
  if (!opsReady('maxoutGrad') || dy.dtype !== 'float32' || arg.dtype !== 'int32') return null;
  return tf.engine().runKernel(K.maxoutGrad, { dy, arg }, { pieces } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/** x + step·exactSign(g), clipped to [0, 1] if `clip`, in one pass; null on tfjs's route. */
export function nativeSignStep(x: tf.Tensor, g: tf.Tensor, step: number, clip: boolean): tf.Tensor | null {
  if (!opsReady('signStep') || x.dtype !== 'float32' || g.dtype !== 'float32' || !tf.util.arraysEqual(x.shape, g.shape)) return null;
  return tf.engine().runKernel(K.signStep, { x, g }, { step, clip } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * Dropout's scaled keep-mask, (tf.randomUniform(shape, 0, 1, 'float32', seed) >= rate) · scale,
 * in one native pass over the same random stream (seedrandom's Alea, seeded as tfjs seeds it);
 * null on tfjs's route.
 */
export function nativeDropoutMask(shape: number[], seed: number, rate: number, scale: number): tf.Tensor | null {
  if (!opsReady('dropoutMask')) return null;
  return tf
    .engine()
    .runKernel(K.dropoutMask, {}, { shape, state: aleaState(seed), a: rate, b: scale } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** tf.randomUniform(shape, lo, hi, 'float32', seed) natively: the same values from the same stream; null on tfjs's route. */
export function nativeRandomUniform(shape: number[], lo: number, hi: number, seed: number): tf.Tensor | null {
  if (!opsReady('randomUniform')) return null;
  const attrs = { shape, state: aleaState(seed), a: lo, b: hi - lo }; // tfjs: min + (max − min)·u, in double
  return tf.engine().runKernel(K.randomUniform, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** The state [c, s0, s1, s2] tfjs's UniformRandom starts from for a numeric seed (seedrandom's Alea of its string). */
function aleaState(seed: number): number[] {
  type Alea = (seed: string, opts: { state: true }) => { state(): { c: number; s0: number; s1: number; s2: number } };
  const s = (require('seedrandom').alea as Alea)(seed.toString(), { state: true }).state();
  return [s.c, s.s0, s.s1, s.s2];
}

/**
 * tfjs's Sum over axis 0 alone (the bias gradient of a Dense layer) natively, adding the rows in
 * order as wasm's kernel does after its transpose; null when the call must stay on wasm (other
 * axes, not float32, native off).
 */
export function nativeLeadingSum(args: {
  x: tf.TensorInfo;
  axis: number | number[];
  keepDims: boolean;
  backend: Backend;
}): tf.TensorInfo | null {
  if (!addon || bypass || typeof addon.columnSum !== 'function') return null;
  const { x, keepDims } = args;
  const axes = tf.util.parseAxisParam(args.axis, x.shape);
  if (x.dtype !== 'float32' || x.shape.length < 2 || axes.length !== 1 || axes[0] !== 0) return null;
  const rows = x.shape[0],
    cols = x.shape.slice(1).reduce((p, q) => p * q, 1);
  const be = args.backend as unknown as WasmBackend;
  const shape = keepDims ? [1, ...x.shape.slice(1)] : x.shape.slice(1);
  const xOff = inputOffset(be, x, 'sum input');
  return withOutputs(be, [{ shape, dtype: 'float32' }], ([o]) => addon!.columnSum!(heap(be), rows, cols, xOff, o))[0];
}

/** Whether `nativeMomentumStep` can run (the addon built with it, on wasm, not bypassed). */
export function nativeMomentumAvailable(): boolean {
  return opsReady('momentumStep');
}

/**
 * tfjs's MomentumOptimizer step for one variable in one pass: [acc', value'] with acc' = m·acc + g
 * and value' = c·acc' + value (m, c: the optimizer's momentum and −learning-rate scalars); null on
 * tfjs's route.
 */
export function nativeMomentumStep(
  value: tf.Tensor,
  acc: tf.Tensor,
  g: tf.Tensor,
  m: tf.Scalar,
  c: tf.Scalar,
): [tf.Tensor, tf.Tensor] | null {
  if (!opsReady('momentumStep') || [value, acc, g, m, c].some(t => t.dtype !== 'float32')) return null;
  if (!tf.util.arraysEqual(value.shape, acc.shape) || !tf.util.arraysEqual(value.shape, g.shape) || m.size !== 1 || c.size !== 1)
    return null;
  const [nv, na] = tf.engine().runKernel(K.momentumStep, { value, acc, g, m, c }, {}) as unknown as tf.Tensor[];
  return [na, nv];
}

/** The max-norm step of sgdRecipe.ts (`applyMaxColumnNorm`) for one kernel [in, out], in two passes; null on tfjs's route. */
export function nativeMaxColumnNorm(w: tf.Tensor, c: number): tf.Tensor | null {
  if (!opsReady('maxColumnNorm') || w.dtype !== 'float32' || w.rank < 2) return null;
  return tf.engine().runKernel(K.maxColumnNorm, { w }, { c } as unknown as tf.NamedAttrMap) as tf.Tensor;
}
