/**
 * Picks the fastest TensorFlow.js backend that loads here: native tfjs-node, else WebAssembly,
 * else the pure-JS cpu backend. Also installs the wasm speed-ups (see `fastKernels.ts`).
 * @see notebooks/00-getting-started.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { installFastKernels } from './fastKernels';
import { withWasmThreads, wasmThreadCount } from './wasmThreads';
import { nativeBlasBuilt, NativeBlasRequiredError, planBlasThreads } from './nativeBlas';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCE: BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** What happened when a backend was tried: used by the setup line and by tests. */
export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  reason?: string;
}

let tried: BackendAttempt[] = [];

/** Loaders for the optional backends; `require` keeps them optional at run time. */
const loaders: Record<BackendName, () => void> = {
  tensorflow: () => {
    require('@tensorflow/tfjs-node');
  },
  wasm: () => {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    // In Node the .wasm files are read from disk; the threaded build is set up by wasmThreads.ts.
    wasm.setWasmPaths(path.join(dir, 'dist') + path.sep);
  },
  cpu: () => {
    /* built into @tensorflow/tfjs */
  },
};

/**
 * Activates the first backend of `preference` that loads and initializes.
 * The env var AELAB_BACKEND (tensorflow|wasm|cpu) forces one, for comparisons and tests.
 */
export async function initBackend(preference: BackendName[] = preferenceFromEnv()): Promise<BackendName> {
  tried = [];
  for (const name of preference) {
    try {
      loaders[name]();
      const activate = () => tf.setBackend(name);
      const native = name === 'wasm' && nativeBlasBuilt();
      if (native) planBlasThreads(); // before the wasm module compiles on the idle core
      if (!(await (name === 'wasm' ? withWasmThreads(wasmThreadCount(native), activate) : activate())))
        throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      silenceCpuBanner();
      installFastKernels(name);
      tried.push({ name, ok: true });
      return name;
    } catch (e) {
      tried.push({ name, ok: false, reason: firstLine(e) });
      // AELAB_NATIVE=1 asks for the native path: a slow cpu backend instead would hide that it is missing.
      if (e instanceof NativeBlasRequiredError) throw e;
    }
  }
  throw new Error(
    `No TensorFlow.js backend could start. Tried: ${tried.map(t => `${t.name} (${t.reason})`).join('; ')}. ` +
      'Run `npm ci` in the project folder to install @tensorflow/tfjs-backend-wasm.',
  );
}

/** The attempts of the last `initBackend` call, in order. */
export function backendAttempts(): BackendAttempt[] {
  return tried.slice();
}

function preferenceFromEnv(): BackendName[] {
  const forced = process.env.AELAB_BACKEND;
  if (!forced) return BACKEND_PREFERENCE;
  if (!(BACKEND_PREFERENCE as string[]).includes(forced)) {
    throw new Error(`AELAB_BACKEND='${forced}' is not a backend; use one of ${BACKEND_PREFERENCE.join(', ')} or unset it.`);
  }
  return [forced as BackendName];
}

/** The cpu backend prints a "install our node backend" banner on first use; our setup line says it once instead. */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .split('\n')[0]
    .slice(0, 160);
}
