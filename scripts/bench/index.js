#!/usr/bin/env node
/**
 * `npm run bench [-- options]`: how fast the library's hot paths are, against the targets in the
 * README. Prints a table and writes JSON (default data/bench/bench-<date>.json) with:
 *   - kernels: each speed-up of lib/src (fastKernels, fusedAdam, maxout) against tfjs's own route,
 *     on wasm; then the native BLAS path against wasm (GEMM, training step, FGSM);
 *   - training: one epoch of every model recipe, timed on a sample of the training images and
 *     scaled to the full set (the output says so);
 *   - retrain: the full-retrain estimate for `npm run train -- --all`'s plan, its recipes timed in
 *     processes side by side as that plan runs them (scripts/bench/retrain.js);
 *   - fgsm: FGSM (ε = .25) over the test images for maxout, maxout-adv, mlp and softmax;
 *   - sweep: a 20-point ε sweep on the maxout network;
 *   - notebooks: each notebook executed with default settings, its time and its kernel's peak
 *     resident memory;
 *   - blasThreads: the native path with 1 and 2 BLAS threads (and what runtime/nativeBlas.ts's blasThreadCount chose);
 *   - peer: the same work on both of our paths (native BLAS and wasm alone), in PyTorch on CPU
 *     (scripts/bench/peer/peer_torch.py; Debian's torch and pip's, each with all cores and 1 thread)
 *     and in plain tfjs-wasm (scripts/bench/peer/tfjs_raw.js), run in turn in this run, and the ratios
 *     ours/fastest peer setting.
 * Training, FGSM, the sweep and the notebooks run on the default path (native when built;
 * AELAB_NATIVE=0 npm run bench measures wasm alone).
 * On a shared machine absolute seconds drift; compare the ratios, which are measured in one run.
 * The wasm thread count follows lib/src/runtime/wasmThreads.ts (AELAB_WASM_THREADS=n forces it).
 *
 * Options:
 *   --quick                 smoke-test sizes; skips notebooks and peers unless asked for
 *   --out FILE              where to write the JSON
 *   --train-images N        training images timed per recipe (default 6000; a whole epoch: 60000)
 *   --test-images N         test images for FGSM (default 10000)
 *   --sweep-images N        test images for the ε sweep (default 10000)
 *   --models a,b            recipes to train (default all; --quick: softmax,mlp,maxout,maxout-adv)
 *   --rounds N              peer comparison rounds, ours and peer in turn (default 1)
 *   --notebooks / --no-notebooks, --peer / --no-peer, --no-raw-tfjs
 *   --notebook FILE         run only this notebook (repeatable)
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, jupyterEnv } = require('../env/paths');
const { writeKernel } = require('../env/kernel');

const { UsageError, parse, resolvePath, wholeNumber } = require('../common/args');

function parseArgs(argv) {
  const { values: o, help } = parse(
    argv,
    {
      quick: { type: 'boolean' },
      notebooks: { type: 'boolean' },
      'no-notebooks': { type: 'boolean' },
      peer: { type: 'boolean' },
      'no-peer': { type: 'boolean' },
      'no-raw-tfjs': { type: 'boolean' },
      out: { type: 'string' },
      'train-images': { type: 'string' },
      'test-images': { type: 'string' },
      'sweep-images': { type: 'string' },
      models: { type: 'string' },
      rounds: { type: 'string' },
      notebook: { type: 'string', multiple: true },
    },
    { positionals: false },
  );
  const int = (name, def) => (o[name] === undefined ? def : wholeNumber(name, o[name]));
  const quick = !!o.quick;
  const notebookFiles = (o.notebook || []).map(resolvePath);
  return {
    quick,
    out: resolvePath(o.out || path.join(REPO, 'data', 'bench', `bench-${new Date().toISOString().slice(0, 10)}.json`)),
    trainImages: int('train-images', quick ? 256 : 6000),
    testImages: Math.min(10000, int('test-images', quick ? 500 : 10000)),
    sweepImages: Math.min(10000, int('sweep-images', quick ? 200 : 10000)),
    rounds: int('rounds', 1),
    models: o.models
      ? o.models
          .split(',')
          .map(s => s.trim())
          .filter(Boolean)
      : null,
    notebooks: notebookFiles.length > 0 || (quick ? !!o.notebooks : !o['no-notebooks']),
    notebookFiles,
    peer: quick ? !!o.peer : !o['no-peer'],
    rawTfjs: !o['no-raw-tfjs'],
    help,
  };
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  if (opt.help) {
    const lines = fs.readFileSync(__filename, 'utf8').split('\n');
    console.log(
      lines
        .slice(2, lines.indexOf(' */'))
        .map(l => l.replace(/^ \*\s?/, ''))
        .join('\n'),
    );
    return;
  }
  const ae = require('aelab').internals;
  const M = require('./measure');
  const report = require('./report');
  const { retrainEstimate } = require('./retrain');
  const info = await ae.setup({ seed: 0, quiet: true });
  let wasmThreads = null;
  if (info.backend === 'wasm') wasmThreads = ae.wasmThreadsInUse();
  const r = {
    schema: 'aelab-bench/1',
    date: new Date().toISOString(),
    quick: opt.quick,
    machine: {
      cpu: os.cpus()[0]?.model?.trim() || 'unknown',
      cores: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.versions.node,
      platform: `${os.platform()} ${os.release()}`,
      loadAverage: { start: os.loadavg() },
    },
    backend: info.backend,
    wasmThreads,
    blas: info.blas,
    tfjs: info.tfjs,
    aelab: info.lib,
    settings: {
      trainImages: opt.trainImages,
      testImages: opt.testImages,
      sweepImages: opt.sweepImages,
      epsilon: 0.25,
      sweepPoints: 20,
      rounds: opt.rounds,
    },
    kernels: [],
    training: [],
    retrain: null,
    fgsm: [],
    sweep: null,
    notebooks: null,
    blasThreads: null,
    peer: null,
    targets: [],
  };
  const say = s => process.stderr.write(`bench: ${s}\n`);
  const { test: fullTest } = ae.loadMnist();

  const allRecipes = Object.keys(ae.RECIPES);
  const names = opt.models || (opt.quick ? ['softmax', 'mlp', 'maxout', 'maxout-adv'] : allRecipes);
  names.forEach(n => ae.recipe(n)); // a typo fails before any work

  say('kernels');
  r.kernels = M.kernels(opt.quick ? 1 : 9, opt.quick ? 200 : 1000);
  const trained = {};
  for (const name of names) {
    say(`training ${name} on ${opt.trainImages} images`);
    const { clf, row } = M.trainingEpoch(name, opt.trainImages);
    trained[name] = clf;
    r.training.push(row);
  }

  const test = ae.firstN(fullTest, opt.testImages);
  for (const name of ['maxout', 'maxout-adv', 'mlp', 'softmax']) {
    const m = await M.modelFor(REPO, name, trained[name]);
    if (!m) continue;
    say(`FGSM on ${name} over ${test.n} test images`);
    r.fgsm.push({ model: name, source: m.source, ...M.fgsmOver(m.clf, test, 0.25) });
  }
  const sweepModel = await M.modelFor(REPO, 'maxout', trained.maxout);
  if (sweepModel) {
    say('ε sweep');
    r.sweep = { model: 'maxout', source: sweepModel.source, ...M.sweep(sweepModel.clf, ae.firstN(fullTest, opt.sweepImages), 20) };
  }

  // Full retrain: every recipe timed in the processes `npm run train -- --all` would run side by
  // side, counted over its whole recipe, and the plan's wall time (scripts/bench/retrain.js).
  say('full-retrain estimate');
  r.retrain = await retrainEstimate(names, {
    trainImages: opt.trainImages,
    evalImages: Math.min(2000, opt.testImages),
    all: allRecipes,
    say,
  });

  if (opt.notebooks) r.notebooks = await runNotebooks(opt, say);
  else r.notebooks = { skipped: opt.quick ? '--quick (add --notebooks to run them)' : '--no-notebooks' };

  r.blasThreads =
    opt.quick && !opt.peer
      ? { skipped: '--quick' }
      : blasThreads(ae, M, Math.min(opt.trainImages, 3000), ae.firstN(fullTest, 2000), Math.max(2, opt.rounds), say);
  if (opt.peer) r.peer = peerComparison(ae, M, opt, fullTest, say);
  else r.peer = { skipped: opt.quick ? '--quick (add --peer to run it)' : '--no-peer' };

  r.machine.loadAverage.end = os.loadavg();
  r.targets = report.targets(r);
  fs.mkdirSync(path.dirname(opt.out), { recursive: true });
  fs.writeFileSync(opt.out, JSON.stringify(r, null, 1) + '\n');
  console.log(report.render(r));
  console.log(`\nWrote ${path.relative(process.env.INIT_CWD || process.cwd(), opt.out) || opt.out}`);
}

