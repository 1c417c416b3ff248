#!/usr/bin/env node
/**
 * `npm run test:notebooks [-- options]`: executes every notebook with the `aelab-ts` kernel via
 * scripts/notebooks/run_notebooks.py (nbclient), after registering the kernel. Options pass through:
 *   npm run test:notebooks -- notebooks/00-getting-started.ipynb --timeout 300 --jobs 2
 * Executed copies land in out/executed/; the source notebooks are not modified.
 */
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');
const { REPO, jupyterEnv } = require('../env/paths');
const { writeKernel } = require('../env/kernel');
const { findNbclientPython } = require('../env/setup');

writeKernel();
const python = findNbclientPython();
if (!python) {
  console.error('run-notebooks: no Python with nbclient found (tried /usr/bin/python3, python3, python). ' +
    'Run `npm run setup`, or install it: `apt-get install python3-nbclient` or `python3 -m pip install --user nbclient`.');
  process.exit(2);
}
// `npm run` changes to the repo root; notebook paths are meant relative to where the user typed.
const here = process.env.INIT_CWD || process.cwd();
const args = process.argv.slice(2).map(a => (a.endsWith('.ipynb') ? path.resolve(here, a) : a));
const r = spawnSync(python, [path.join(__dirname, 'run_notebooks.py'), ...args], {
  cwd: REPO, env: jupyterEnv(), stdio: 'inherit',
});
process.exit(r.status ?? 1);
