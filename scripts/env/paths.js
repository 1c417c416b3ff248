/**
 * Where things are, for every script: the repository root, the project-local Jupyter setup and
 * the project's Python environment.
 *
 * Everything Jupyter reads or writes for this project lives under `<repo>/.jupyter/`, and the
 * Python packages (JupyterLab, Notebook, nbconvert, plotly, our exporter) under `<repo>/.venv/`,
 * so two checkouts never share or overwrite each other's kernel or packages, and the user's own
 * Jupyter and Python are untouched.
 */
'use strict';
const path = require('path');

const REPO = path.resolve(__dirname, '..', '..');
const JUPYTER_DIR = path.join(REPO, '.jupyter');
const KERNEL_NAME = 'aelab-ts';
const KERNEL_DISPLAY_NAME = 'TypeScript (Adversarial Examples Lab)';
const TSLAB = path.join(REPO, 'node_modules', '.bin', 'tslab');
const VENV = path.join(REPO, '.venv');
const REQUIREMENTS = path.join(REPO, 'requirements.txt');
/** Our nbconvert exporter (`--to aelab`), a Python package pip installs into the .venv. */
const EXPORTER_PACKAGE = path.join(REPO, 'scripts', 'html', 'nbconvert');

/** A program in the project's .venv (bin/ on Unix, Scripts\ on Windows). */
function venvBin(name) {
  return process.platform === 'win32' ? path.join(VENV, 'Scripts', name ? `${name}.exe` : '') : path.join(VENV, 'bin', name);
}

/**
 * The environment to start Jupyter with: `base` plus the four Jupyter directories pointed into
 * `<repo>/.jupyter/`, so Jupyter finds the `aelab-ts` kernel and keeps its config, data and
 * runtime files inside this checkout; the .venv's programs and this node first on PATH, and
 * AELAB_REPO / AELAB_NODE for the `aelab` exporter (which runs scripts/html/export.js).
 */
function jupyterEnv(base = process.env) {
  const PATH = [venvBin(''), path.dirname(process.execPath), base.PATH || ''].filter(Boolean).join(path.delimiter);
  return {
    ...base,
    PATH,
    AELAB_REPO: REPO,
    AELAB_NODE: process.execPath,
    JUPYTER_PATH: JUPYTER_DIR,
    JUPYTER_CONFIG_DIR: path.join(JUPYTER_DIR, 'config'),
    JUPYTER_DATA_DIR: path.join(JUPYTER_DIR, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(JUPYTER_DIR, 'runtime'),
  };
}

module.exports = {
  REPO,
  JUPYTER_DIR,
  KERNEL_NAME,
  KERNEL_DISPLAY_NAME,
  TSLAB,
  VENV,
  REQUIREMENTS,
  EXPORTER_PACKAGE,
  venvBin,
  jupyterEnv,
};
