#!/usr/bin/env node
/**
 * `npm test`: everything CI checks, in order, with a summary of which steps failed.
 *   1. build the library (tsc -b lib)           — stops here on failure
 *   2. register the kernel (scripts/kernel.js)  — stops here on failure
 *   3. output policy of committed notebooks (scripts/check-notebooks.js)
 *   4. unit tests: node --test on lib/dist/test/*.test.js and scripts/test/*.test.js (not the browser test)
 *   5. execute every notebook and export it to site/ (scripts/html.js: a failing cell fails the step;
 *      executed copies land in out/executed/)
 *   6. the browser test on that site (scripts/test/browser.test.js with AELAB_SITE_DIR=site), so
 *      notebooks are executed once, not twice
 * `npm test -- --quick` skips steps 5 and 6. Exit status is non-zero if any step failed.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { REPO } = require('./kernel');

const args = process.argv.slice(2);
const unknown = args.filter(a => a !== '--quick');
if (unknown.length) {
  console.error(`test: unknown option ${unknown.join(' ')}; usage: npm test [-- --quick]`);
  process.exit(2);
}
const quick = args.includes('--quick');

/** The *.test.js files directly in `dir` (none when it does not exist yet). */
function testFiles(dir) {
  const abs = path.join(REPO, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs).filter(f => f.endsWith('.test.js')).sort().map(f => path.join(dir, f));
}

const node = process.execPath;
const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO] });
const BROWSER_TEST = path.join('scripts', 'test', 'browser.test.js');
const unitTests = [...testFiles('lib/dist/test'), ...testFiles('scripts/test')].filter(f => f !== BROWSER_TEST);
const steps = [
  { name: 'build lib', cmd: [node, tsc, '-b', 'lib'], required: true },
  { name: 'kernel', cmd: [node, 'scripts/kernel.js'], required: true },
  { name: 'notebook output policy', cmd: [node, 'scripts/check-notebooks.js'] },
  // With no file arguments `node --test` would search the whole tree, so never call it without any.
  unitTests.length
    ? { name: `unit tests (${unitTests.length} file(s))`, cmd: [node, '--test', '--test-reporter=spec', ...unitTests] }
    : { name: 'unit tests (no test files found)', cmd: [node, '-e', ''] },
  ...(quick ? [] : [
    { name: 'notebooks: execute and export to site/', cmd: [node, 'scripts/html.js'] },
    { name: 'browser test of site/', cmd: [node, '--test', '--test-reporter=spec', BROWSER_TEST], env: { AELAB_SITE_DIR: 'site' } },
  ]),
];

const failed = [];
const t0 = Date.now();
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
