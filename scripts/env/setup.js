#!/usr/bin/env node
/**
 * Makes sure this checkout has its Jupyter and that the project kernel is registered, and says
 * what it found or did. `npm run setup` runs it; `npm start` and `npm test` call `ensureJupyter()`.
 *
 * The project's Jupyter lives in `<repo>/.venv/` (a Python virtual environment, nothing global):
 * the packages pinned in requirements.txt (JupyterLab 4, Notebook 7, nbconvert 7, plotly for its
 * JupyterLab extension) plus our nbconvert exporter (scripts/html/nbconvert), installed with pip.
 * It is (re)installed when missing or when requirements.txt or the exporter changed (a stamp file
 * in .venv/ remembers what was installed). Two checkouts have two independent .venv folders.
 *
 * Only when that fails (no Python with venv, pip cannot reach an index) does it fall back, and
 * says so: to a JupyterLab/Notebook already on the machine, and last to Debian's packages
 * (Notebook 6.4: plots of reopened notebooks need re-running there, and it has no `aelab` export).
 *
 *   node scripts/env/setup.js                       set up (also: npm run setup)
 *   node scripts/env/setup.js --print-apt-packages  the Debian packages a fresh machine needs for it
 */
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { REPO, VENV, REQUIREMENTS, EXPORTER_PACKAGE, venvBin } = require('./paths');
const { writeKernel } = require('./kernel');

/** Debian packages `python3 -m venv` needs (ensurepip), for .ci/run and fresh machines. */
const VENV_APT_PACKAGES = ['python3-venv'];
/** The last fallback: Debian's Notebook 6.4, the notebook runner (nbclient) and nbconvert. */
const FALLBACK_APT_PACKAGES = ['jupyter-notebook', 'jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel'];

/** Pythons that may create the .venv, in order (any Python >= 3.9 with the venv module). */
const PYTHONS = ['python3', '/usr/bin/python3', 'python'];
const STAMP = path.join(VENV, '.aelab-installed');

function ok(cmd, args, timeoutMs = 20000) {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: timeoutMs });
  return r.status === 0;
}

