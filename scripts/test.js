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
 *   6. every notebook through JupyterLab 4's UI, and one through Notebook 7's
 *      (scripts/test/jupyterlab.test.js): Run All, no cell error, plots drawn, progress updated in
 *      place, the ε explorer's slider, save, the menu export (→ out/lab/export/), the untrusted
 *      reopened copy; saved copies land in out/executed/. This replaces executing the notebooks
 *      with nbclient: each notebook runs once, in the front end our users have.
 *   7. the offline checks on the pages exported from JupyterLab's menu (scripts/test/browser.test.js
 *      with AELAB_SITE_DIR=out/lab/export)
 * `npm test -- --quick` skips steps 6 and 7; `npm run test:lib` (`--lib`) runs steps 1 and 5 for lib/ only. Exit status is non-zero if any step failed.
 *
 * Skipped checks are counted (node --test also writes TAP to out/test-reports/) and listed at the
 * end with their reason and the command that fixes it; then the summary says "N skipped", never
 * "all passed". With CI=true a skipped check fails the run: CI installs everything they need.
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
const libOnly = args.includes('--lib'); // npm run test:lib: build, then the library's tests

/** The *.test.js files in `dir` and its subfolders, fixtures excepted (none if `dir` is missing). */
function testFiles(dir) {
  const abs = path.join(REPO, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true })
    .map(String)
    .filter(f => f.endsWith('.test.js') && !f.split(path.sep).includes('fixtures'))
    .sort()
    .map(f => path.join(dir, f));
}

/** Whether the native BLAS addon is built and loads (native/build.js, run by npm ci's prepare). */
function nativeBuilt() {
  try {
    return !!require(path.join(REPO, 'native')).addon;
  } catch {
    return false;
  }
}

