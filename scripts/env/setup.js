#!/usr/bin/env node
/**
 * Makes sure Jupyter is available and the project kernel is registered, and says what it found
 * or did. `npm run setup` runs it; `npm start` and `npm test` call `ensureJupyter()`.
 *
 * Order of preference: JupyterLab (`jupyter lab`), else the classic Notebook (`jupyter notebook`).
 * When neither is installed it tries, in order:
 *   1. `pip install --user jupyterlab`, if PyPI answers within a few seconds;
 *   2. the Debian packages (JUPYTER_APT_PACKAGES), if this is a Debian-like machine and we are
 *      root or `sudo` works without a password;
 *   3. otherwise it prints the commands the user has to run.
 *
 * `node scripts/env/setup.js --print-apt-packages` prints the Debian package list (used by .ci/run).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const https = require('https');
const { writeKernel } = require('./kernel');

/** Debian packages that provide Notebook, the notebook runner (nbclient) and its dependencies. */
const JUPYTER_APT_PACKAGES = ['jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel'];

/** Pythons to look in, system Python first: on Debian the apt packages live there, not in pyenv. */
const PYTHONS = ['/usr/bin/python3', 'python3', 'python'];

/** Runs a command quietly; true when it exits 0. */
function ok(cmd, args, timeoutMs = 20000) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: timeoutMs });
  return r.status === 0;
}

/** Candidate launch commands in preference order: Lab before Notebook, module form before script. */
function candidates() {
  const list = [];
  for (const py of PYTHONS) list.push({ kind: 'lab', cmd: py, args: ['-m', 'jupyterlab'] });
  list.push({ kind: 'lab', cmd: 'jupyter-lab', args: [] });
  for (const py of PYTHONS) list.push({ kind: 'notebook', cmd: py, args: ['-m', 'notebook'] });
  list.push({ kind: 'notebook', cmd: 'jupyter-notebook', args: [] });
  return list;
}

/**
 * The Jupyter to launch: `{ kind: 'lab' | 'notebook', cmd, args }` (run as `cmd ...args ...flags`),
 * or null when neither JupyterLab nor Notebook is installed.
 */
function findJupyter() {
  for (const c of candidates()) if (ok(c.cmd, [...c.args, '--version'])) return c;
  return null;
}

/** The first Python that can `import nbclient` (needed by the notebook runner), or null. */
function findNbclientPython() {
  for (const py of PYTHONS) if (ok(py, ['-c', 'import nbclient, nbformat'])) return py;
  return null;
}

/** True if https://pypi.org answers within `timeoutMs` (machines without internet fail fast). */
function pypiReachable(timeoutMs = 4000) {
  return new Promise(resolve => {
    const req = https.request('https://pypi.org/simple/jupyterlab/', { method: 'HEAD', timeout: timeoutMs }, res => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

function isDebianLike() {
  return fs.existsSync('/etc/debian_version') && ok('apt-get', ['--version']);
}

/** `[]` when root, `['sudo', '-n']` when passwordless sudo works, else null. */
function rootPrefix() {
  if (process.getuid && process.getuid() === 0) return [];
  if (ok('sudo', ['-n', 'true'])) return ['sudo', '-n'];
  return null;
}

function run(cmd, args) {
  console.log(`setup: running: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  return r.status === 0;
}

async function installJupyter() {
  if (await pypiReachable()) {
    const py = PYTHONS.find(p => ok(p, ['-m', 'pip', '--version']));
    if (py) {
      console.log(`setup: PyPI is reachable; installing JupyterLab with ${py} -m pip.`);
      if (run(py, ['-m', 'pip', 'install', '--user', 'jupyterlab'])) return true;
      console.log('setup: pip could not install JupyterLab (see its message above).');
    } else {
      console.log('setup: PyPI is reachable but no Python here has pip.');
    }
  } else {
    console.log('setup: PyPI is not reachable from this machine; not using pip.');
  }
  const prefix = isDebianLike() ? rootPrefix() : null;
  if (prefix) {
    console.log(`setup: installing Debian packages: ${JUPYTER_APT_PACKAGES.join(' ')}`);
    const [cmd, ...pre] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
    return run(cmd, [...pre, 'update']) && run(cmd, [...pre, 'install', '-y', ...JUPYTER_APT_PACKAGES]);
  }
  return false;
}

function printManualSteps() {
  console.log([
    'setup: Jupyter is not installed and could not be installed automatically.',
    'Install one of these, then run `npm start` again:',
    '  - JupyterLab:      python3 -m pip install --user jupyterlab',
    `  - Debian/Ubuntu:   sudo apt-get install ${JUPYTER_APT_PACKAGES.join(' ')}`,
    '  - conda:           conda install -c conda-forge jupyterlab',
  ].join('\n'));
}

function describe(j) {
  return `${j.kind === 'lab' ? 'JupyterLab' : 'Jupyter Notebook'} (${[j.cmd, ...j.args].join(' ')})`;
}

/**
 * Finds Jupyter, installing it if needed and possible, and registers the kernel.
 * Returns the `findJupyter()` result, or null (after printing what the user must do).
 */
async function ensureJupyter() {
  let j = findJupyter();
  if (j) {
    console.log(`setup: found ${describe(j)}`);
  } else {
    console.log('setup: neither JupyterLab nor Jupyter Notebook was found.');
    if (await installJupyter()) j = findJupyter();
    if (j) console.log(`setup: installed ${describe(j)}`);
    else printManualSteps();
  }
  const k = writeKernel();
  console.log(`setup: kernel aelab-ts ${k.changed ? 'registered in' : 'already registered in'} ${k.file}`);
  return j;
}

module.exports = { JUPYTER_APT_PACKAGES, findJupyter, findNbclientPython, installJupyter, ensureJupyter, describe };

if (require.main === module) {
  if (process.argv.includes('--print-apt-packages')) {
    console.log(JUPYTER_APT_PACKAGES.join(' '));
  } else {
    ensureJupyter().then(j => {
      if (j && !findNbclientPython()) {
        console.log('setup: note: no Python with nbclient was found, so `npm run test:notebooks` cannot run; ' +
          'install it with `python3 -m pip install --user nbclient` or `apt-get install python3-nbclient`.');
      }
      process.exitCode = j ? 0 : 1;
    });
  }
}
