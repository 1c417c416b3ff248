#!/usr/bin/env node
/**
 * Writes this checkout's Jupyter kernelspec, `.jupyter/kernels/aelab-ts/kernel.json`, which starts
 * the tslab TypeScript kernel installed in this checkout's node_modules. Safe to run any number of
 * times: the file is rewritten only when its content would change.
 *
 * Everything Jupyter reads or writes for this project lives under `<repo>/.jupyter/` (see
 * `jupyterEnv`), so two checkouts never share or overwrite each other's kernel, and nothing in the
 * user's global Jupyter setup is touched.
 *
 * Run by `npm ci`/`npm install` (the `prepare` script), by `npm start` and by `npm test`.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const REPO = path.resolve(__dirname, '..');
const JUPYTER_DIR = path.join(REPO, '.jupyter');
const KERNEL_NAME = 'aelab-ts';
const KERNEL_DISPLAY_NAME = 'TypeScript (Adversarial Examples Lab)';
const KERNEL_DIR = path.join(JUPYTER_DIR, 'kernels', KERNEL_NAME);
const TSLAB = path.join(REPO, 'node_modules', '.bin', 'tslab');

/** The kernel.json content: tslab from this checkout, by absolute path. */
function kernelSpec() {
  return {
    argv: [TSLAB, 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
  };
}

/** Writes kernel.json if missing or different. Returns where it is and whether it changed. */
function writeKernel() {
  const file = path.join(KERNEL_DIR, 'kernel.json');
  const text = JSON.stringify(kernelSpec(), null, 1) + '\n';
  let old = null;
  try { old = fs.readFileSync(file, 'utf8'); } catch { /* first run */ }
  if (old === text) return { file, changed: false };
  fs.mkdirSync(KERNEL_DIR, { recursive: true });
  fs.writeFileSync(file, text);
  return { file, changed: true };
}

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

module.exports = { REPO, JUPYTER_DIR, KERNEL_NAME, KERNEL_DISPLAY_NAME, TSLAB, kernelSpec, writeKernel, jupyterEnv };

if (require.main === module) {
  const { file, changed } = writeKernel();
  const rel = path.relative(process.cwd(), file) || file;
  console.log(`kernel: ${changed ? 'wrote' : 'up to date'} ${rel} ("${KERNEL_DISPLAY_NAME}", name ${KERNEL_NAME})`);
  if (!fs.existsSync(TSLAB)) {
    console.log(`kernel: warning: ${TSLAB} does not exist yet; run \`npm ci\` in ${REPO} so the kernel can start.`);
  }
}
