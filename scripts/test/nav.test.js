// The generated navigation cells (scripts/notebooks/nav.js): reading order, the 90-* appendix left out,
// exactly one nav cell at the end, nothing else touched, and a second run changes nothing.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { updateNav, NAV_TAG } = require('../notebooks/nav');
const { KERNELSPEC, serializeNotebook, textProblems } = require('../notebooks/check');

function notebook(title, extraCells = []) {
  return {
    cells: [
      { cell_type: 'markdown', id: 'title', metadata: {}, source: `# ${title}\n\nText.` },
      { cell_type: 'code', id: 'code', metadata: {}, execution_count: null, outputs: [], source: 'const x = 1;' },
      ...extraCells,
    ],
    metadata: { kernelspec: { ...KERNELSPEC }, language_info: { name: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function folder(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nav-test-'));
  for (const [name, nb] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), serializeNotebook(nb));
  return dir;
}
const read = (dir, f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
const navCells = nb => nb.cells.filter(c => (c.metadata.tags || []).includes(NAV_TAG));
const text = c => (Array.isArray(c.source) ? c.source.join('') : c.source);

test('adds one nav cell at the end of each numbered notebook, in reading order, skipping 90-*', () => {
  const dir = folder({
    '02-second.ipynb': notebook('02 · Second one: with a subtitle'),
    '00-start.ipynb': notebook('00 · Start'),
    '01-first.ipynb': notebook('01 · First'),
    '90-gallery.ipynb': notebook('90 · Gallery'),
  });
  const { files, stale } = updateNav(dir);
  assert.deepStrictEqual(files, ['00-start.ipynb', '01-first.ipynb', '02-second.ipynb']);
  assert.deepStrictEqual(stale, files);
  for (const f of files) {
    const nb = read(dir, f);
    assert.strictEqual(navCells(nb).length, 1, f);
    assert.ok((nb.cells[nb.cells.length - 1].metadata.tags || []).includes(NAV_TAG), `${f}: the nav cell is last`);
    assert.strictEqual(nb.cells.length, 3, `${f}: the other cells are kept`);
    assert.deepStrictEqual(textProblems(fs.readFileSync(path.join(dir, f), 'utf8')), [], `${f} still follows the output policy`);
  }
  const middle = text(navCells(read(dir, '01-first.ipynb'))[0]);
  assert.match(middle, /← \[00 · Start\]\(00-start\.ipynb\)/);
  assert.match(middle, /\[02 · Second one\]\(02-second\.ipynb\) →/, 'the next link uses the title without its subtitle');
  assert.match(middle, /\*\*01\*\*/, 'the current notebook is bold in the contents');
  assert.doesNotMatch(text(navCells(read(dir, '00-start.ipynb'))[0]), /←/, 'the first notebook has no previous link');
  assert.doesNotMatch(text(navCells(read(dir, '02-second.ipynb'))[0]), /→/, 'the last notebook has no next link');
  assert.strictEqual(navCells(read(dir, '90-gallery.ipynb')).length, 0, 'the appendix is not touched');
});

test('a second run changes nothing; a moved or outdated nav cell is fixed', () => {
  const dir = folder({ '00-a.ipynb': notebook('00 · A'), '01-b.ipynb': notebook('01 · B') });
  updateNav(dir);
  const before = fs.readFileSync(path.join(dir, '01-b.ipynb'), 'utf8');
  assert.deepStrictEqual(updateNav(dir).stale, [], 'idempotent');
  assert.strictEqual(fs.readFileSync(path.join(dir, '01-b.ipynb'), 'utf8'), before);

  // A cell added after the nav cell, and a new notebook: both notebooks become stale.
  const nb = read(dir, '01-b.ipynb');
  nb.cells.push({ cell_type: 'markdown', id: 'late', metadata: {}, source: 'added later' });
  fs.writeFileSync(path.join(dir, '01-b.ipynb'), serializeNotebook(nb));
  fs.writeFileSync(path.join(dir, '02-c.ipynb'), serializeNotebook(notebook('02 · C')));
  assert.deepStrictEqual(
    updateNav(dir, { check: true }).stale,
    ['00-a.ipynb', '01-b.ipynb', '02-c.ipynb'],
    'every contents line gains 02; 01 also has a cell after its nav cell and a new next link; 02 has no nav cell',
  );
  updateNav(dir);
  const fixed = read(dir, '01-b.ipynb');
  assert.strictEqual(navCells(fixed).length, 1);
  assert.strictEqual(fixed.cells[fixed.cells.length - 2].id, 'late', 'the late cell is kept, before the nav cell');
  assert.match(text(fixed.cells[fixed.cells.length - 1]), /\[02 · C\]\(02-c\.ipynb\) →/);
});

test('--check exits 1 when a nav cell is missing and 0 when all are current', () => {
  const dir = folder({ '00-a.ipynb': notebook('00 · A'), '01-b.ipynb': notebook('01 · B') });
  const script = path.join(__dirname, '..', 'notebooks', 'nav.js');
  const run = (...args) => spawnSync(process.execPath, [script, ...args, '--dir', dir], { encoding: 'utf8' });
  const missing = run('--check');
  assert.strictEqual(missing.status, 1, missing.stdout + missing.stderr);
  assert.match(missing.stdout, /missing or outdated/);
  assert.strictEqual(navCells(read(dir, '00-a.ipynb')).length, 0, '--check writes nothing');
  assert.strictEqual(run().status, 0);
  const ok = run('--check');
  assert.strictEqual(ok.status, 0, ok.stdout + ok.stderr);
});

test("the repository's numbered notebooks have up-to-date navigation cells (run node scripts/notebooks/nav.js)", () => {
  const { stale } = updateNav(path.join(__dirname, '..', '..', 'notebooks'), { check: true });
  assert.deepStrictEqual(stale, [], 'regenerate them with: node scripts/notebooks/nav.js');
});
