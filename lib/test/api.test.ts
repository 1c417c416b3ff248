// The house rules of lib/src, checked: each folder imports only the folders before it, the public
// API (`ae.<name>`) is the curated list in index.ts with internals kept out of it, and every name
// a notebook calls is public.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as ae from '../src/index';
import { PROJECT_DIR } from '../src/internals';

const SRC = path.join(PROJECT_DIR, 'lib', 'src');
/** Folder → the folders it may import (see each folder's index.ts header and README "Layout"). */
const MAY_IMPORT: Record<string, string[]> = {
  core: [],
  runtime: ['core'],
  data: ['core'],
  models: ['core', 'runtime', 'data'],
  attacks: ['core', 'runtime', 'data', 'models'],
  measures: ['core', 'data', 'models', 'attacks'],
  viz: ['core', 'data', 'models', 'attacks', 'measures'],
  report: ['core', 'measures', 'viz'],
  training: ['core', 'runtime', 'data', 'models', 'attacks', 'measures', 'viz', 'report'],
  zoo: ['core', 'runtime', 'data', 'models', 'attacks', 'measures', 'viz', 'report', 'training'],
  coursework: ['core'],
};

test('every lib/src folder imports only the folders it may (no upward imports, no cycles between folders)', () => {
  const folders = fs
    .readdirSync(SRC, { withFileTypes: true })
    .filter(e => e.isDirectory())
    .map(e => e.name)
    .sort();
  assert.deepEqual(folders, Object.keys(MAY_IMPORT).sort(), 'a new folder needs its place in MAY_IMPORT and in the README');
  const bad: string[] = [];
  for (const folder of folders) {
    for (const file of fs.readdirSync(path.join(SRC, folder)).filter(f => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(SRC, folder, file), 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s+'(\.[^']*)'/g)) {
        const target = path.relative(SRC, path.resolve(SRC, folder, m[1])).split(path.sep);
        if (target.length === 1) {
          bad.push(`${folder}/${file} imports ${m[1]}, a top-level file`);
          continue;
        }
        if (target[0] !== folder && !MAY_IMPORT[folder].includes(target[0])) bad.push(`${folder}/${file} imports ${m[1]} (${target[0]}/)`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('the public API is curated: no internals in it, and `ae.internals` holds everything', () => {
  for (const name of ['ADAM_WASM_BASE64', 'installFastKernels', 'setNotebookDisplayForTests', 'initBackend', 'Maxout', 'rawFgsm']) {
    assert.ok(!(name in ae), `${name} is internal and must not be a public export`);
    assert.ok(name in ae.internals, `${name} must stay reachable as ae.internals.${name}`);
  }
  for (const [name, value] of Object.entries(ae)) {
    if (name === 'internals') continue;
    assert.equal((ae.internals as Record<string, unknown>)[name], value, `ae.${name} is the same object as ae.internals.${name}`);
  }
});

test('every ae.<name> the notebooks and the coursework fixtures use is in the public API', () => {
  const dirs = [path.join(PROJECT_DIR, 'notebooks'), path.join(PROJECT_DIR, 'scripts', 'test', 'fixtures', 'coursework')];
  const files = dirs
    .filter(d => fs.existsSync(d))
    .flatMap(d =>
      fs
        .readdirSync(d, { recursive: true })
        .map(String)
        .filter(f => f.endsWith('.ipynb'))
        .map(f => path.join(d, f)),
    );
  assert.ok(files.length >= 8, `found the notebooks (${files.length})`);
  // Types are erased at run time; they are checked by tslab when the notebooks run.
  const types = new Set(fs.readFileSync(path.join(SRC, 'index.ts'), 'utf8').match(/\b[A-Z][A-Za-z]+\b/g));
  const missing = new Set<string>();
  for (const f of files) {
    let nb: { cells: { cell_type: string; source: string | string[] }[] };
    try {
      nb = JSON.parse(fs.readFileSync(f, 'utf8'));
    } catch {
      continue;
    } // damaged fixtures are the grader's business
    for (const c of nb.cells ?? []) {
      if (c.cell_type !== 'code') continue;
      const text = Array.isArray(c.source) ? c.source.join('') : String(c.source);
      for (const m of text.matchAll(/\bae\.([A-Za-z_]\w*)/g)) {
        if (!(m[1] in ae) && !types.has(m[1])) missing.add(`${path.relative(PROJECT_DIR, f)}: ae.${m[1]}`);
      }
    }
  }
  assert.deepEqual([...missing], []);
});
