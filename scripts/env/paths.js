/**
 * Where things are, for every script: the repository root and the project-local Jupyter setup.
 * Everything Jupyter reads or writes for this project lives under `<repo>/.jupyter/`, so two
 * checkouts never share or overwrite each other's kernel, and the user's own Jupyter is untouched.
 */
'use strict';
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const JUPYTER_DIR = path.join(REPO, '.jupyter');
const KERNEL_NAME = 'aelab-ts';
const KERNEL_DISPLAY_NAME = 'TypeScript (Adversarial Examples Lab)';
const TSLAB = path.join(REPO, 'node_modules', '.bin', 'tslab');

/**
 * The environment to start Jupyter with: `base` plus the four Jupyter directories pointed into
 * `<repo>/.jupyter/`, so Jupyter finds the `aelab-ts` kernel and keeps its config, data and
 * runtime files inside this checkout.
 */
function jupyterEnv(base = process.env) {
  return {
    ...base,
    JUPYTER_PATH: JUPYTER_DIR,
    JUPYTER_CONFIG_DIR: path.join(JUPYTER_DIR, 'config'),
    JUPYTER_DATA_DIR: path.join(JUPYTER_DIR, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(JUPYTER_DIR, 'runtime'),
  };
}

module.exports = { REPO, JUPYTER_DIR, KERNEL_NAME, KERNEL_DISPLAY_NAME, TSLAB, jupyterEnv };