const node = process.execPath;
const BROWSER_TEST = path.join('scripts', 'test', 'browser.test.js');
const LAB_TEST = path.join('scripts', 'test', 'jupyterlab.test.js');
const REPORTS = path.join(REPO, 'out', 'test-reports');
const libTests = testFiles('lib/dist/test');
const unitTests = [...libTests, ...(libOnly ? [] : testFiles('scripts/test'))].filter(f => f !== BROWSER_TEST && f !== LAB_TEST);
const wasmOnlyTests = libTests.filter(f => !/native(Blas|Ops)\.test\.js$/.test(f));
// Both paths of the matrix products when the addon is built, unless AELAB_NATIVE=0 asks for wasm only.
const bothPaths = process.env.AELAB_NATIVE !== '0' && nativeBuilt();
/** `node --test` with the spec reporter on the terminal and TAP in out/test-reports/<tap> (for the skip count). */
const nodeTest = (tap, ...files) => [
  node,
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${path.join(REPORTS, tap)}`,
  ...files,
];
const steps = [
  { name: 'build lib', cmd: [node, 'scripts/env/build.js'], required: true },
  ...(libOnly
    ? []
    : [
        { name: 'kernel', cmd: [node, 'scripts/env/kernel.js'], required: true },
        {
          name: 'lint (eslint .)',
          cmd: [node, path.join(path.dirname(require.resolve('eslint/package.json', { paths: [REPO] })), 'bin', 'eslint.js'), '.'],
        },
        {
          name: 'format (prettier --check .; fix: npm run format)',
          cmd: [
            node,
            path.join(path.dirname(require.resolve('prettier/package.json', { paths: [REPO] })), 'bin', 'prettier.cjs'),
            '--check',
            '.',
          ],
        },
        {
          name: 'type-check the scripts (tsc -p scripts: checkJs)',
          cmd: [node, require.resolve('typescript/bin/tsc', { paths: [REPO] }), '-p', 'scripts'],
        },
        { name: 'notebook output policy', cmd: [node, 'scripts/notebooks/check.js'] },
      ]),
  // With no file arguments `node --test` would search the whole tree, so never call it without any.
  unitTests.length
    ? {
        name: `unit tests (${unitTests.length} file(s))${bothPaths ? ', native BLAS (AELAB_NATIVE=1)' : ''}`,
        cmd: nodeTest('unit.tap', ...unitTests),
        tap: 'unit.tap',
        env: bothPaths ? { AELAB_NATIVE: '1' } : {},
      }
    : { name: 'unit tests (no test files found)', cmd: [node, '-e', ''] },
  ...(bothPaths && libTests.length
    ? [
        {
          // nativeBlas.test.js and nativeOps.test.js compare the two paths themselves and ran in the native pass above.
          name: `lib unit tests on wasm alone (AELAB_NATIVE=0, ${wasmOnlyTests.length} file(s))`,
          cmd: nodeTest('unit-wasm.tap', ...wasmOnlyTests),
          tap: 'unit-wasm.tap',
          env: { AELAB_NATIVE: '0' },
        },
      ]
    : []),
  ...(quick || libOnly
    ? []
    : [
        {
          name: 'notebooks in JupyterLab 4 and Notebook 7, through the UI',
          cmd: nodeTest('jupyterlab.tap', LAB_TEST),
          tap: 'jupyterlab.tap',
        },
        {
          name: "offline checks of the pages exported from JupyterLab's menu",
          cmd: nodeTest('browser.tap', BROWSER_TEST),
          tap: 'browser.tap',
          env: { AELAB_SITE_DIR: path.join('out', 'lab', 'export') },
          needs: 'jupyterlab.tap',
        },
      ]),
];

/** From a TAP file: how many tests ran and which were skipped, with their reasons. */
function readTap(file) {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const skipped = [];
  for (const m of text.matchAll(/^\s*ok \d+ - (.*?) # SKIP ?(.*)$/gm)) skipped.push({ name: m[1], reason: m[2] || 'no reason given' });
  const count = k => Number((new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text) || [])[1] || 0);
  return { tests: count('tests'), skipped, pass: count('pass') };
}

const failed = [];
const skips = []; // { step, name, reason }
const taps = {};
fs.mkdirSync(REPORTS, { recursive: true });
const t0 = Date.now();
if (!bothPaths)
  console.log(
    `test: lib tests run once, on wasm alone (${process.env.AELAB_NATIVE === '0' ? 'AELAB_NATIVE=0' : 'the native BLAS addon is not built: node native/build.js --verbose'}).`,
  );
for (const [i, step] of steps.entries()) {
  console.log(`\n=== step ${i + 1}/${steps.length}: ${step.name} ===`);
  if (step.tap) fs.rmSync(path.join(REPORTS, step.tap), { force: true });
  if (step.needs && taps[step.needs] && taps[step.needs].pass === 0 && taps[step.needs].skipped.length) {
    // Nothing was exported for it to check.
    const reason = taps[step.needs].skipped[0].reason;
    skips.push({ step: step.name, name: 'every check of this step', reason });
    console.log(`=== step ${i + 1}/${steps.length}: ${step.name}: SKIPPED (the step before was skipped: ${reason}) ===`);
    continue;
  }
  const start = Date.now();
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: REPO, stdio: 'inherit', env: { ...process.env, ...(step.env || {}) } });
  const secs = ((Date.now() - start) / 1000).toFixed(1);
  const ok = r.status === 0;
  console.log(`=== step ${i + 1}/${steps.length}: ${step.name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${secs} s ===`);
  if (step.tap) {
    const tap = (taps[step.tap] = readTap(path.join(REPORTS, step.tap)));
    for (const sk of (tap && tap.skipped) || []) skips.push({ step: step.name, ...sk });
  }
  if (!ok) {
    failed.push(step.name);
    if (step.required) {
      console.log(`test: stopping: later steps need "${step.name}".`);
      break;
    }
  }
}
const total = ((Date.now() - t0) / 1000).toFixed(1);
if (skips.length) {
  console.log(`\n${skips.length} check(s) SKIPPED — they did not run, so they did not pass:`);
  const byReason = new Map();
  for (const s of skips) byReason.set(s.reason, [...(byReason.get(s.reason) || []), `${s.step}: ${s.name}`]);
  for (const [reason, names] of byReason) {
    console.log(`  ${names.length} skipped because: ${reason}`);
    for (const n of names.slice(0, 5)) console.log(`      ${n}`);
    if (names.length > 5) console.log(`      … and ${names.length - 5} more`);
  }
}
const skipNote = skips.length ? `, ${skips.length} skipped (see above for the command that fixes each)` : '';
if (failed.length) {
  console.log(`\nnpm test: FAILED in ${total} s; failed step(s): ${failed.join(', ')}${skipNote}`);
  process.exit(1);
}
if (skips.length) {
  console.log(
    `\nnpm test: ${steps.length} steps ran without a failure in ${total} s, but ${skips.length} skipped${skipNote.slice(skipNote.indexOf(' ('))}` +
      `${process.env.CI ? '; CI must run every check, so this is a failure' : ''}`,
  );
  process.exit(process.env.CI ? 1 : 0);
}
console.log(`\nnpm test: all ${steps.length} steps passed in ${total} s${quick ? ' (--quick: notebooks not run)' : ''}`);
