#!/usr/bin/env node
/**
 * Our wasm path as a user gets it (AELAB_NATIVE=0: no addon, the wasm pool sized for the idle
 * cores), in a process of its own: in the bench's own process the pool was sized for the native
 * path (1 thread), so `withoutNativeBlas` there would time a wasm path nobody runs.
 *
 *   node scripts/bench/ours_wasm.js train|gemm MODEL|M,K,N IMAGES|REPS
 * prints one JSON line: { wasmThreads, train_s, fgsm10k_s } or { wasmThreads, gflops }.
 */
'use strict';
(async () => {
  if (process.env.AELAB_NATIVE !== '0') throw new Error('ours_wasm.js: run it with AELAB_NATIVE=0 (the bench does).');
  const [what, arg, count] = process.argv.slice(2);
  const ae = require('aelab').internals;
  const M = require('./measure');
  await ae.setup({ seed: 0, quiet: true });
  const wasmThreads = ae.wasmThreadsInUse();
  if (what === 'gemm') {
    const [m, k, n] = arg.split(',').map(Number);
    console.log(JSON.stringify({ wasmThreads, gflops: M.gemm(m, k, n, Number(count)).gflops }));
    return;
  }
  if (what !== 'train') throw new Error(`ours_wasm.js: unknown measurement '${what}' (train or gemm).`);
  const { test } = ae.loadMnist();
  const { clf, row } = M.trainingEpoch(arg, Number(count));
  const fgsm = M.fgsmOver(clf, test, 0.25);
  console.log(JSON.stringify({ wasmThreads, train_s: row.seconds, fgsm10k_s: fgsm.seconds }));
})().catch(e => {
  console.error(e.message);
  process.exit(1);
});
