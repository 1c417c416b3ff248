#!/usr/bin/env node
/**
 * Builds the optional native BLAS addon (binding.gyp) with node-gyp, from the root package's
 * `prepare` script, so a fresh `npm ci` builds it (npm does not run a dependency's install scripts
 * unless approved; the root's own `prepare` does run). The addon is optional: when the build fails
 * (no compiler, no BLAS headers, no Node headers) this prints one line saying why and how to get it,
 * and exits 0; the library then runs on wasm alone.
 *   node native/build.js            build (quiet; the full log goes to native/build/build.log)
 *   node native/build.js --verbose  also print node-gyp's output
 * AELAB_NATIVE=0 skips the build (and, at run time, the addon).
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const DIR = __dirname;
const LOG = path.join(DIR, 'build', 'build.log');
const verbose = process.argv.includes('--verbose');

function nodeGyp() {
  // npm sets npm_config_node_gyp for its scripts; otherwise use the node-gyp bundled with npm.
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    /* not installed as a package */
  }
  return candidates.find(c => c && fs.existsSync(c)) || null;
}

function notice(why) {
  console.log(
    `aelab-native: not built (${why}); matrix products run on wasm. For the native path install a C compiler and ` +
      `${process.platform === 'darwin' ? 'the Xcode command line tools' : 'libopenblas-dev'}, then run \`node native/build.js --verbose\`.`,
  );
}

function main() {
  if (process.env.AELAB_NATIVE === '0') {
    console.log('aelab-native: skipped (AELAB_NATIVE=0).');
    return;
  }
  const gyp = nodeGyp();
  if (!gyp) return notice('node-gyp not found');
  fs.mkdirSync(path.dirname(LOG), { recursive: true });
  const args = [gyp, 'rebuild', '--release'];
  // Offline: build against the headers installed with this Node (npm sets npm_config_nodedir here).
  const prefix = path.join(path.dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')))
    args.push(`--nodedir=${path.resolve(prefix)}`);
  const r = spawnSync(process.execPath, args, { cwd: DIR, encoding: 'utf8', env: process.env });
  const out = `${r.stdout || ''}${r.stderr || ''}${r.error ? String(r.error) : ''}`;
  try {
    fs.writeFileSync(LOG, out);
  } catch {
    /* the build dir may be gone after a failed configure */
  }
  if (verbose) process.stdout.write(out);
  if (r.status !== 0) {
    const err =
      out.split('\n').find(l => /error|not found|No such file/i.test(l) && !/gyp info/.test(l)) || `node-gyp exit ${r.status ?? r.signal}`;
    return notice(err.trim().slice(0, 140));
  }
  // Load it once: a library that links but cannot load (wrong BLAS at run time) is a failed build too.
  try {
    const addon = require(path.join(DIR, 'build', 'Release', 'aelab_blas.node'));
    console.log(`aelab-native: built (${addon.config().split(' ').slice(0, 2).join(' ')}).`);
  } catch (e) {
    notice(`built but does not load: ${String(e.message).split('\n')[0].slice(0, 120)}`);
  }
}

try {
  main();
} catch (e) {
  notice(String(e && e.message).split('\n')[0]);
}
