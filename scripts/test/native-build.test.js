// native/build.js, run by npm ci's prepare: a failed build of the optional BLAS addon is one line
// of notice and exit status 0 (npm ci goes on), AELAB_NATIVE=0 skips it. Runs on a copy of native/.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO } = require('../env/paths');

function copyOfNative() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-native-'));
  for (const f of ['binding.gyp', 'build.js', 'index.js', 'package.json']) fs.copyFileSync(path.join(REPO, 'native', f), path.join(dir, f));
  fs.cpSync(path.join(REPO, 'native', 'src'), path.join(dir, 'src'), { recursive: true });
  return dir;
}
const build = (dir, env) =>
  spawnSync(process.execPath, [path.join(dir, 'build.js')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 300000,
    env: { ...process.env, ...env },
  });

test('a failing compiler: one line saying so and how to fix it, exit 0, no addon', { timeout: 300000 }, () => {
  const dir = copyOfNative();
  const r = build(dir, { CC: '/bin/false', CXX: '/bin/false', AELAB_NATIVE: '' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stdout}`);
  assert.match(lines[0], /^aelab-native: not built \(.+\); matrix products run on wasm\. .*node native\/build\.js --verbose/);
  assert.equal(r.stderr, '', 'nothing on stderr');
  assert.equal(fs.existsSync(path.join(dir, 'build', 'Release', 'aelab_blas.node')), false);
  const loaded = require(path.join(dir, 'index.js'));
  assert.equal(loaded.addon, null);
  assert.match(loaded.reason, /not built/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('AELAB_NATIVE=0 skips the build', () => {
  const dir = copyOfNative();
  const r = build(dir, { AELAB_NATIVE: '0' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), 'aelab-native: skipped (AELAB_NATIVE=0).');
  assert.equal(fs.existsSync(path.join(dir, 'build')), false);
  fs.rmSync(dir, { recursive: true, force: true });
});
