/**
 * Both cores for the WebAssembly backend in Node: tfjs-wasm's threaded SIMD build, whose XNNPACK
 * matrix products split their output tiles over a thread pool.
 *
 * tfjs switches that build off in Node (its worker script is a browser Blob URL, tfjs issue
 * #3830), and sizes the pool as "logical cores / 2", which is one thread on a 2-core machine. We
 * hand Emscripten a worker file on disk that loads the build's own JavaScript, report enough
 * cores for the pool size we want while the module starts, and unref the pool's workers so a
 * script still exits when it is done. Every output element is still computed by one thread in
 * the same order, so results are bit-for-bit those of the single-threaded build (see
 * lib/test/runtime/wasmThreads.test.ts).
 *
 * On our 2-core machine, idle: a maxout training epoch 0.76× and FGSM 0.60× the single-threaded
 * time. But while another process kept the second core busy, both were ~15 % *slower* (the pool
 * waits for its slowest thread). So by default we count the cores that are idle right now (CPU
 * times sampled over 100 ms at startup; the 1-minute load average still remembers the notebook
 * that finished a minute ago) and use that many threads, at least 1 and at most 4.
 * With the native BLAS (nativeBlas.ts) one thread is used instead (see `wasmThreadCount`).
 * AELAB_WASM_THREADS=n forces n. Results do not depend on the choice.
 * @see notebooks/00-getting-started.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The most threads tfjs-wasm's build can use (its Emscripten pool holds 8 workers). */
export const MAX_WASM_THREADS = 4;

/**
 * Threads to ask for: AELAB_WASM_THREADS if set; else 1 when the native BLAS will take the matrix
 * products (`nativeBlas`); else the cores idle now (1 to 4).
 *
 * With the products on the BLAS, the pool only splits the elementwise kernels between them, and a
 * second thread cost more than it gave (2 idle cores, 2026-12-02, 7 alternating runs of a 3,000-image
 * maxout epoch and FGSM on 2,000 images: 1 thread 0.59 s and 0.35 s, 2 threads 0.62 s and 0.35 s; whole
 * process 0.88× the wall time and 0.83× the CPU time).
 */
export function wasmThreadCount(nativeBlas = false): number {
  const env = process.env.AELAB_WASM_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
      throw new Error(
        `AELAB_WASM_THREADS='${env}': expected an integer from 1 to ${MAX_WASM_THREADS} (or unset: as many as there are idle cores).`,
      );
    }
    return n;
  }
  if (nativeBlas) return 1;
  return threadsForIdleCores(idleCores());
}

/** 1 to MAX_WASM_THREADS threads for this many idle cores (0.6 idle core counts as one). */
export function threadsForIdleCores(idle: number): number {
  if (!Number.isFinite(idle)) return 1;
  return Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(idle + 0.4)));
}

/** How many cores were idle over the last `ms` milliseconds (sleeps that long, without using CPU). */
export function idleCores(ms = 100): number {
  const sample = () =>
    os.cpus().reduce(
      (a, c) => {
        const t = c.times;
        return { idle: a.idle + t.idle, total: a.total + t.user + t.nice + t.sys + t.idle + t.irq };
      },
      { idle: 0, total: 0 },
    );
  const before = sample();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  const after = sample(),
    total = after.total - before.total;
  return total > 0 ? (os.cpus().length * (after.idle - before.idle)) / total : 0;
}

// Emscripten's worker imports the main script from a Blob URL, which Node cannot load.
const BLOB_IMPORT =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

/** The pthread worker script as a file, written once per tfjs version; null if tfjs changed shape. */
function workerFile(): string | null {
  let dir: string, contents: string;
  try {
    dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    contents = require(path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')).wasmWorkerContents;
  } catch {
    return null;
  }
  const mainJs = path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  if (typeof contents !== 'string' || !contents.includes(BLOB_IMPORT) || !fs.existsSync(mainJs)) return null;
  // The template literal holds "\n" escapes that must stay escapes in the file (as tfjs does).
  const text = contents.replace(/\n/g, '\\n').replace(BLOB_IMPORT, `importScripts(${JSON.stringify(mainJs)});`);
  const hash = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `aelab-tfjs-wasm-worker-${hash}.js`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return file;
}

/**
 * Runs `activate` (which calls `tf.setBackend('wasm')`) with the threaded build and `threads`
 * XNNPACK threads; with `threads` = 1, or when this Node or tfjs cannot do it, runs it unchanged.
 */
export async function withWasmThreads<T>(threads: number, activate: () => Promise<T>): Promise<T> {
  const file = threads > 1 && typeof SharedArrayBuffer !== 'undefined' ? workerFile() : null;
  if (!file) return activate();
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const osModule: { cpus: typeof os.cpus } = require('os'); // the module object Emscripten reads, not a namespace copy
  const createObjectURL = URL.createObjectURL,
    cpus = osModule.cpus;
  URL.createObjectURL = (obj: Blob | MediaSource) =>
    obj instanceof Blob && obj.type === 'application/javascript' ? file : createObjectURL.call(URL, obj as Blob);
  // tfjs-wasm starts min(logical cores / 2, requested) threads: report 2 × threads cores meanwhile.
  osModule.cpus = () => {
    const c = cpus.call(osModule);
    return Array.from({ length: 2 * threads }, (_, i) => c[i % c.length]);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  try {
    return await activate();
  } finally {
    URL.createObjectURL = createObjectURL;
    osModule.cpus = cpus;
    const pthread = (
      tf.findBackend('wasm') as unknown as {
        wasm?: { PThread?: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] } };
      } | null
    )?.wasm?.PThread;
    // Idle pool threads must not keep a finished script alive.
    if (pthread) for (const w of [...pthread.runningWorkers, ...pthread.unusedWorkers]) w.unref();
  }
}

/** XNNPACK threads of the active wasm backend (1 for the single-threaded build), null off wasm. */
export function wasmThreadsInUse(): number | null {
  if (tf.getBackend() !== 'wasm') return null;
  try {
    return require('@tensorflow/tfjs-backend-wasm').getThreadsCount();
  } catch {
    return null;
  }
}
