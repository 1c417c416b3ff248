/**
 * The targets `npm run bench` checks, and the plain-text tables it prints.
 */
'use strict';

const LIMITS = {
  peerRatio: 2,            // maxout epoch and FGSM over 10k: at most 2× PyTorch on CPU
  notebooksSeconds: 360,   // all notebooks, default settings
  retrainMinutes: 60,      // `npm run train -- --all`
  kernelMiB: 2048,         // peak resident memory of a notebook kernel
};

const median = a => (a.length ? a.slice().sort((x, y) => x - y)[a.length >> 1] : null);

/** Each target with its measured value and whether it is met (null: not measured in this run). */
function targets(r) {
  const out = [];
  // Against the faster of PyTorch's two settings (its 2 threads can lose to 1 on a busy machine).
  const cmp = r.peer && !r.peer.skipped ? r.peer.comparisons.find(c => c.model === 'maxout') : null;
  const worst = (a, b) => (b === null || b === undefined ? a : Math.max(a, b));
  const g = r.peer && r.peer.gemm;
  const gemmNote = g ? `; the GEMM alone vs PyTorch's faster GEMM: ${Math.max(g.ratio, g.ratio1).toFixed(2)}×` : '';
  const peerNote = (two, one) => ({ note: `vs PyTorch 2 threads ${two.toFixed(2)}×${one ? `, 1 thread ${one.toFixed(2)}×` : ''}${gemmNote}` });
  out.push({ name: 'maxout training epoch vs PyTorch CPU (faster setting)', unit: '× PyTorch', limit: LIMITS.peerRatio,
    value: cmp ? worst(cmp.trainRatio, cmp.trainRatio1) : null, ...(cmp ? peerNote(cmp.trainRatio, cmp.trainRatio1) : {}) });
  out.push({ name: 'maxout FGSM over 10k test images vs PyTorch CPU (faster setting)', unit: '× PyTorch', limit: LIMITS.peerRatio,
    value: cmp ? worst(cmp.fgsmRatio, cmp.fgsmRatio1) : null, ...(cmp ? peerNote(cmp.fgsmRatio, cmp.fgsmRatio1) : {}) });
  const nb = r.notebooks && !r.notebooks.skipped ? r.notebooks : null;
  out.push({ name: 'all notebooks, default settings', unit: 's', limit: LIMITS.notebooksSeconds, value: nb ? nb.totalSeconds : null,
    ...(nb && nb.items.some(i => !i.ok) ? { note: 'some notebooks failed' } : {}) });
  out.push({ name: 'full retrain (npm run train -- --all), estimated', unit: 'min', limit: LIMITS.retrainMinutes, value: r.retrain ? r.retrain.estimatedMinutes : null,
    ...(r.retrain ? { cpuValue: r.retrain.estimatedCpuMinutes } : {}),
    ...(r.retrain && !r.retrain.complete ? { partial: true, note: `only ${r.retrain.models.length} of the recipes measured` } : {}) });
  out.push({ name: 'notebook kernel peak resident memory', unit: 'MiB', limit: LIMITS.kernelMiB, value: nb ? nb.maxKernelPeakMiB : null });
  for (const t of out) /** @type {Record<string, any>} */ (t).met = t.value === null || t.value === undefined || t.partial ? null : t.value <= t.limit;
  return out;
}

