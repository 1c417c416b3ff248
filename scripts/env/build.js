#!/usr/bin/env node
/**
 * Builds the library (`tsc -b lib`) after deleting compiled files whose source is gone, so a file
 * moved or removed in lib/src or lib/test never lingers in lib/dist (where its old test would
 * still run and its old module still load). `npm run build`, `npm ci` (prepare) and `npm test`.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { REPO } = require('./paths');

const LIB = path.join(REPO, 'lib');
const DIST = path.join(LIB, 'dist');

/** Deletes lib/dist/<x>.{js,d.ts,js.map,d.ts.map} without a lib/<x>.ts; returns how many. */
function removeStale(dir = DIST) {
  if (!fs.existsSync(dir)) return 0;
  let removed = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) {
      removed += removeStale(abs);
      if (fs.readdirSync(abs).length === 0) fs.rmdirSync(abs);
      continue;
    }
    const m = /^(.*?)(\.d\.ts\.map|\.d\.ts|\.js\.map|\.js)$/.exec(e.name);
    if (!m) continue;
    const source = path.join(LIB, path.relative(DIST, dir), `${m[1]}.ts`);
    if (!fs.existsSync(source)) {
      fs.unlinkSync(abs);
      removed++;
    }
  }
  return removed;
}

module.exports = { removeStale };

if (require.main === module) {
  const removed = removeStale();
  // tsc -b skips a build it thinks is up to date; after deleting outputs it must rebuild.
  if (removed) fs.rmSync(path.join(LIB, 'tsconfig.tsbuildinfo'), { force: true });
  const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO] });
  const r = spawnSync(process.execPath, [tsc, '-b', LIB, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (removed) console.log(`build: removed ${removed} stale file(s) from lib/dist`);
  process.exit(r.status ?? 1);
}
