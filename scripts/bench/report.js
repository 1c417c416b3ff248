/**
 * The targets `npm run bench` checks, and the plain-text tables it prints.
 */
'use strict';

const LIMITS = {
  peerRatio: 1.5, // maxout epoch and FGSM over 10k, native path: at most 1.5× PyTorch's faster setting
  notebooksSeconds: 180, // all notebooks, default settings
  retrainMinutes: 30, // `npm run train -- --all`
  kernelMiB: 2048, // peak resident memory of a notebook kernel
};

const median = a => (a.length ? a.slice().sort((x, y) => x - y)[a.length >> 1] : null);

/** Each target with its measured value and whether it is met (null: not measured in this run). */
function targets(r) {
  const out = [];
  // Against the fastest PyTorch setting (Debian's or pip's, all cores or 1 thread): the native
  // path has the 1.5× target; the wasm path (AELAB_NATIVE=0) is shown for comparison with before.
  const cmp = r.peer && !r.peer.skipped ? r.peer.comparisons.find(c => c.model === 'maxout') : null;
  const g = r.peer && !r.peer.skipped ? r.peer.gemm : null;
  const fmtPeer = p => `${p.label}, ${p.threads} thread${p.threads > 1 ? 's' : ''}`;
  for (const path of ['native', 'wasm']) {
    if (cmp && !cmp.ratios[path]) continue;
    const label = path === 'native' ? 'native BLAS path' : 'wasm path (AELAB_NATIVE=0)';
    const gemmNote = g && g.ratios[path] ? `; the GEMM alone: ${g.ratios[path].toFixed(2)}× as long as ${fmtPeer(g.fastest)}` : '';
    for (const [w, what, fastest] of [
      ['train', 'maxout training epoch', 'fastestTrain'],
      ['fgsm', 'maxout FGSM over 10k test images', 'fastestFgsm'],
    ]) {
      out.push({
        name: `${what}, ${label}, vs PyTorch's fastest setting`,
        unit: '× PyTorch',
        limit: path === 'native' ? LIMITS.peerRatio : null,
        value: cmp ? cmp.ratios[path][w] : null,
        ...(cmp ? { note: `fastest: ${fmtPeer(cmp[fastest])}${gemmNote}` } : {}),
      });
    }
  }
  const nb = r.notebooks && !r.notebooks.skipped ? r.notebooks : null;
  out.push({
    name: 'all notebooks, default settings',
    unit: 's',
    limit: LIMITS.notebooksSeconds,
    value: nb ? nb.totalSeconds : null,
    ...(nb && nb.items.some(i => !i.ok) ? { note: 'some notebooks failed' } : {}),
  });
  out.push({
    name: 'full retrain (npm run train -- --all), estimated',
    unit: 'min',
    limit: LIMITS.retrainMinutes,
    value: r.retrain ? r.retrain.estimatedMinutes : null,
    ...(r.retrain ? { cpuValue: r.retrain.estimatedCpuMinutes } : {}),
    ...(r.retrain && !r.retrain.complete
      ? { partial: true, note: `only ${r.retrain.models.length} of the recipes measured` }
      : r.retrain
        ? { note: `${r.retrain.jobs} recipes at a time, every epoch run (no early stop)` }
        : {}),
  });
  out.push({ name: 'notebook kernel peak resident memory', unit: 'MiB', limit: LIMITS.kernelMiB, value: nb ? nb.maxKernelPeakMiB : null });
  for (const t of /** @type {Record<string, any>[]} */ (out))
    t.met = t.value === null || t.value === undefined || t.partial || t.limit === null ? null : t.value <= t.limit;
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
  parts.push(
    `aelab bench ${r.date} · ${r.machine.cpu} · ${r.machine.cores} cores · backend ${r.backend}` +
      `${r.wasmThreads ? ` (${r.wasmThreads} thread${r.wasmThreads > 1 ? 's' : ''})` : ''}${r.blas ? ` + native BLAS (${r.blas})` : ''} · node ${r.machine.node} · tfjs ${r.tfjs}` +
      ` · load average ${r.machine.loadAverage.start.map(x => x.toFixed(1)).join('/')} at start${r.quick ? ' · QUICK (smoke-test sizes)' : ''}`,
  );
  if (r.kernels.length) {
    parts.push(
      '\nKernels (median ms per call; baseline = tfjs without our change, same process)\n' +
        table(
          ['kernel', 'ours ms', 'baseline ms', 'speed-up', 'baseline'],
          r.kernels.map(k => [k.name, f2(k.ms), f2(k.baselineMs), `${f1(k.speedup)}×`, k.baseline]),
        ),
    );
  }
  if (r.training.length) {
    const scaled = r.training.some(t => t.scaled);
    parts.push(
      `\nTraining, one epoch${scaled ? ` (timed on a sample of ${r.settings.trainImages} images and scaled to the full training set)` : ''}\n` +
        table(
          ['model', 'images timed', 'seconds', 'epoch s', 'epoch CPU s', 'recipe epochs'],
          r.training.map(t => [t.model, t.images, f1(t.seconds), f1(t.epochSeconds), f1(t.epochCpuSeconds), t.recipeEpochs]),
        ),
    );
  }
  if (r.retrain && r.retrain.recipes) {
    const rt = r.retrain;
    parts.push(
      `\nFull retrain, estimated: ${rt.jobs} recipe(s) at a time (${rt.threadsPerJob} thread(s) each), as npm run train -- --all runs them; ` +
        `each timed on ${rt.recipes[0]?.timed.images ?? '—'} training images in processes side by side and counted over its whole recipe ` +
        `(every epoch, validation after each, the final test measurement): ${f1(rt.estimatedMinutes)} min wall, ${f1(rt.estimatedCpuMinutes)} min CPU\n` +
        table(
          ['model', 'training images', 'clean evaluations', 'FGSM evaluations', 'minutes'],
          rt.recipes.map(x => [x.model, x.work.train, x.work.clean, x.work.adversarial, f1(x.seconds / 60)]),
        ),
    );
  }
  if (r.fgsm.length) {
    parts.push(
      `\nFGSM ε = ${r.settings.epsilon} over ${r.fgsm[0].images} test images (attack + adversarial and clean evaluation)\n` +
        table(
          ['model', 'attack s', 'eval adv s', 'eval clean s', 'total s', 'FGSM error', 'clean error', 'weights'],
          r.fgsm.map(f => [
            f.model,
            f2(f.attackSeconds),
            f2(f.adversarialEvalSeconds),
            f2(f.cleanEvalSeconds),
            f2(f.seconds),
            `${f1(100 * f.error)} %`,
            `${f1(100 * f.cleanError)} %`,
            f.source,
          ]),
        ),
    );
  }
  if (r.sweep)
    parts.push(
      `\nε sweep: ${r.sweep.points} points (0 … 0.3) on ${r.sweep.model} over ${r.sweep.images} test images: ${f1(r.sweep.seconds)} s`,
    );
  if (r.notebooks) {
    if (r.notebooks.skipped) parts.push(`\nNotebooks: skipped (${r.notebooks.skipped})`);
    else
      parts.push(
        '\nNotebooks (default settings; kernel peak = VmHWM of the tslab process)\n' +
          table(
            ['notebook', 'ok', 'seconds', 'kernel peak MiB'],
            [
              ...r.notebooks.items.map(i => [i.notebook, i.ok ? 'yes' : 'NO', f1(i.seconds), i.kernelPeakMiB]),
              ['total', r.notebooks.items.every(i => i.ok) ? 'yes' : 'NO', f1(r.notebooks.totalSeconds), r.notebooks.maxKernelPeakMiB],
            ],
          ),
      );
  }
  if (r.blasThreads) {
    if (r.blasThreads.skipped) parts.push(`\nBLAS threads: skipped (${r.blasThreads.skipped})`);
    else
      parts.push(
        `\nNative path, BLAS threads (wasm pool: ${r.blasThreads.wasmThreads} thread(s); medians of ${r.blasThreads.rounds}; default ${r.blasThreads.default})\n` +
          table(
            ['BLAS threads', `maxout train ${r.blasThreads.images} images s`, `FGSM ${r.blasThreads.fgsmImages} images s`],
            r.blasThreads.rows.map(x => [x.threads, f2(x.trainSeconds), f2(x.fgsmSeconds)]),
          ),
      );
  }
  if (r.peer) {
    if (r.peer.skipped) parts.push(`\nPeer: skipped (${r.peer.skipped})`);
    else {
      const p = r.peer,
        settings = p.comparisons[0].peers;
      parts.push(
        `\nPeer comparison, same work in the same run (${p.rounds} round(s), medians; ratio < 1 means we are faster)` +
          (p.poolThreads
            ? `\nwasm pool: ${Object.entries(p.poolThreads)
                .map(([k, v]) => `${k} path ${v} thread(s)`)
                .join(', ')}`
            : '') +
          `\n${p.peers.map(x => `${x.label}${x.warning ? ` — ${x.warning}` : ''}`).join('; ')}${p.peersSkipped ? ` (skipped: ${p.peersSkipped.join('; ')})` : ''}\n` +
          table(
            [
              'work',
              ...p.paths.map(x => `ours ${x} s`),
              ...settings.map(x => `${x.key} s`),
              'fastest peer',
              ...p.paths.map(x => `${x}/fastest`),
              'raw tfjs-wasm s',
            ],
            p.comparisons.flatMap(c =>
              [
                ['train', `${c.model} train ${c.images} images`, 'fastestTrain', c.rawTrain],
                ['fgsm', `${c.model} FGSM 10k test images`, 'fastestFgsm', c.rawFgsm],
              ].map(([w, label, fastest, raw]) => [
                label,
                ...p.paths.map(x => f2(c.ours[x][w])),
                ...c.peers.map(x => f2(x[w])),
                c[fastest].key,
                ...p.paths.map(x => `${f2(c.ratios[x][w])}×`),
                f2(raw),
              ]),
            ),
          ) +
          `\n${p.note}` +
          `\nGEMM ${p.gemm.m}×${p.gemm.k}·${p.gemm.k}×${p.gemm.n} (the first layer's product), GFLOP/s: ${p.paths.map(x => `ours ${x} ${f1(p.gemm.ours[x])}`).join(', ')}; ` +
          `${p.gemm.peers.map(x => `${x.key} ${f1(x.gflops)}`).join(', ')}; ours takes ${p.paths.map(x => `${f2(p.gemm.ratios[x])}× (${x})`).join(' / ')} as long as ${p.gemm.fastest.key}`,
      );
    }
  }
  parts.push(
    '\nTargets\n' +
      table(
        ['target', 'value', 'limit', 'met'],
        r.targets.map(t => [
          t.name,
          t.value === null ? null : `${f2(t.value)} ${t.unit}${t.cpuValue !== undefined ? ` (CPU ${f2(t.cpuValue)})` : ''}`,
          t.limit === null ? '—' : `${t.limit} ${t.unit}`,
          `${t.met === null ? (t.partial ? 'partial' : t.limit === null ? 'info' : 'not measured') : t.met ? 'yes' : 'NO'}${t.note ? ` (${t.note})` : ''}`,
        ]),
      ),
  );
  return parts.join('\n');
}

module.exports = { LIMITS, targets, render, median, table };
