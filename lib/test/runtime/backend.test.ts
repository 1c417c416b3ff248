// Backend selection and the setup line: native tfjs-node if it loads, else wasm, else cpu;
// AELAB_BACKEND forces one; `setup` prints exactly one line that says what ran.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import {
  initBackend,
  backendAttempts,
  setup,
  setupInfo,
  LIB_VERSION,
  wasmThreadsInUse,
  nativeBlas,
  nativeBlasBuilt,
} from '../../src/internals';

const savedEnv = process.env.AELAB_BACKEND;
afterEach(() => {
  if (savedEnv === undefined) delete process.env.AELAB_BACKEND;
  else process.env.AELAB_BACKEND = savedEnv;
});

function hasTfjsNode(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` with console.log captured; returns what it printed. */
async function captureLog(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => {
    lines.push(a.map(String).join(' '));
  };
  try {
    await fn();
  } finally {
    console.log = orig;
  }
  return lines;
}

test('initBackend picks wasm when tfjs-node is absent, and records the failed attempt', async () => {
  delete process.env.AELAB_BACKEND;
  const name = await initBackend();
  const attempts = backendAttempts();
  if (hasTfjsNode()) {
    assert.equal(name, 'tensorflow');
    assert.deepEqual(attempts, [{ name: 'tensorflow', ok: true }]);
    return;
  }
  assert.equal(name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(attempts.length, 2);
  assert.equal(attempts[0].name, 'tensorflow');
  assert.equal(attempts[0].ok, false);
  assert.match(attempts[0].reason!, /Cannot find module '@tensorflow\/tfjs-node'/);
  assert.ok(!attempts[0].reason!.includes('\n'), 'the reason is one line');
  assert.deepEqual(attempts[1], { name: 'wasm', ok: true });
  attempts.pop();
  assert.equal(backendAttempts().length, 2, 'backendAttempts returns a copy');
  // The backend works: a tiny matmul gives the right numbers.
  const r = tf.tidy(() =>
    tf
      .matMul(
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
        tf.tensor2d([[5], [6]]),
      )
      .dataSync(),
  );
  assert.deepEqual(Array.from(r), [17, 39]);
});

test('AELAB_BACKEND=cpu forces the cpu backend', async () => {
  process.env.AELAB_BACKEND = 'cpu';
  assert.equal(await initBackend(), 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.deepEqual(backendAttempts(), [{ name: 'cpu', ok: true }]);
  process.env.AELAB_BACKEND = 'wasm';
  assert.equal(await initBackend(), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('a bad AELAB_BACKEND is a clear error', async () => {
  process.env.AELAB_BACKEND = 'gpu';
  await assert.rejects(initBackend(), {
    message: "AELAB_BACKEND='gpu' is not a backend; use one of tensorflow, wasm, cpu or unset it.",
  });
});

test('when no backend of the preference loads, the error lists every attempt and the fix', async t => {
  if (hasTfjsNode()) {
    t.skip('tfjs-node is installed here');
    return;
  }
  await assert.rejects(initBackend(['tensorflow']), (e: Error) => {
    assert.match(e.message, /^No TensorFlow\.js backend could start\. Tried: tensorflow \(Cannot find module '@tensorflow\/tfjs-node'/);
    assert.match(e.message, /Run `npm ci` in the project folder/);
    return true;
  });
  assert.deepEqual(
    backendAttempts().map(a => [a.name, a.ok]),
    [['tensorflow', false]],
  );
  await initBackend(['wasm']);
});

test('AELAB_NATIVE=1 without the addon stops with the fix instead of falling back to cpu', () => {
  // A child process in which require('aelab-native') fails, as in a sandbox that does not see native/.
  const script = `
    const Module = require('module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === 'aelab-native') throw Object.assign(new Error("Cannot find module 'aelab-native'"), { code: 'MODULE_NOT_FOUND' });
      return resolve.call(this, request, ...rest);
    };
    require(${JSON.stringify(path.join(__dirname, '..', '..', 'src', 'internals'))})
      .initBackend(['wasm', 'cpu'])
      .then(b => console.log('BACKEND ' + b), e => console.log('ERROR ' + e.name + ': ' + e.message));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, AELAB_NATIVE: '1' }, timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /^ERROR NativeBlasRequiredError: AELAB_NATIVE=1 but the native BLAS is off: the aelab-native package is not installed/m,
  );
  assert.match(r.stdout, /node native\/build\.js --verbose/, 'the error says how to build it');
});

test('setup prints exactly one line with backend, versions and seed', async () => {
  delete process.env.AELAB_BACKEND;
  let info: Awaited<ReturnType<typeof setup>> | undefined;
  const lines = await captureLog(async () => {
    info = await setup({ seed: 7 });
  });
  assert.equal(lines.length, 1, `printed: ${JSON.stringify(lines)}`);
  const line = lines[0];
  assert.equal(info!.line, line);
  const backend = hasTfjsNode() ? 'tensorflow' : 'wasm';
  const tslab = require('tslab/package.json').version as string;
  const threads = info!.threads !== null && info!.threads > 1 ? ` \\(${info!.threads} threads\\)` : '';
  assert.equal(info!.threads, backend === 'wasm' ? wasmThreadsInUse() : null, 'threads: the wasm pool size, null off wasm');
  const blas = nativeBlas();
  assert.equal(info!.blas, blas.blas, 'blas: the native BLAS in use, or null');
  assert.equal(blas.active, blas.blas !== null);
  if (process.env.AELAB_NATIVE === '0') assert.equal(info!.blas, null, 'AELAB_NATIVE=0: no native BLAS');
  if (process.env.AELAB_NATIVE === '1' && backend === 'wasm') assert.ok(info!.blas, 'AELAB_NATIVE=1: the native BLAS is in use');
  if (backend === 'wasm' && !process.env.AELAB_WASM_THREADS) {
    assert.equal(nativeBlasBuilt(), blas.active, 'nativeBlasBuilt() foretells whether the native BLAS loads');
    if (blas.active) assert.equal(info!.threads, 1, 'with the native BLAS the wasm pool keeps one thread');
  }
  assert.equal(info!.blasThreads, blas.active ? blas.threads : null, 'blasThreads: the BLAS threads, or null');
  const blasThreads = info!.blasThreads !== null && info!.blasThreads > 1 ? `, ${info!.blasThreads} threads` : '';
  const native = info!.blas ? ` \\+ native BLAS \\(${info!.blas.replace(/\./g, '\\.')}${blasThreads}\\)` : '';
  assert.match(
    line,
    new RegExp(
      `^aelab ${LIB_VERSION} · backend ${backend}${threads}${native} · tfjs ${tf.version.tfjs.replace(/\./g, '\\.')} · ` +
        `tslab ${tslab.replace(/\./g, '\\.')} · node ${process.versions.node.replace(/\./g, '\\.')} · seed 7 · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`,
    ),
  );
  assert.equal(tf.version.tfjs, '4.22.0');
  assert.equal(info!.backend, backend);
  assert.equal(info!.seed, 7);
  assert.equal(setupInfo(), info);
});

test('setup: default seed 42, quiet prints nothing, a bad seed is rejected before anything runs', async () => {
  const lines = await captureLog(async () => {
    const info = await setup({ quiet: true });
    assert.equal(info.seed, 42);
    assert.match(info.line, / · seed 42 · /);
  });
  assert.deepEqual(lines, []);
  await assert.rejects(setup({ seed: -1 }), /seed must be a non-negative integer, got -1/);
  assert.equal(setupInfo()!.seed, 42, 'a failed setup keeps the previous info');
});
