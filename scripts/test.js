#!/usr/bin/env node
/**
 * `npm test`: everything CI checks, in order, with a summary of which steps failed.
 *   1. build the library (scripts/env/build.js: tsc -b lib)   — stops here on failure
 *   2. register the kernel (scripts/env/kernel.js)             — stops here on failure
 *   3. type-check the scripts' JavaScript (tsc -p scripts, checkJs)
 *   4. output policy of committed notebooks (scripts/notebooks/check.js)
 *   5. unit tests: node --test on every lib/dist/test folder and scripts/test/*.test.js (not the browser
 *      test); when the native BLAS addon is built (native/), with AELAB_NATIVE=1, then the lib tests
 *      once more with AELAB_NATIVE=0, so both paths of the matrix products are tested
 *   6. execute every notebook and export it to site/ (scripts/html/export.js: a failing cell fails the step;
 *      executed copies land in out/executed/)
 *   7. the browser test on that site (scripts/test/browser.test.js with AELAB_SITE_DIR=site), so
 *      notebooks are executed once, not twice
 * `npm test -- --quick` skips steps 6 and 7; `npm run test:lib` (`--lib`) runs steps 1 and 5 for lib/ only. Exit status is non-zero if any step failed.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { REPO } = require('./env/paths');

const args = process.argv.slice(2);
const unknown = args.filter(a => a !== '--quick' && a !== '--lib');
if (unknown.length) {
  console.error(`test: unknown option ${unknown.join(' ')}; usage: npm test [-- --quick | --lib]`);
  process.exit(2);
}
const quick = args.includes('--quick');
const libOnly = args.includes('--lib');   // npm run test:lib: build, then the library's tests

/** The *.test.js files in `dir` and its subfolders, fixtures excepted (none if `dir` is missing). */
function testFiles(dir) {
  const abs = path.join(REPO, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true }).map(String)
    .filter(f => f.endsWith('.test.js') && !f.split(path.sep).includes('fixtures'))
    .sort().map(f => path.join(dir, f));
}

/** Whether the native BLAS addon is built and loads (native/build.js, run by npm ci's prepare). */
function nativeBuilt() {
  try { return !!require(path.join(REPO, 'native')).addon; } catch { return false; }
}

const node = process.execPath;
const BROWSER_TEST = path.join('scripts', 'test', 'browser.test.js');
const libTests = testFiles('lib/dist/test');
const unitTests = [...libTests, ...(libOnly ? [] : testFiles('scripts/test'))].filter(f => f !== BROWSER_TEST);
// Both paths of the matrix products when the addon is built, unless AELAB_NATIVE=0 asks for wasm only.
const bothPaths = process.env.AELAB_NATIVE !== '0' && nativeBuilt();
const steps = [
  { name: 'build lib', cmd: [node, 'scripts/env/build.js'], required: true },
  ...(libOnly ? [] : [
    { name: 'kernel', cmd: [node, 'scripts/env/kernel.js'], required: true },
    { name: 'lint (eslint .)', cmd: [node, require.resolve('eslint/bin/eslint.js', { paths: [REPO] }), '.'] },
    { name: 'type-check the scripts (tsc -p scripts: checkJs)', cmd: [node, require.resolve('typescript/bin/tsc', { paths: [REPO] }), '-p', 'scripts'] },
    { name: 'notebook output policy', cmd: [node, 'scripts/notebooks/check.js'] },
  ]),
  // With no file arguments `node --test` would search the whole tree, so never call it without any.
  unitTests.length
    ? { name: `unit tests (${unitTests.length} file(s))${bothPaths ? ', native BLAS (AELAB_NATIVE=1)' : ''}`, cmd: [node, '--test', '--test-reporter=spec', ...unitTests], env: bothPaths ? { AELAB_NATIVE: '1' } : {} }
    : { name: 'unit tests (no test files found)', cmd: [node, '-e', ''] },
  ...(bothPaths && libTests.length ? [{ name: `lib unit tests on wasm alone (AELAB_NATIVE=0, ${libTests.length} file(s))`, cmd: [node, '--test', '--test-reporter=spec', ...libTests], env: { AELAB_NATIVE: '0' } }] : []),
  ...(quick || libOnly ? [] : [
    { name: 'notebooks: execute and export to site/', cmd: [node, 'scripts/html/export.js'] },
    { name: 'browser test of site/', cmd: [node, '--test', '--test-reporter=spec', BROWSER_TEST], env: { AELAB_SITE_DIR: 'site' } },
  ]),
];

const failed = [];
const t0 = Date.now();
if (!bothPaths) console.log(`test: lib tests run once, on wasm alone (${process.env.AELAB_NATIVE === '0' ? 'AELAB_NATIVE=0' : 'the native BLAS addon is not built: node native/build.js --verbose'}).`);
for (const [i, step] of steps.entries()) {
  console.log(`\n=== step ${i + 1}/${steps.length}: ${step.name} ===`);
  const start = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: REPO, stdio: 'inherit', env: { ...process.env, ...(step.env || {}) } });
  const secs = ((Date.now() - start) / 1000).toFixed(1);
  const ok = r.status === 0;
  console.log(`=== step ${i + 1}/${steps.length}: ${step.name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${secs} s ===`);
  if (!ok) {
    failed.push(step.name);
    if (step.required) { console.log(`test: stopping: later steps need "${step.name}".`); break; }
  }
}
const total = ((Date.now() - t0) / 1000).toFixed(1);
if (failed.length) {
  console.log(`\nnpm test: FAILED in ${total} s; failed step(s): ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\nnpm test: all ${steps.length} steps passed in ${total} s${quick ? ' (--quick: notebooks not run)' : ''}`);