async function runNotebooks(opt, say) {
  const { findNbclientPython } = require('../env/setup');
  const { runNotebook } = require('./notebooks');
  const python = findNbclientPython();
  if (!python) return { skipped: 'no Python with nbclient (npm run setup)' };
  writeKernel();
  const files = opt.notebookFiles.length
    ? opt.notebookFiles
    : fs
        .readdirSync(path.join(REPO, 'notebooks'))
        .filter(f => f.endsWith('.ipynb'))
        .sort()
        .map(f => path.join(REPO, 'notebooks', f));
  const runner = {
    python,
    script: path.join(__dirname, '..', 'notebooks', 'run_notebooks.py'),
    env: jupyterEnv(),
    outDir: path.join(REPO, 'out', 'bench'),
    timeout: 900,
  };
  const items = [];
  for (const nb of files) {
    say(`notebook ${path.basename(nb)}`);
    items.push(await runNotebook(nb, runner));
  }
  const peaks = items.map(i => i.kernelPeakMiB).filter(x => x !== null);
  return {
    items,
    totalSeconds: Math.round(items.reduce((s, i) => s + i.seconds, 0) * 10) / 10,
    maxKernelPeakMiB: peaks.length ? Math.max(...peaks) : null,
  };
}

/**
 * Ours (both paths: native BLAS when built, here, and wasm alone, in a process of its own with
 * AELAB_NATIVE=0 so that its wasm pool is sized as a wasm-only user's) and the peers (Debian's and pip's
 * PyTorch, each with all cores and with 1 thread) on the same work, in turn, `rounds` times;
 * medians, and ratios against the fastest peer setting.
 */
