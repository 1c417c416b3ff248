/**
 * The peer benchmarks of `npm run bench`, run as separate processes on the same work:
 *  - scripts/bench/peer/peer_torch.py: PyTorch on CPU, in the two builds a user might pick: Debian's
 *    python3-torch (OpenBLAS) and pip's torch 2.x (MKL, in .venv-torch/, made on first use);
 *  - scripts/bench/peer/tfjs_raw.js: plain tfjs-wasm without any project code (our starting point).
 * Each prints one JSON line: train_s for one Adam epoch (batch 128) over N images, fgsm10k_s for
 * FGSM (ε = .25) over the 10k test images with clean and adversarial evaluation.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const PYTHON = '/usr/bin/python3';
const PEER_DIR = path.join(__dirname, 'peer');

function lastJsonLine(text) {
  const line = String(text)
    .trim()
    .split('\n')
    .reverse()
    .find(l => l.trim().startsWith('{'));
  return line ? JSON.parse(line) : null;
}

/**
 * {torch, blas} when PyTorch imports, else {skipped: reason}.
 * @returns {{ torch?: string, blas?: string, warning?: string, skipped?: string }}
 */
function torchInfo(python = PYTHON) {
  if (python !== PYTHON) {
    const r = spawnSync(
      python,
      [
        '-c',
        'import torch; c = torch.__config__.show(); print(torch.__version__, "MKL" if "mkl" in c.lower() else "OpenBLAS" if "openblas" in c.lower() else "unknown")',
      ],
      { encoding: 'utf8', timeout: 120000 },
    );
    if (r.error || r.status !== 0) return { skipped: `PyTorch is not importable by ${python}` };
    const [torch, blas] = r.stdout.trim().split(/\s+/);
    return { torch, blas };
  }
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60000 });
  if (r.error || r.status !== 0)
    return { skipped: `PyTorch is not importable by ${PYTHON} (apt-get install python3-torch libopenblas0-pthread)` };
  const alt = spawnSync('update-alternatives', ['--display', 'libblas.so.3-x86_64-linux-gnu'], { encoding: 'utf8' });
  const blas = ((alt.stdout || '').match(/currently points to (\S+)/) || [])[1] || 'unknown';
  return {
    torch: r.stdout.trim(),
    blas,
    ...(/openblas/i.test(blas) ? {} : { warning: 'BLAS is not OpenBLAS: PyTorch runs ~4× slower and the comparison flatters us' }),
  };
}

/**
 * The Python of pip's torch (.venv-torch/ in the repository), made with `python3 -m venv` and pip
 * (the machine's pip configuration, e.g. a local wheel index) when it is missing; {python} or
 * {skipped: reason}.
 * @param {string} repo
 * @param {(line: string) => void} [say]
 * @returns {{ python?: string, skipped?: string }}
 */
function pipTorchPython(repo, say = () => {}) {
  const dir = path.join(repo, '.venv-torch'),
    python = path.join(dir, 'bin', 'python');
  const ok = () => spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8', timeout: 120000 }).status === 0;
  if (fs.existsSync(python) && ok()) return { python };
  say('making .venv-torch (pip install torch numpy) for the pip-torch peer');
  const base = ['python3', PYTHON].find(p => spawnSync(p, ['-c', 'import venv'], { encoding: 'utf8' }).status === 0);
  if (!base) return { skipped: 'no python3 with venv to make .venv-torch' };
  for (const cmd of [
    [base, '-m', 'venv', dir],
    [python, '-m', 'pip', 'install', '-q', '--retries', '0', 'torch', 'numpy'],
  ]) {
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 20 * 60 * 1000 });
    if (r.status !== 0)
      return { skipped: `${cmd.slice(0, 4).join(' ')} failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(-1)[0]}` };
  }
  return ok() ? { python } : { skipped: '.venv-torch made, but torch does not import' };
}

/**
 * The peer's environment for `threads` threads. torch.set_num_threads sets its OpenMP pool only:
 * Debian's torch calls OpenBLAS's pthreads build, which kept 2 threads on 2 cores at "1 thread"
 * (2026-12-02: 211 GFLOP/s on 128×784·784×1200, 7.2 s CPU for 4.8 s wall; with
 * OPENBLAS_NUM_THREADS=1, 118 GFLOP/s). The BLAS's own variables make the setting true.
 */
const threadEnv = threads => ({
  ...process.env,
  OPENBLAS_NUM_THREADS: String(threads),
  OMP_NUM_THREADS: String(threads),
  MKL_NUM_THREADS: String(threads),
});

/** One peer_torch.py run: model 'mlp' | 'maxout' over the first `images` training images. */
function runTorch(model, images, threads, mnistDir, python = PYTHON) {
  const r = spawnSync(python, [path.join(PEER_DIR, 'peer_torch.py'), mnistDir, model, String(images), String(threads)], {
    encoding: 'utf8',
    timeout: 30 * 60 * 1000,
    env: threadEnv(threads),
  });
  const out = lastJsonLine(r.stdout);
  if (!out) throw new Error(`peer_torch.py ${model} failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(-3).join(' ')}`);
  return out;
}

/** One gemm_torch.py run: {seconds, gflops} of an (m×k)·(k×n) product with `threads` threads. */
function runTorchGemm(m, k, n, threads, rounds, python = PYTHON) {
  const r = spawnSync(python, [path.join(PEER_DIR, 'gemm_torch.py'), m, k, n, threads, rounds].map(String), {
    encoding: 'utf8',
    timeout: 5 * 60 * 1000,
    env: threadEnv(threads),
  });
  const out = lastJsonLine(r.stdout);
  if (!out) throw new Error(`gemm_torch.py failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(-3).join(' ')}`);
  return out;
}

/** One tfjs_raw.js run on the wasm backend (no project code). */
function runRawTfjs(repo, model, images) {
  const r = spawnSync(
    process.execPath,
    [path.join(PEER_DIR, 'tfjs_raw.js'), path.join(repo, 'node_modules'), 'wasm', model, String(images)],
    { encoding: 'utf8', timeout: 60 * 60 * 1000 },
  );
  const out = lastJsonLine(r.stdout);
  if (!out) throw new Error(`tfjs_raw.js ${model} failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(-3).join(' ')}`);
  return out;
}

/**
 * Our wasm path in a process of its own with AELAB_NATIVE=0 (scripts/bench/ours_wasm.js):
 * `args` ['train', model, images] or ['gemm', 'm,k,n', reps].
 */
function runOursWasm(args) {
  const r = spawnSync(process.execPath, [path.join(__dirname, 'ours_wasm.js'), ...args.map(String)], {
    encoding: 'utf8',
    timeout: 60 * 60 * 1000,
    env: { ...process.env, AELAB_NATIVE: '0' },
  });
  const out = lastJsonLine(r.stdout);
  if (!out)
    throw new Error(`ours_wasm.js ${args.join(' ')} failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(-3).join(' ')}`);
  return out;
}

module.exports = { torchInfo, pipTorchPython, runTorch, runTorchGemm, runRawTfjs, runOursWasm, PYTHON };
