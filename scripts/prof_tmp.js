// Per-kernel wall time of a maxout epoch (6000 images) and FGSM over 10k, native path.
'use strict';
(async () => {
  const tf = require('/work/main/node_modules/@tensorflow/tfjs');
  const ae = require('aelab').internals;
  const M = require('./bench/measure');
  await ae.setup({ seed: 0, quiet: true });
  console.log(ae.nativeBlas(), ae.wasmThreadsInUse());
  const times = new Map();
  let profiling = false;
  for (const k of tf.getKernelsForBackend('wasm')) {
    const f = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, 'wasm');
    tf.registerKernel({ ...k, kernelFunc: a => { if (!profiling) return f(a); const t = process.hrtime.bigint(); const r = f(a); const d = Number(process.hrtime.bigint() - t) / 1e6; const e = times.get(k.kernelName) || [0, 0]; e[0] += d; e[1]++; times.set(k.kernelName, e); return r; } });
  }
  const { test } = ae.loadMnist();
  const which = process.argv[2] || 'maxout';
  M.trainingEpoch(which, 1000).clf.net.dispose(); // warm
  const show = (label, total) => { const rows = [...times].sort((a, b) => b[1][0] - a[1][0]); let s = 0; for (const [, v] of rows) s += v[0]; console.log(`${label}: total ${total.toFixed(0)} ms, kernels ${s.toFixed(0)} ms`); for (const [n, v] of rows.slice(0, 25)) console.log(`  ${n.padEnd(22)} ${v[0].toFixed(0).padStart(6)} ms ${String(v[1]).padStart(6)} calls`); times.clear(); };
  profiling = true;
  let t = Date.now();
  const { clf } = M.trainingEpoch(which, 6000);
  show('train 6000', Date.now() - t);
  t = Date.now();
  const r = M.fgsmOver(clf, test, 0.25);
  show('fgsm 10k ' + JSON.stringify(r), Date.now() - t);
})();
