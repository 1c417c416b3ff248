// The output policy (scripts/notebooks/check.js): the committed notebooks follow it, and the
// checker really catches each kind of violation and the cleaner really fixes it.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {
  KERNELSPEC,
  notebookProblems,
  normalizeNotebook,
  serializeNotebook,
  textProblems,
  findNotebooks,
  splitLines,
} = require('../notebooks/check');
const { REPO } = require('../env/paths');

/** A small notebook that follows the policy; each test breaks one thing in a copy. */
function goodNotebook() {
  return {
    cells: [
      { cell_type: 'markdown', id: 'intro', metadata: {}, source: '# Title\n\nSome text.' },
      { cell_type: 'code', id: 'setup', metadata: { tags: ['setup'] }, execution_count: null, outputs: [], source: 'const x = 1;\nx + 1' },
      {
        cell_type: 'code',
        id: 'ex',
        metadata: { nbgrader: { grade: false, solution: true }, editable: true, deletable: false },
        execution_count: null,
        outputs: [],
        source: '',
      },
    ],
    metadata: { kernelspec: { ...KERNELSPEC }, language_info: { name: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function problemsAfter(change) {
  const nb = goodNotebook();
  change(nb);
  return notebookProblems(nb);
}

test('every notebook in the repository follows the output policy', () => {
  const files = findNotebooks([REPO]);
  assert.ok(
    files.some(f => f.endsWith(path.join('notebooks', '00-getting-started.ipynb'))),
    `notebooks found: ${files}`,
  );
  for (const f of files) assert.deepStrictEqual(textProblems(fs.readFileSync(f, 'utf8')), [], path.relative(REPO, f));
});

test('a notebook that follows the policy has no problems, in memory and as stored text', () => {
  assert.deepStrictEqual(notebookProblems(goodNotebook()), []);
  assert.deepStrictEqual(textProblems(serializeNotebook(goodNotebook())), []);
});

test('outputs and execution counts are reported with the cell number', () => {
  const withOutput = problemsAfter(nb => {
    nb.cells[1].outputs = [{ output_type: 'stream', name: 'stdout', text: '2\n' }];
    nb.cells[1].execution_count = 3;
  });
  assert.strictEqual(withOutput.length, 2, withOutput.join('\n'));
  assert.match(withOutput[0], /^cell 2 \(code\) has 1 output/);
  assert.match(withOutput[1], /^cell 2 \(code\) has execution_count 3, expected null/);
});

test('notebook metadata other than kernelspec and language_info is reported', () => {
  const p = problemsAfter(nb => {
    nb.metadata.widgets = {};
    nb.metadata.toc = {};
  });
  assert.deepStrictEqual(
    p.map(s => s.match(/"(\w+)"/)[1]),
    ['widgets', 'toc'],
  );
});

test('a volatile language_info (versions, mimetype) is reported', () => {
  const p = problemsAfter(nb => {
    nb.metadata.language_info = { name: 'typescript', version: '5.4.5', mimetype: 'text/typescript' };
  });
  assert.strictEqual(p.length, 1);
  assert.match(p[0], /^language_info has .*version/);
});

test('a wrong or missing kernelspec is reported', () => {
  assert.match(
    problemsAfter(nb => {
      nb.metadata.kernelspec = { name: 'python3', display_name: 'Python 3', language: 'python' };
    })[0],
    /kernelspec name is "python3", expected "aelab-ts"/,
  );
  assert.match(
    problemsAfter(nb => {
      nb.metadata.kernelspec.display_name = 'tslab';
    })[0],
    /kernelspec is .*expected/,
  );
  assert.match(
    problemsAfter(nb => {
      delete nb.metadata.kernelspec;
    })[0],
    /has no kernelspec/,
  );
});

test('cell metadata other than nbgrader, tags, editable, deletable is reported', () => {
  const p = problemsAfter(nb => {
    nb.cells[0].metadata.collapsed = false;
    nb.cells[2].metadata.execution = { 'iopub.status.idle': 'x' };
  });
  assert.deepStrictEqual(
    p.map(s => s.slice(0, s.indexOf(';'))),
    ['cell 1 (markdown) metadata has "collapsed"', 'cell 3 (code) metadata has "execution"'],
  );
});

test('nbformat other than 4 is reported, and the cleaner refuses it', () => {
  const p = problemsAfter(nb => {
    nb.nbformat = 3;
  });
  assert.strictEqual(p.length, 1);
  assert.match(p[0], /is nbformat 3, expected 4/);
  assert.throws(() => normalizeNotebook({ ...goodNotebook(), nbformat: 3 }), /nbformat 3, expected 4/);
});

test('missing cell ids in nbformat 4.5 are reported', () => {
  assert.match(
    problemsAfter(nb => {
      delete nb.cells[0].id;
    })[0],
    /cell 1 \(markdown\) has no "id"/,
  );
});

test('text that is valid but not in the normalized layout is reported; invalid JSON too', () => {
  const good = goodNotebook();
  assert.match(textProblems(JSON.stringify(good, null, 2))[0], /not stored in the normalized JSON form/);
  assert.match(textProblems(serializeNotebook(good).trimEnd())[0], /not stored in the normalized JSON form/);
  assert.match(textProblems('{"cells": [')[0], /is not valid JSON/);
});

test('normalizing fixes every problem above, keeps allowed metadata and sources, and is idempotent', () => {
  const nb = goodNotebook();
  nb.cells[1].outputs = [{ output_type: 'stream', name: 'stdout', text: '2\n' }];
  nb.cells[1].execution_count = 3;
  nb.cells[1].metadata.scrolled = true;
  nb.metadata.language_info = { name: 'typescript', version: '5.4.5' };
  nb.metadata.widgets = {};
  nb.metadata.kernelspec = { name: 'tslab', display_name: 'TypeScript', language: 'typescript' };
  assert.ok(notebookProblems(nb).length >= 5);
  const clean = normalizeNotebook(nb);
  assert.deepStrictEqual(notebookProblems(clean), []);
  assert.deepStrictEqual(
    clean.cells.map(c => c.metadata),
    goodNotebook().cells.map(c => c.metadata),
  );
  assert.deepStrictEqual(
    clean.cells.map(c => c.source),
    goodNotebook().cells.map(c => c.source),
  );
  const text = serializeNotebook(clean);
  assert.strictEqual(serializeNotebook(normalizeNotebook(JSON.parse(text))), text);
});

test('the stored layout: 1-space indent, sorted keys, sources as lists of lines, trailing newline', () => {
  const text = serializeNotebook(goodNotebook());
  assert.ok(text.endsWith('}\n'));
  assert.ok(
    text.startsWith(
      '{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "id": "intro",\n   "metadata": {},\n   "source": [\n    "# Title\\n",',
    ),
    text.slice(0, 200),
  );
  const keys = Object.keys(JSON.parse(text));
  assert.deepStrictEqual(keys, ['cells', 'metadata', 'nbformat', 'nbformat_minor']);
  assert.deepStrictEqual(JSON.parse(text).cells[2].source, []);
});

test('line splitting matches Python str.splitlines(keepends=True)', () => {
  assert.deepStrictEqual(splitLines(''), []);
  assert.deepStrictEqual(splitLines('a'), ['a']);
  assert.deepStrictEqual(splitLines('a\n'), ['a\n']);
  assert.deepStrictEqual(splitLines('a\r\nb\rc\n\nd'), ['a\r\n', 'b\r', 'c\n', '\n', 'd']);
  assert.deepStrictEqual(splitLines('a\u2028b\fc'), ['a\u2028', 'b\f', 'c']);
});

test('the stored layout is byte for byte what Jupyter (nbformat) writes', t => {
  // The project's .venv/ (npm run setup) first, as the notebook runners do.
  const py = [require('../env/paths').venvBin('python'), '/usr/bin/python3', 'python3'].find(
    p => spawnSync(p, ['-c', 'import nbformat']).status === 0,
  );
  if (!py) {
    t.skip('no Python with nbformat here');
    return;
  }
  const nb = goodNotebook();
  nb.cells[1].outputs = [
    { output_type: 'stream', name: 'stdout', text: 'one\ntwo\n' },
    {
      output_type: 'display_data',
      metadata: {},
      data: { 'text/html': '<b>x</b>\n<i>y</i>', 'image/png': 'iVBOR\nw0K', 'image/svg+xml': '<svg>\n</svg>' },
    },
  ];
  nb.cells[1].execution_count = 1;
  nb.cells[0].source = 'Ünïcode ✓ — "quotes" \\ back\tslash\n\u0001';
  const ours = serializeNotebook(nb);
  const script = 'import sys, nbformat\nnb = nbformat.reads(sys.stdin.read(), as_version=4)\nsys.stdout.write(nbformat.writes(nb) + "\\n")';
  const r = spawnSync(py, ['-c', script], { input: ours, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  assert.strictEqual(ours, r.stdout);
});

test('the command line fails naming the notebook and the problem, and the cleaner fixes it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-check-'));
  try {
    const nb = goodNotebook();
    nb.cells[1].outputs = [{ output_type: 'stream', name: 'stdout', text: '2\n' }];
    const file = path.join(dir, 'executed.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    const node = (script, ...args) =>
      spawnSync(process.execPath, [path.join(REPO, 'scripts', script), ...args], {
        encoding: 'utf8',
        env: { ...process.env, INIT_CWD: '' },
      });
    const bad = node('notebooks/check.js', dir);
    assert.strictEqual(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /executed\.ipynb cell 2 \(code\) has 1 output/);
    const clean = node('notebooks/clean.js', dir);
    assert.strictEqual(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /cleaned .*executed\.ipynb/);
    const good = node('notebooks/check.js', file);
    assert.strictEqual(good.status, 0, good.stdout + good.stderr);
    const missing = node('notebooks/check.js', path.join(dir, 'nope'));
    assert.strictEqual(missing.status, 2);
    assert.match(missing.stderr, /nope: no such file or folder/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