function run(cmd, args) {
  console.log(`setup: running: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  return r.status === 0;
}

/** What the .venv must hold: a hash of requirements.txt and of the exporter's files. */
function wantedStamp() {
  const h = crypto.createHash('sha256');
  h.update(fs.readFileSync(REQUIREMENTS));
  const walk = dir => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === '__pycache__' || e.name.endsWith('.egg-info') || e.name === 'build') continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else {
        h.update(path.relative(EXPORTER_PACKAGE, abs));
        h.update(fs.readFileSync(abs));
      }
    }
  };
  walk(EXPORTER_PACKAGE);
  return h.digest('hex');
}

/** The .venv's JupyterLab as a launch command, when it is installed and up to date. */
function venvJupyter() {
  let stamp = null;
  try {
    stamp = fs.readFileSync(STAMP, 'utf8').trim();
  } catch {
    /* not installed */
  }
  if (stamp !== wantedStamp() || !fs.existsSync(venvBin('jupyter-lab'))) return null;
  return { kind: 'lab', cmd: venvBin('jupyter-lab'), args: [], venv: true };
}

/** Creates or updates the .venv with pip. Returns null on success, else why it failed. */
function installVenv() {
  const py = venvBin('python');
  if (!fs.existsSync(py)) {
    const base = PYTHONS.find(p => ok(p, ['-c', 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 9))']));
    if (!base)
      return `no Python >= 3.9 with the venv module (tried ${PYTHONS.join(', ')}); on Debian/Ubuntu: sudo apt-get install ${VENV_APT_PACKAGES.join(' ')}`;
    console.log(`setup: creating the project's Python environment ${path.relative(REPO, VENV)}/ with ${base}`);
    if (!run(base, ['-m', 'venv', VENV])) return `${base} -m venv ${VENV} failed (see above)`;
  }
  console.log(
    `setup: installing JupyterLab, Notebook, nbconvert and plotly (requirements.txt) and the aelab exporter into ${path.relative(REPO, VENV)}/`,
  );
  if (!run(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '-r', REQUIREMENTS]))
    return 'pip could not install requirements.txt (see its message above)';
  if (!run(py, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-deps', '--force-reinstall', EXPORTER_PACKAGE]))
    return 'pip could not install scripts/html/nbconvert (see above)';
  fs.writeFileSync(STAMP, wantedStamp() + '\n');
  return null;
}

/** A Jupyter installed on the machine (outside .venv), Lab before Notebook: the fallback. */
function systemJupyter() {
  const list = [];
  for (const py of ['/usr/bin/python3', 'python3']) list.push({ kind: 'lab', cmd: py, args: ['-m', 'jupyterlab'] });
  for (const py of ['/usr/bin/python3', 'python3']) list.push({ kind: 'notebook', cmd: py, args: ['-m', 'notebook'] });
  for (const c of list) {
    const r = spawnSync(c.cmd, [...c.args, '--version'], { encoding: 'utf8', timeout: 20000 });
    if (r.status === 0) return { ...c, version: r.stdout.trim(), venv: false };
  }
  return null;
}

/** `[]` when root, `['sudo', '-n']` when passwordless sudo works, else null. */
function rootPrefix() {
  if (process.getuid && process.getuid() === 0) return [];
  if (ok('sudo', ['-n', 'true'])) return ['sudo', '-n'];
  return null;
}

function installFallbackApt() {
  const prefix = fs.existsSync('/etc/debian_version') && ok('apt-get', ['--version']) ? rootPrefix() : null;
  if (!prefix) return false;
  console.log(`setup: installing Debian's Jupyter Notebook as a fallback: ${FALLBACK_APT_PACKAGES.join(' ')}`);
  const [cmd, ...pre] = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
  return run(cmd, [...pre, 'install', '-y', ...FALLBACK_APT_PACKAGES]);
}

function describe(j) {
  const what = j.kind === 'lab' ? 'JupyterLab' : 'Jupyter Notebook';
  return j.venv
    ? `${what} in ${path.relative(REPO, VENV)}/ (${path.relative(REPO, j.cmd)})`
    : `${what}${j.version ? ` ${j.version}` : ''} (${[j.cmd, ...j.args].join(' ')})`;
}

/**
 * The Python to run nbclient/nbconvert with: the .venv's, else a system one that has them, or null.
 * The probe skips rfc3987_syntax as the runners do (scripts/common/kernel_client.py): 1.4 s less.
 */
function findNbclientPython() {
  for (const py of [venvBin('python'), '/usr/bin/python3', 'python3']) {
    if (
      (py === venvBin('python') ? fs.existsSync(py) : true) &&
      ok(py, ['-c', 'import sys; sys.modules["rfc3987_syntax"] = None; import nbclient, nbconvert, nbformat'])
    )
      return py;
  }
  return null;
}

/**
 * Finds the project's JupyterLab in .venv, installing it if needed, else a fallback (saying so);
 * registers the kernel. Returns `{ kind, cmd, args, venv }` or null (after printing what to do).
 */
async function ensureJupyter() {
  let j = venvJupyter();
  if (j) console.log(`setup: found ${describe(j)}`);
  else {
    const why = installVenv();
    j = why ? null : venvJupyter();
    if (j) console.log(`setup: installed ${describe(j)}`);
    else {
      console.log(`setup: could not set up JupyterLab in ${path.relative(REPO, VENV)}/: ${why || 'it is still missing after pip install'}`);
      j = systemJupyter() || (installFallbackApt() ? systemJupyter() : null);
      if (j) {
        console.log(
          `setup: FALLBACK: using ${describe(j)} from this machine instead. ` +
            `${j.kind === 'notebook' ? 'Classic Notebook draws plots of reopened (untrusted) notebooks only after re-running them, and ' : ''}` +
            'File → Save and Export offers no "Offline HTML (Adversarial Examples Lab)" (use `npm run html`). Fix the problem above and run `npm run setup` to get the tested JupyterLab.',
        );
      } else {
        console.log(
          [
            'setup: no Jupyter could be installed. Fix the problem above, then run `npm start` again. Needed:',
            `  - Python >= 3.9 with venv and pip reaching a package index (Debian/Ubuntu: sudo apt-get install ${VENV_APT_PACKAGES.join(' ')})`,
          ].join('\n'),
        );
      }
    }
  }
  const k = writeKernel();
  console.log(`setup: kernel aelab-ts ${k.changed ? 'registered in' : 'already registered in'} ${path.relative(REPO, k.file)}`);
  return j;
}

module.exports = {
  VENV_APT_PACKAGES,
  FALLBACK_APT_PACKAGES,
  venvJupyter,
  installVenv,
  systemJupyter,
  findNbclientPython,
  ensureJupyter,
  describe,
};

if (require.main === module) {
  if (process.argv.includes('--print-apt-packages')) {
    console.log(VENV_APT_PACKAGES.join(' '));
  } else {
    ensureJupyter().then(j => {
      process.exitCode = j && j.venv ? 0 : 1;
    });
  }
}
