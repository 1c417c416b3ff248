#!/usr/bin/env node
/**
 * Writes this checkout's Jupyter kernelspec, `.jupyter/kernels/aelab-ts/kernel.json`, which starts
 * the tslab TypeScript kernel installed in this checkout's node_modules. Safe to run any number of
 * times: the file is rewritten only when its content would change.
 *
 * Everything Jupyter reads or writes for this project lives under `<repo>/.jupyter/` (see
 * `paths.js`), so two checkouts never share or overwrite each other's kernel, and nothing in the
 * user's global Jupyter setup is touched.
 *
 * Run by `npm ci`/`npm install` (the `prepare` script), by `npm start` and by `npm test`.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { REPO, JUPYTER_DIR, KERNEL_NAME, KERNEL_DISPLAY_NAME, TSLAB } = require('./paths');

const KERNEL_DIR = path.join(JUPYTER_DIR, 'kernels', KERNEL_NAME);

/**
 * The kernel.json content: tslab from this checkout, by absolute path. `metadata.debugger: false`
 * tells JupyterLab the kernel has no debugger (tslab implements none), so it does not offer one.
 */
function kernelSpec() {
  return {
    argv: [TSLAB, 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    metadata: { debugger: false },
  };
}

/**
 * JupyterLab's page config for this checkout (.jupyter/config/labconfig/page_config.json): the
 * debugger extension is disabled. JupyterLab 4.6's debugger handler calls `displayModules()` after
 * every execute_reply of every kernel, also of one whose kernelspec says `debugger: false`, and
 * each call throws "Error: No active debugger session" into the browser console. tslab has no
 * debugger, so nothing is lost. Only this checkout's JupyterLab reads this file.
 */
const PAGE_CONFIG = path.join(JUPYTER_DIR, 'config', 'labconfig', 'page_config.json');
function pageConfig() {
  return { disabledExtensions: { '@jupyterlab/debugger-extension': true } };
}

/** Writes `file` with `text` if missing or different; true when it wrote. */
function writeIfChanged(file, text) {
  let old = null;
  try {
    old = fs.readFileSync(file, 'utf8');
  } catch {
    /* first run */
  }
  if (old === text) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return true;
}

/** Writes kernel.json (and the page config) if missing or different. Returns where kernel.json is and whether it changed. */
function writeKernel() {
  const file = path.join(KERNEL_DIR, 'kernel.json');
  writeIfChanged(PAGE_CONFIG, JSON.stringify(pageConfig(), null, 1) + '\n');
  return { file, changed: writeIfChanged(file, JSON.stringify(kernelSpec(), null, 1) + '\n') };
}

module.exports = { kernelSpec, pageConfig, PAGE_CONFIG, writeKernel };

if (require.main === module) {
  const { file, changed } = writeKernel();
  const rel = path.relative(process.cwd(), file) || file;
  console.log(`kernel: ${changed ? 'wrote' : 'up to date'} ${rel} ("${KERNEL_DISPLAY_NAME}", name ${KERNEL_NAME})`);
  if (!fs.existsSync(TSLAB)) {
    console.log(`kernel: warning: ${TSLAB} does not exist yet; run \`npm ci\` in ${REPO} so the kernel can start.`);
  }
}
