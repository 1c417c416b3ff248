/**
 * The one setup call every notebook makes first: backend, seed, and one line that says what
 * produced the outputs (backend, versions, seed, date), so a handed-in notebook is traceable.
 * @see notebooks/00-getting-started.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, BackendName } from './runtime/backend';
import { checkSeed } from './core/random';
import { plotlyInit } from './viz/plotly';
import { wasmThreadsInUse } from './runtime/wasmThreads';
import { nativeBlas } from './runtime/nativeBlas';

import { LIB_VERSION } from './core/version';
export { LIB_VERSION };

export interface SetupInfo {
  backend: BackendName;
  /** XNNPACK threads on the wasm backend (see wasmThreads.ts), null on the others. */
  threads: number | null;
  /** The native BLAS doing wasm's matrix products ('OpenBLAS 0.3.21'; see runtime/nativeBlas.ts), or null. */
  blas: string | null;
  /** The native BLAS's own threads (see runtime/nativeBlas.ts's blasThreadCount), or null. */
  blasThreads: number | null;
  seed: number;
  tfjs: string;
  tslab: string | null;
  node: string;
  lib: string;
  date: string;
  /** The line that was printed. */
  line: string;
}

let current: SetupInfo | null = null;

/** Selects the backend, records the seed, and prints one line describing the run. */
export async function setup(opts: { seed?: number; quiet?: boolean } = {}): Promise<SetupInfo> {
  const seed = opts.seed ?? 42;
  checkSeed(seed);
  const backend = await initBackend();
  const blas = nativeBlas();
  const info: Omit<SetupInfo, 'line'> = {
    backend,
    seed,
    threads: wasmThreadsInUse(),
    blas: blas.blas,
    blasThreads: blas.active ? blas.threads : null,
    tfjs: tf.version.tfjs,
    tslab: packageVersion('tslab'),
    node: process.versions.node,
    lib: LIB_VERSION,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  };
  const threads = info.threads !== null && info.threads > 1 ? ` (${info.threads} threads)` : '';
  const blasThreads = info.blasThreads !== null && info.blasThreads > 1 ? `, ${info.blasThreads} threads` : '';
  const blasPart = info.blas ? ` + native BLAS (${info.blas}${blasThreads})` : '';
  const line = `aelab ${info.lib} · backend ${backend}${threads}${blasPart} · tfjs ${info.tfjs} · tslab ${info.tslab ?? 'n/a'} · node ${info.node} · seed ${seed} · ${info.date}`;
  current = { ...info, line };
  if (!opts.quiet) console.log(line);
  plotlyInit(); // in a notebook: embed plotly.js once, so later ae.show(...) calls can draw
  return current;
}

/** The info of the last `setup` call, or null before it. */
export function setupInfo(): SetupInfo | null {
  return current;
}

function packageVersion(name: string): string | null {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return null;
  }
}