function peerComparison(ae, M, opt, fullTest, say) {
  const peer = require('./peer');
  const { median } = require('./report');
  const peers = [],
    skipped = [];
  const debian = peer.torchInfo();
  if (debian.skipped) skipped.push(`Debian torch: ${debian.skipped}`);
  else
    peers.push({
      id: 'debian',
      label: `Debian torch ${debian.torch} (${/openblas/i.test(debian.blas) ? 'OpenBLAS' : debian.blas})`,
      python: peer.PYTHON,
      ...debian,
    });
  const pip = peer.pipTorchPython(REPO, say);
  /** @type {{ torch?: string, blas?: string, warning?: string, skipped?: string }} */
  const pipInfo = pip.python ? peer.torchInfo(pip.python) : pip;
  if (pipInfo.skipped) skipped.push(`pip torch: ${pipInfo.skipped}`);
  else peers.push({ id: 'pip', label: `pip torch ${pipInfo.torch} (${pipInfo.blas})`, python: pip.python, ...pipInfo });
  if (!peers.length) return { skipped: skipped.join('; ') };
  const cores = require('os').cpus().length,
    images = opt.trainImages;
  const threadSettings = cores > 1 ? [cores, 1] : [1];
  const settings = peers.flatMap(p => threadSettings.map(t => ({ key: `${p.id}-${t}`, peer: p, threads: t })));
  const paths = ae.nativeBlas().active ? ['native', 'wasm'] : ['wasm'];
  // The wasm path in its own process (AELAB_NATIVE=0), where the pool is sized as a wasm-only user's.
  let wasmThreads = ae.wasmThreadsInUse();
  const comparisons = [];
  for (const model of ['maxout', 'mlp']) {
    const ours = Object.fromEntries(paths.map(p => [p, { train: [], fgsm: [] }]));
    const theirs = Object.fromEntries(settings.map(s => [s.key, { train: [], fgsm: [] }]));
    for (let k = 0; k < opt.rounds; k++) {
      for (const p of paths) {
        say(`peer round ${k + 1}: ours ${model} (${p})`);
        if (p === 'wasm' && paths.length > 1) {
          const w = peer.runOursWasm(['train', model, images]);
          wasmThreads = w.wasmThreads;
          ours[p].train.push(w.train_s);
          ours[p].fgsm.push(w.fgsm10k_s);
          continue;
        }
        const { clf, row } = M.trainingEpoch(model, images);
        ours[p].train.push(row.seconds);
        ours[p].fgsm.push(M.fgsmOver(clf, fullTest, 0.25).seconds);
        clf.net.dispose();
      }
      for (const s of settings) {
        say(`peer round ${k + 1}: ${s.peer.label} ${model}, ${s.threads} thread(s)`);
        const t = peer.runTorch(model, images, s.threads, ae.mnistDataDir(), s.peer.python);
        theirs[s.key].train.push(t.train_s);
        theirs[s.key].fgsm.push(t.fgsm10k_s);
      }
    }
    let raw = null;
    if (opt.rawTfjs && model === 'maxout') {
      say(`raw tfjs-wasm ${model} (slow: no project speed-ups)`);
      try {
        raw = peer.runRawTfjs(REPO, model, images);
      } catch (e) {
        raw = { error: e.message };
      }
    }
    const peerRows = settings.map(s => ({
      key: s.key,
      label: s.peer.label,
      threads: s.threads,
      train: median(theirs[s.key].train),
      fgsm: median(theirs[s.key].fgsm),
    }));
    const fastest = w => peerRows.reduce((best, r) => (r[w] < best[w] ? r : best));
    /** @type {Record<string, any>} */
    const c = {
      model,
      images,
      ours: Object.fromEntries(paths.map(p => [p, { train: median(ours[p].train), fgsm: median(ours[p].fgsm) }])),
      peers: peerRows,
      fastestTrain: fastest('train'),
      fastestFgsm: fastest('fgsm'),
      rawTrain: raw && !raw.error ? raw.train_s : null,
      rawFgsm: raw && !raw.error ? raw.fgsm10k_s : null,
      ...(raw && raw.error ? { rawError: raw.error } : {}),
      samples: { ours, peers: theirs },
    };
    c.ratios = Object.fromEntries(
      paths.map(p => [p, { train: M.r3(c.ours[p].train / c.fastestTrain.train), fgsm: M.r3(c.ours[p].fgsm / c.fastestFgsm.fgsm) }]),
    );
    comparisons.push(c);
  }
  // The maxout network's first-layer product, alone: what each GEMM can do here.
  say('GEMM 128×784×1200, ours and PyTorch');
  const [m, k, n, reps] = [128, 784, 1200, opt.quick ? 20 : 200];
  const gemm = {
    m,
    k,
    n,
    ours: Object.fromEntries(
      paths.map(p => [
        p,
        p === 'wasm' && paths.length > 1 ? peer.runOursWasm(['gemm', `${m},${k},${n}`, reps]).gflops : M.gemm(m, k, n, reps).gflops,
      ]),
    ),
    peers: settings.map(s => ({
      key: s.key,
      label: s.peer.label,
      threads: s.threads,
      gflops: M.r3(peer.runTorchGemm(m, k, n, s.threads, reps, s.peer.python).gflops),
    })),
  };
  gemm.fastest = gemm.peers.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  gemm.ratios = Object.fromEntries(paths.map(p => [p, M.r3(gemm.fastest.gflops / gemm.ours[p])]));
  return {
    peers: peers.map(({ id, label, torch, blas, warning }) => ({ id, label, torch, blas, ...(warning ? { warning } : {}) })),
    ...(skipped.length ? { peersSkipped: skipped } : {}),
    paths,
    // wasm pool threads: of the native path (this process) and of the wasm path (its own process)
    poolThreads: { ...(paths.includes('native') ? { native: ae.wasmThreadsInUse() } : {}), wasm: wasmThreads },
    gemm,
    threads: cores,
    rounds: opt.rounds,
    note: 'ours: the recipe model (maxout with dropout .2/.5), shuffled batches of 128, Adam; PyTorch: the same layers without dropout, the first N images in order',
    comparisons,
  };
}

