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

test('the notebook runners do not import rfc3987_syntax, and nbformat still rejects a bad notebook', t => {
  const { spawnSync } = require('child_process');
  const py = setup.findNbclientPython();
  if (!py) {
    t.skip('no Python with nbclient (npm run setup)');
    return;
  }
  // What run_notebooks.py and grade_run.py do first: import the shared module, then nbformat and nbclient.
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(path.join(paths.REPO, 'scripts', 'common'))})`,
    'import kernel_client, nbformat, nbclient',
    'from jsonschema import ValidationError',
    `good = nbformat.read(${JSON.stringify(path.join(paths.REPO, 'notebooks', '00-getting-started.ipynb'))}, as_version=4)`,
    'nbformat.validate(good)',
    'bad = nbformat.from_dict(json.loads(json.dumps(good)))',
    'bad.cells[0]["cell_type"] = "bogus"',
    'try:',
    '    nbformat.validate(bad)',
    '    rejected = False',
    'except ValidationError:',
    '    rejected = True',
    'print(json.dumps({"loaded": sys.modules.get("rfc3987_syntax") is not None, "rejected": rejected}))',
  ].join('\n');
  const r = spawnSync(py, ['-c', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { loaded: false, rejected: true });
});