function table(headers, rows) {
  const cells = [headers, ...rows].map(r => r.map(c => (c === null || c === undefined ? '—' : String(c))));
  const w = headers.map((_, i) => Math.max(...cells.map(r => r[i].length)));
  const line = r => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  return [line(cells[0]), w.map(n => '-'.repeat(n)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const f1 = x => (x === null || x === undefined ? null : x.toFixed(1));
const f2 = x => (x === null || x === undefined ? null : x.toFixed(2));

/** The whole report as text. */
function render(r) {
  const parts = [];
  parts.push(`aelab bench ${r.date} · ${r.machine.cpu} · ${r.machine.cores} cores · backend ${r.backend}` +
    `${r.wasmThreads ? ` (${r.wasmThreads} thread${r.wasmThreads > 1 ? 's' : ''})` : ''} · node ${r.machine.node} · tfjs ${r.tfjs}` +
    ` · load average ${r.machine.loadAverage.start.map(x => x.toFixed(1)).join('/')} at start${r.quick ? ' · QUICK (smoke-test sizes)' : ''}`);
  if (r.kernels.length) {
    parts.push('\nKernels (median ms per call; baseline = tfjs without our change, same process)\n' + table(
      ['kernel', 'ours ms', 'baseline ms', 'speed-up', 'baseline'],
      r.kernels.map(k => [k.name, f2(k.ms), f2(k.baselineMs), `${f1(k.speedup)}×`, k.baseline])));
  }
  if (r.training.length) {
    const scaled = r.training.some(t => t.scaled);
    parts.push(`\nTraining, one epoch${scaled ? ` (timed on a sample of ${r.settings.trainImages} images and scaled to the full training set)` : ''}\n` + table(
      ['model', 'images timed', 'seconds', 'epoch s', 'epoch CPU s', 'recipe epochs', 'recipe min'],
      r.training.map(t => [t.model, t.images, f1(t.seconds), f1(t.epochSeconds), f1(t.epochCpuSeconds), t.recipeEpochs, f1(t.epochSeconds * t.recipeEpochs / 60)])));
  }
  if (r.fgsm.length) {
    parts.push(`\nFGSM ε = ${r.settings.epsilon} over ${r.fgsm[0].images} test images (attack + adversarial and clean evaluation)\n` + table(
      ['model', 'attack s', 'eval adv s', 'eval clean s', 'total s', 'FGSM error', 'clean error', 'weights'],
      r.fgsm.map(f => [f.model, f2(f.attackSeconds), f2(f.adversarialEvalSeconds), f2(f.cleanEvalSeconds), f2(f.seconds), `${f1(100 * f.error)} %`, `${f1(100 * f.cleanError)} %`, f.source])));
  }
  if (r.sweep) parts.push(`\nε sweep: ${r.sweep.points} points (0 … 0.3) on ${r.sweep.model} over ${r.sweep.images} test images: ${f1(r.sweep.seconds)} s`);
  if (r.notebooks) {
    if (r.notebooks.skipped) parts.push(`\nNotebooks: skipped (${r.notebooks.skipped})`);
    else parts.push('\nNotebooks (default settings; kernel peak = VmHWM of the tslab process)\n' + table(
      ['notebook', 'ok', 'seconds', 'kernel peak MiB'],
      [...r.notebooks.items.map(i => [i.notebook, i.ok ? 'yes' : 'NO', f1(i.seconds), i.kernelPeakMiB]),
        ['total', r.notebooks.items.every(i => i.ok) ? 'yes' : 'NO', f1(r.notebooks.totalSeconds), r.notebooks.maxKernelPeakMiB]]));
  }
  if (r.peer) {
    if (r.peer.skipped) parts.push(`\nPeer: skipped (${r.peer.skipped})`);
    else {
      parts.push(`\nPeer comparison, same work in the same run (${r.peer.rounds} round(s), medians; ours/peer < 1 means we are faster)` +
        `\nPyTorch ${r.peer.torch} CPU, ${r.peer.threads} threads, BLAS ${r.peer.blas}${r.peer.warning ? ` — ${r.peer.warning}` : ''}\n` + table(
        ['work', 'ours s', 'PyTorch s', 'ours/PyTorch', 'PyTorch 1 thread s', 'ours/1 thread', 'raw tfjs-wasm s', 'ours/raw'],
        r.peer.comparisons.flatMap(c => [
          [`${c.model} train ${c.images} images`, f2(c.oursTrain), f2(c.torchTrain), `${f2(c.trainRatio)}×`, f2(c.torch1Train), c.trainRatio1 ? `${f2(c.trainRatio1)}×` : null,
            f2(c.rawTrain), c.rawTrain ? `${f2(c.oursTrain / c.rawTrain)}×` : null],
          [`${c.model} FGSM 10k test images`, f2(c.oursFgsm), f2(c.torchFgsm), `${f2(c.fgsmRatio)}×`, f2(c.torch1Fgsm), c.fgsmRatio1 ? `${f2(c.fgsmRatio1)}×` : null,
            f2(c.rawFgsm), c.rawFgsm ? `${f2(c.oursFgsm / c.rawFgsm)}×` : null],
        ])) + `\n${r.peer.note}` + (r.peer.gemm ? `\nGEMM ${r.peer.gemm.m}×${r.peer.gemm.k}·${r.peer.gemm.k}×${r.peer.gemm.n} (the first layer's product): ours ${f1(r.peer.gemm.oursGflops)} GFLOP/s,` +
          ` PyTorch ${f1(r.peer.gemm.torchGflops)} (${r.peer.threads} threads), ${f1(r.peer.gemm.torch1Gflops)} (1 thread): ours takes ${f2(r.peer.gemm.ratio)}× / ${f2(r.peer.gemm.ratio1)}× as long` : ''));
    }
  }
  parts.push('\nTargets\n' + table(['target', 'value', 'limit', 'met'],
    r.targets.map(t => [t.name, t.value === null ? null : `${f2(t.value)} ${t.unit}${t.cpuValue !== undefined ? ` (CPU ${f2(t.cpuValue)})` : ''}`,
      `${t.limit} ${t.unit}`, `${t.met === null ? (t.partial ? 'partial' : 'not measured') : t.met ? 'yes' : 'NO'}${t.note ? ` (${t.note})` : ''}`])));
  return parts.join('\n');
}

module.exports = { LIMITS, targets, render, median, table };
