#!/usr/bin/env node
/**
 * `npm run bench [-- options]`: how fast the library's hot paths are, against the targets in the
 * README. Prints a table and writes JSON (default data/bench/bench-<date>.json) with:
 *   - kernels: each speed-up of lib/src (fastKernels, fusedAdam, maxout) against tfjs's own route;
 *   - training: one epoch of every model recipe, timed on a sample of the training images and
 *     scaled to the full set (the output says so), and from that the full-retrain estimate;
 *   - fgsm: FGSM (ε = .25) over the test images for maxout, maxout-adv, mlp and softmax;
 *   - sweep: a 20-point ε sweep on the maxout network;
 *   - notebooks: each notebook executed with default settings, its time and its kernel's peak
 *     resident memory;
 *   - peer: the same work in PyTorch on CPU (scripts/bench/peer/peer_torch.py) and in plain tfjs-wasm
 *     (scripts/bench/peer/tfjs_raw.js), run in turn in this run, and the ratios ours/peer.
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
  const { values: o, help } = parse(argv, {
    quick: { type: 'boolean' }, notebooks: { type: 'boolean' }, 'no-notebooks': { type: 'boolean' },
    peer: { type: 'boolean' }, 'no-peer': { type: 'boolean' }, 'no-raw-tfjs': { type: 'boolean' },
    out: { type: 'string' }, 'train-images': { type: 'string' }, 'test-images': { type: 'string' },
    'sweep-images': { type: 'string' }, models: { type: 'string' }, rounds: { type: 'string' },
    notebook: { type: 'string', multiple: true },
  }, { positionals: false });
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
    models: o.models ? o.models.split(',').map(s => s.trim()).filter(Boolean) : null,
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
    console.log(lines.slice(2, lines.indexOf(' */')).map(l => l.replace(/^ \*\s?/, '')).join('\n'));
    return;
  }
  const ae = require('aelab').internals;
  const M = require('./measure');
  const report = require('./report');
  const info = await ae.setup({ seed: 0, quiet: true });
  let wasmThreads = null;
  if (info.backend === 'wasm') wasmThreads = ae.wasmThreadsInUse();
  const r = {
    schema: 'aelab-bench/1', date: new Date().toISOString(), quick: opt.quick,
    machine: { cpu: os.cpus()[0]?.model?.trim() || 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node,
      platform: `${os.platform()} ${os.release()}`, loadAverage: { start: os.loadavg() } },
    backend: info.backend, wasmThreads, tfjs: info.tfjs, aelab: info.lib,
    settings: { trainImages: opt.trainImages, testImages: opt.testImages, sweepImages: opt.sweepImages, epsilon: 0.25, sweepPoints: 20, rounds: opt.rounds },
    kernels: [], training: [], retrain: null, fgsm: [], sweep: null, notebooks: null, peer: null, targets: [],
  };
  const say = s => process.stderr.write(`bench: ${s}\n`);
  const { test: fullTest } = ae.loadMnist();

  const allRecipes = Object.keys(ae.RECIPES);
  const names = opt.models || (opt.quick ? ['softmax', 'mlp', 'maxout', 'maxout-adv'] : allRecipes);
  names.forEach(n => ae.recipe(n));                         // a typo fails before any work

  say('kernels');
  r.kernels = M.kernels(opt.quick ? 1 : 9, opt.quick ? 200 : 1000);
  const trained = {};
  for (const name of names) {
    say(`training ${name} on ${opt.trainImages} images`);
    const { clf, row } = M.trainingEpoch(name, opt.trainImages);
    trained[name] = clf; r.training.push(row);
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

  // Full retrain: every recipe's epochs at its measured epoch time, plus its final test-set
  // evaluation (clean + FGSM), approximated by the FGSM timing of the same architecture.
  const fgsmCpuSeconds = name => (r.fgsm.find(f => f.model === name) || r.fgsm.find(f => f.model === 'maxout') || { cpuSeconds: 0 }).cpuSeconds * (10000 / opt.testImages);
  const fgsmSeconds = name => (r.fgsm.find(f => f.model === name) || r.fgsm.find(f => f.model === 'maxout') || { seconds: 0 }).seconds * (10000 / opt.testImages);
  r.retrain = {
    models: r.training.map(t => t.model), complete: allRecipes.every(n => r.training.some(t => t.model === n)),
    estimatedMinutes: M.r3(r.training.reduce((s, t) => s + t.epochSeconds * t.recipeEpochs + fgsmSeconds(t.model), 0) / 60),
    // CPU time of this process (with one wasm thread: about the wall time on an idle machine).
    estimatedCpuMinutes: M.r3(r.training.reduce((s, t) => s + t.epochCpuSeconds * t.recipeEpochs + fgsmCpuSeconds(t.model), 0) / 60),
  };

  if (opt.notebooks) r.notebooks = await runNotebooks(opt, say);
  else r.notebooks = { skipped: opt.quick ? '--quick (add --notebooks to run them)' : '--no-notebooks' };

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
  const files = opt.notebookFiles.length ? opt.notebookFiles
    : fs.readdirSync(path.join(REPO, 'notebooks')).filter(f => f.endsWith('.ipynb')).sort().map(f => path.join(REPO, 'notebooks', f));
  const runner = { python, script: path.join(__dirname, '..', 'notebooks', 'run_notebooks.py'), env: jupyterEnv(), outDir: path.join(REPO, 'out', 'bench'), timeout: 900 };
  const items = [];
  for (const nb of files) {
    say(`notebook ${path.basename(nb)}`);
    items.push(await runNotebook(nb, runner));
  }
  const peaks = items.map(i => i.kernelPeakMiB).filter(x => x !== null);
  return { items, totalSeconds: Math.round(items.reduce((s, i) => s + i.seconds, 0) * 10) / 10, maxKernelPeakMiB: peaks.length ? Math.max(...peaks) : null };
}

