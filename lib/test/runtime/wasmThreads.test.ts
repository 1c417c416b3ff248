// The threaded wasm build: the thread count comes from AELAB_WASM_THREADS or the cores, a script
// using it exits by itself, and training + FGSM give bit-for-bit the single-threaded results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { wasmThreadCount, MAX_WASM_THREADS, threadsForIdleCores, idleCores } from '../../src/internals';

test('AELAB_WASM_THREADS sets the thread count; bad values are refused by name', () => {
  const old = process.env.AELAB_WASM_THREADS;
  try {
    process.env.AELAB_WASM_THREADS = '1';
    assert.equal(wasmThreadCount(), 1);
    process.env.AELAB_WASM_THREADS = '2';
    assert.equal(wasmThreadCount(), 2);
    assert.equal(wasmThreadCount(true), 2, 'AELAB_WASM_THREADS also wins over the native-BLAS default');
    for (const bad of ['0', '2.5', 'many', String(MAX_WASM_THREADS + 1)]) {
      process.env.AELAB_WASM_THREADS = bad;
      assert.throws(() => wasmThreadCount(), /AELAB_WASM_THREADS='.*': expected an integer from 1 to 4/);
    }
    delete process.env.AELAB_WASM_THREADS;
    assert.equal(wasmThreadCount(true), 1, 'with the products on the native BLAS the pool keeps one thread');
    const n = wasmThreadCount();
    assert.ok(Number.isInteger(n) && n >= 1 && n <= Math.min(os.cpus().length, MAX_WASM_THREADS), `default: ${n} threads`);
  } finally {
    if (old === undefined) delete process.env.AELAB_WASM_THREADS;
    else process.env.AELAB_WASM_THREADS = old;
  }
});

test('the default thread count follows the cores idle now', () => {
  assert.deepEqual([0, 0.3, 0.6, 1, 1.5, 1.7, 2, 3.9, 8, NaN].map(threadsForIdleCores), [1, 1, 1, 1, 1, 2, 2, 4, 4, 1]);
  const cores = os.cpus().length;
  const idle = idleCores(200);
  assert.ok(idle >= 0 && idle <= cores + 1e-9, `idle cores ${idle} of ${cores}`);
  // A child spinning on one core: at most cores − 0.5 of them can be idle meanwhile.
  const spin = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 3000);']);
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // let it start
    const busy = idleCores(500);
    assert.ok(busy <= cores - 0.5, `with one core spinning, ${busy.toFixed(2)} of ${cores} cores looked idle`);
  } finally {
    spin.kill();
  }
});

// A child process per thread count: the backend is chosen once per process.
const CHILD = `
const ae = require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'internals.js'))});
(async () => {
  const backend = await ae.initBackend();
  const m = ae.loadMnist();
  const clf = ae.maxoutNetwork({ seed: 3 });
  const h = ae.train(clf, ae.firstN(m.train, 512), { seed: 3, epochs: 1, batchSize: 128 });
  const ev = ae.evaluate(clf, ae.fgsmDataset(clf, ae.firstN(m.test, 300), 0.25));
  const sums = clf.net.getWeights().map(w => Array.from(w.dataSync()).reduce((a, b) => a + b, 0));
  console.log(JSON.stringify({ backend, threads: ae.wasmThreadsInUse(), fused: ae.fusedAdamAvailable(), loss: h.epochs[0].loss, conf: Array.from(ev.confidence.slice(0, 50)), sums }));
})();`;

function runChild(threads: string) {
  const r = spawnSync(process.execPath, ['-e', CHILD], {
    env: { ...process.env, AELAB_WASM_THREADS: threads },
    encoding: 'utf8',
    timeout: 300000,
  });
  assert.equal(
    r.status,
    0,
    `child with AELAB_WASM_THREADS=${threads} exits by itself with status 0 (got ${r.status} ${r.signal ?? ''}):\n${r.stderr}`,
  );
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('two threads train and attack bit-for-bit like one, and the script exits by itself', { timeout: 600000 }, t => {
  const one = runChild('1');
  if (one.backend !== 'wasm') {
    t.skip(`threads are a wasm feature (backend is ${one.backend})`);
    return;
  }
  const two = runChild('2');
  assert.equal(one.threads, 1);
  assert.equal(two.threads, typeof SharedArrayBuffer === 'undefined' ? 1 : 2, 'the threaded build is in use');
  assert.ok(one.fused && two.fused, 'FusedAdam runs on both builds');
  assert.equal(two.loss, one.loss, 'same training loss');
  assert.deepEqual(two.sums, one.sums, 'same weights');
  assert.deepEqual(two.conf, one.conf, 'same FGSM confidences');
});