/**
 * The native path with 1 and with 2 BLAS threads (the wasm pool keeps its size), in turn:
 * a maxout epoch on `images` images and FGSM over `fgsmImages`; medians of `rounds`.
 */
function blasThreads(ae, M, images, test, rounds, say) {
  if (!ae.nativeBlas().active) return { skipped: `native BLAS off: ${ae.nativeBlas().reason}` };
  const was = ae.nativeBlas().threads,
    { median } = require('./report');
  const rows = [1, 2].map(threads => ({ threads, train: [], fgsm: [] }));
  for (let k = 0; k < rounds; k++) {
    for (const row of rows) {
      say(`BLAS threads ${row.threads}, round ${k + 1}`);
      ae.setBlasThreads(row.threads);
      const { clf, row: t } = M.trainingEpoch('maxout', images);
      row.train.push(t.seconds);
      row.fgsm.push(M.fgsmOver(clf, test, 0.25).seconds);
      clf.net.dispose();
    }
  }
  ae.setBlasThreads(was);
  return {
    images,
    fgsmImages: test.n,
    rounds,
    default: was, // what blasThreadCount chose at startup (one per idle core, or AELAB_BLAS_THREADS)
    wasmThreads: ae.wasmThreadsInUse(),
    rows: rows.map(r => ({
      threads: r.threads,
      trainSeconds: median(r.train),
      fgsmSeconds: median(r.fgsm),
      samples: { train: r.train, fgsm: r.fgsm },
    })),
  };
}

main().catch(e => {
  if (e instanceof UsageError) {
    console.error(`bench: ${e.message}\nusage: npm run bench -- --help`);
    process.exit(2);
  }
  console.error(e.message);
  process.exit(1);
});
