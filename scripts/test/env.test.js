// The project's environment: kernelspec, JupyterLab page config, the Jupyter environment variables
// and the .venv stamp (scripts/env/).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const paths = require('../env/paths');
const { kernelSpec, pageConfig } = require('../env/kernel');
const setup = require('../env/setup');

test("the kernelspec starts this checkout's tslab and says it has no debugger", () => {
  const k = kernelSpec();
  assert.equal(k.argv[0], path.join(paths.REPO, 'node_modules', '.bin', 'tslab'));
  assert.deepEqual(k.argv.slice(1), ['kernel', '--config-path', '{connection_file}']);
  assert.equal(k.metadata.debugger, false);
  assert.deepEqual(pageConfig().disabledExtensions, { '@jupyterlab/debugger-extension': true });
});

test('jupyterEnv points Jupyter into this checkout and puts the .venv first on PATH', () => {
  const env = /** @type {Record<string, string>} */ (paths.jupyterEnv({ PATH: '/usr/bin', HOME: '/home/x' }));
  assert.equal(env.HOME, '/home/x');
  assert.equal(env.JUPYTER_PATH, path.join(paths.REPO, '.jupyter'));
  for (const k of ['JUPYTER_CONFIG_DIR', 'JUPYTER_DATA_DIR', 'JUPYTER_RUNTIME_DIR']) {
    assert.ok(env[k].startsWith(path.join(paths.REPO, '.jupyter') + path.sep), `${k}=${env[k]}`);
  }
  const dirs = env.PATH.split(path.delimiter);
  assert.equal(dirs[0], paths.venvBin(''));
  assert.equal(dirs[dirs.length - 1], '/usr/bin');
  assert.equal(env.AELAB_REPO, paths.REPO);
  assert.equal(env.AELAB_NODE, process.execPath);
});

test('requirements.txt pins the tested JupyterLab, Notebook, nbconvert and plotly', () => {
  const req = fs.readFileSync(paths.REQUIREMENTS, 'utf8');
  for (const pin of ['jupyterlab==4.', 'notebook==7.', 'nbconvert==7.', 'plotly==']) assert.ok(req.includes(pin), pin);
  const lines = req.split('\n').filter(l => l.trim() && !l.startsWith('#'));
  assert.deepEqual(
    lines.filter(l => !/^[\w.-]+==[\w.]+$/.test(l)),
    [],
    'every requirement is pinned with ==',
  );
  assert.ok(fs.existsSync(path.join(paths.EXPORTER_PACKAGE, 'pyproject.toml')));
  assert.match(
    fs.readFileSync(path.join(paths.EXPORTER_PACKAGE, 'pyproject.toml'), 'utf8'),
    /\[project\.entry-points\."nbconvert\.exporters"\]\s*\naelab = "aelab_nbconvert:AelabHTMLExporter"/,
  );
});

test('setup prints the Debian packages .ci/run installs for the .venv', () => {
  assert.deepEqual(setup.VENV_APT_PACKAGES, ['python3-venv']);
  const r = require('child_process').spawnSync(
    process.execPath,
    [path.join(paths.REPO, 'scripts', 'env', 'setup.js'), '--print-apt-packages'],
    { encoding: 'utf8' },
  );
  assert.equal(r.stdout.trim(), 'python3-venv');
});
