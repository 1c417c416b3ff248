#!/usr/bin/env node
/**
 * `npm start`: gets a fresh clone to a running Jupyter in one command.
 *   1. installs the node dependencies if node_modules is missing (`npm ci`);
 *   2. builds the library if lib/dist is missing (`tsc -b lib`);
 *   3. sets up the project's JupyterLab in .venv/ (pip, requirements.txt) and registers the
 *      `aelab-ts` kernel (scripts/env/setup.js);
 *   4. starts that JupyterLab on 127.0.0.1, serving notebooks/ (a machine Jupyter only as the
 *      fallback setup.js announces).
 * Ctrl-C stops Jupyter cleanly (its kernels included).
 *
 * Options (after `npm start --`): --no-browser, --port N.
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { REPO, jupyterEnv } = require('./paths');
const { ensureJupyter, describe } = require('./setup');
const { UsageError, parse } = require('../common/args');

const USAGE = 'usage: npm start -- [--no-browser] [--port N]';

function parseArgs(argv) {
  let r;
  try {
    r = parse(argv, { 'no-browser': { type: 'boolean' }, port: { type: 'string' } }, { positionals: false });
  } catch (e) {
    if (e instanceof UsageError) fail(`${e.message}\n${USAGE}`);
    throw e;
  }
  if (r.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const opts = { browser: !r.values['no-browser'], port: null };
  const v = r.values.port;
  if (v !== undefined) {
    if (!/^\d+$/.test(v) || +v < 1 || +v > 65535) fail(`--port ${v}: expected a port number 1..65535.\n${USAGE}`);
    opts.port = +v;
  }
  return opts;
}

function fail(msg) {
  console.error(`start: ${msg}`);
  process.exit(2);
}

/** Runs a build step in the repo, stopping `npm start` with a clear message if it fails. */
function step(what, cmd, args) {
  console.log(`start: ${what}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal}); fix the error above and run \`npm start\` again.`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

  if (!fs.existsSync(path.join(REPO, 'node_modules', 'tslab'))) {
    const install = fs.existsSync(path.join(REPO, 'package-lock.json')) ? 'ci' : 'install';
    step('installing node dependencies', npm, [install]);
  }
  if (!fs.existsSync(path.join(REPO, 'lib', 'dist', 'src', 'index.js'))) {
    step('building the library', process.execPath, [require.resolve('typescript/bin/tsc', { paths: [REPO] }), '-b', 'lib']);
  }

  const jupyter = await ensureJupyter();
  if (!jupyter) fail('cannot start without Jupyter (see above).');

  const args = [
    ...jupyter.args,
    '--ip=127.0.0.1',
    `--notebook-dir=${path.join(REPO, 'notebooks')}`,
    ...(opts.port ? [`--port=${opts.port}`] : []),
    ...(opts.browser ? [] : ['--no-browser']),
    // Jupyter refuses to run as root unless told to; containers and CI machines often are root.
    ...(process.getuid && process.getuid() === 0 ? ['--allow-root'] : []),
  ];
  console.log(`start: launching ${describe(jupyter)} on 127.0.0.1, serving notebooks/ (Ctrl-C stops it)`);
  const child = spawn(jupyter.cmd, args, { cwd: REPO, env: jupyterEnv(), stdio: 'inherit' });

  // A terminal Ctrl-C reaches Jupyter too, which would then ask "Shutdown this server (y/[n])?".
  // SIGTERM makes it shut down at once (kernels included), so that is what we send; a second
  // Ctrl-C kills it outright.
  let signals = 0;
  const forward = () => {
    signals++;
    if (signals === 1) {
      console.log('\nstart: stopping Jupyter…');
      child.kill('SIGTERM');
    } else child.kill('SIGKILL');
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', e => fail(`could not run ${jupyter.cmd}: ${e.message}`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 0 : 1)));
}

main();