/** Ours and the peers on the same work, in turn, `rounds` times; medians and ratios. */
function peerComparison(ae, M, opt, fullTest, say) {
  const peer = require('./peer');
  const { median } = require('./report');
  const torch = peer.torchInfo();
  if (torch.skipped) return { skipped: torch.skipped };
  const threads = require('os').cpus().length, images = opt.trainImages;
  const comparisons = [];
  for (const model of ['maxout', 'mlp']) {
    const ours = { train: [], fgsm: [] }, theirs = { train: [], fgsm: [] }, single = { train: [], fgsm: [] };
    for (let k = 0; k < opt.rounds; k++) {
      say(`peer round ${k + 1}: ours ${model}`);
      const { clf, row } = M.trainingEpoch(model, images);
      ours.train.push(row.seconds);
      ours.fgsm.push(M.fgsmOver(clf, fullTest, 0.25).seconds);
      clf.net.dispose();
      say(`peer round ${k + 1}: PyTorch ${model}`);
      const t = peer.runTorch(model, images, threads, ae.mnistDataDir());
      theirs.train.push(t.train_s); theirs.fgsm.push(t.fgsm10k_s);
      if (threads > 1) {
        // One thread, like our wasm backend: the per-core comparison, steadier on a busy machine.
        say(`peer round ${k + 1}: PyTorch ${model}, 1 thread`);
        const t1 = peer.runTorch(model, images, 1, ae.mnistDataDir());
        single.train.push(t1.train_s); single.fgsm.push(t1.fgsm10k_s);
      }
    }
    let raw = null;
    if (opt.rawTfjs && model === 'maxout') {
      say(`raw tfjs-wasm ${model} (slow: no project speed-ups)`);
      try { raw = peer.runRawTfjs(REPO, model, images); } catch (e) { raw = { error: e.message }; }
    }
    /** @type {Record<string, any>} */
    const c = {
      model, images, oursTrain: median(ours.train), torchTrain: median(theirs.train), oursFgsm: median(ours.fgsm), torchFgsm: median(theirs.fgsm),
      rawTrain: raw && !raw.error ? raw.train_s : null, rawFgsm: raw && !raw.error ? raw.fgsm10k_s : null, ...(raw && raw.error ? { rawError: raw.error } : {}),
      torch1Train: median(single.train), torch1Fgsm: median(single.fgsm),
      samples: { ours, torch: theirs, torch1thread: single },
    };
    c.trainRatio = M.r3(c.oursTrain / c.torchTrain); c.fgsmRatio = M.r3(c.oursFgsm / c.torchFgsm);
    c.trainRatio1 = c.torch1Train ? M.r3(c.oursTrain / c.torch1Train) : null; c.fgsmRatio1 = c.torch1Fgsm ? M.r3(c.oursFgsm / c.torch1Fgsm) : null;
    comparisons.push(c);
  }
  // The maxout network's first-layer product, alone: what the two libraries' GEMMs can do here.
  say('GEMM 128×784×1200, ours and PyTorch');
  const [m, k, n, reps] = [128, 784, 1200, opt.quick ? 20 : 200];
  const g = { ours: M.gemm(m, k, n, reps), torch: peer.runTorchGemm(m, k, n, threads, reps), torch1: peer.runTorchGemm(m, k, n, 1, reps) };
  const gemm = { m, k, n, oursGflops: g.ours.gflops, torchGflops: M.r3(g.torch.gflops), torch1Gflops: M.r3(g.torch1.gflops),
    ratio: M.r3(g.torch.gflops / g.ours.gflops), ratio1: M.r3(g.torch1.gflops / g.ours.gflops) };
  return { torch: torch.torch, blas: torch.blas, gemm, ...(torch.warning ? { warning: torch.warning } : {}), threads, rounds: opt.rounds,
    note: 'ours: the recipe model (maxout with dropout .2/.5), shuffled batches of 128, Adam; PyTorch: the same layers without dropout, the first N images in order', comparisons };
}

main().catch(e => {
  if (e instanceof UsageError) { console.error(`bench: ${e.message}\nusage: npm run bench -- --help`); process.exit(2); }
  console.error(e.message); process.exit(1);
});
