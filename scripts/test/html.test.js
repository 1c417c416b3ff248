// The offline HTML export without a browser: finding math like Jupyter does, rendering it with
// KaTeX, inlining KaTeX's fonts, and the page checks of scripts/html/export.js.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { extractMath, insertMath, katexCss, renderMath } = require('../html/math');
const { describeNotebook, prepareMath, dropUnusedPlotly, fixCellIds, finishPage, indexPage } = require('../html/export');

test('extractMath finds $…$, $$…$$ and \\begin…\\end, and leaves code and \\$ alone', () => {
  const store = [];
  const md = [
    'Inline $x_i$ and `$notmath$` and $$\\eta = \\epsilon$$',
    '',
    '```ts',
    'const price = $a$;',
    '```',
    'costs \\$5, \\begin{align}a&=b\\\\c&=d\\end{align} and {$\\{$}',
  ].join('\n');
  const out = extractMath(md, store);
  assert.equal(
    out,
    [
      'Inline AELABMATH0Z and `$notmath$` and AELABMATH1Z',
      '',
      '```ts',
      'const price = $a$;',
      '```',
      'costs \\$5, AELABMATH2Z and {AELABMATH3Z}',
    ].join('\n'),
  );
  assert.deepEqual(
    store.map(m => [m.tex, m.display]),
    [
      ['x_i', false],
      ['\\eta = \\epsilon', true],
      ['\\begin{align}a&=b\\\\c&=d\\end{align}', true],
      ['\\{', false],
    ],
  );
});

test('math does not run across a blank line, and braces keep a $ inside the math', () => {
  const store = [];
  assert.equal(extractMath('a $b\n\nc$ d', store), 'a $b\n\nc$ d');
  assert.equal(store.length, 0);
  extractMath('$\\text{cost {$}}$ x', store);
  assert.equal(store[0].tex, '\\text{cost {$}}');
});

test('insertMath puts KaTeX in text and a plain slug inside tags', () => {
  const store = [];
  const md = extractMath('## Error at $\\epsilon$', store);
  const html = `<h2 id="Error-at-${md.slice(12)}">Error at ${md.slice(12)}<a href="#Error-at-${md.slice(12)}">¶</a></h2>`;
  const out = insertMath(html, store);
  assert.match(out, /^<h2 id="Error-at-epsilon">Error at <span class="katex">/);
  assert.match(out, /<a href="#Error-at-epsilon">/);
  assert.ok(!out.includes('AELABMATH'));
});

test('a LaTeX error is reported and rendered in place, not thrown', () => {
  const errors = [];
  const html = renderMath({ tex: '\\frac{1}{', display: false }, e => errors.push(e));
  assert.equal(errors.length, 1);
  assert.match(html, /katex-error/);
});

test('katexCss inlines every font as woff2 and refers to no file', () => {
  const css = katexCss();
  assert.equal((css.match(/@font-face/g) || []).length, (css.match(/url\(data:font\/woff2;base64,/g) || []).length);
  assert.ok(!/url\((?!data:)/.test(css));
  assert.ok(css.length < 600000, `${css.length} bytes`);
});

const nb = {
  cells: [
    { cell_type: 'markdown', source: ['# 05 · Title with $\\epsilon$\n', 'text'] },
    {
      cell_type: 'code',
      source: 'await ae.setup()',
      outputs: [{ output_type: 'stream', name: 'stdout', text: ['aelab 0.1.0 · backend wasm · seed 42 · 2026-01-01 00:00 UTC\n'] }],
    },
    {
      cell_type: 'code',
      source: 'x',
      outputs: [
        { output_type: 'display_data', data: { 'text/latex': '$$a^2$$', 'text/plain': 'a^2' } },
        { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: [] },
      ],
    },
  ],
};

test('describeNotebook: title from the first heading, the setup line, the first error', () => {
  const d = describeNotebook(nb, 'x');
  assert.equal(d.title, '05 · Title with $\\epsilon$');
  assert.equal(d.setupLine, 'aelab 0.1.0 · backend wasm · seed 42 · 2026-01-01 00:00 UTC');
  assert.deepEqual(d.error, { cell: 3, text: 'Error: boom' });
});

test('prepareMath covers markdown cells and turns LaTeX outputs into rendered HTML', () => {
  const copy = JSON.parse(JSON.stringify(nb));
  const store = prepareMath(copy);
  assert.equal(store.length, 2);
  assert.match(copy.cells[0].source, /AELABMATH0Z/);
  assert.equal(copy.cells[2].outputs[0].data['text/html'], '<div class="aelab-latex">AELABMATH1Z</div>');
  assert.equal(store[1].tex, 'a^2');
});

test('finishPage fills the template markers and flags network loads, double plotly and size', () => {
  const page = body => `<html><head><!-- aelab:head --></head><body><!-- aelab:banner -->${body}<!-- aelab:footer --></body></html>`;
  const info = { title: 'T', setupLine: 'aelab 0.1.0 · backend wasm · seed 1', error: null };
  const ctx = {
    store: [],
    info,
    rel: 'notebooks/t.ipynb',
    exportedAt: 'now',
    site: true,
    prev: null,
    next: { file: 'b.html', title: 'B' },
    name: 't',
  };
  const ok = finishPage(page('<p>hi</p>'), ctx);
  assert.deepEqual(ok.problems, []);
  assert.match(ok.html, /class="aelab-setup-line">aelab 0\.1\.0 · backend wasm · seed 1</);
  assert.match(ok.html, /<a href="b\.html">B<\/a> →/);
  assert.ok(!ok.html.includes('<!-- aelab:'));
  const bad = finishPage(page('<script src="https://cdn.example/x.js"></script><div class="aelab-plot"></div>'), ctx);
  assert.equal(bad.problems.length, 2);
  assert.match(bad.problems[0], /loads from the network/);
  assert.match(bad.problems[1], /has plots but no plotly\.js/);
  const twice = finishPage(page('/**\n* plotly.js v2\n*/ /**\n* plotly.js v2\n*/'), ctx);
  assert.match(twice.problems[0], /embeds plotly\.js 2 times/);
  const big = finishPage(page('x'.repeat(8 * 1024 * 1024)), ctx);
  assert.match(big.problems[0], /over the 8 MB limit/);
  assert.throws(() => finishPage('<html></html>', ctx), /did not produce <!-- aelab:head -->/);
});

test('indexPage lists pages in order with rendered math in titles', () => {
  const html = indexPage(
    [
      { file: 'a.html', title: 'A with $x$', setupLine: 'aelab 1 · backend wasm · seed 1 · 2026-01-01 00:00 UTC', error: null },
      { file: 'b.html', title: 'B', setupLine: null, error: { cell: 2 } },
    ],
    'now',
  );
  assert.deepEqual(
    [...html.matchAll(/<li><a href="([^"]+)"/g)].map(m => m[1]),
    ['a.html', 'b.html'],
  );
  assert.match(html, /<li><a href="a\.html">A with <span class="katex">/);
  assert.match(html, /stopped with an error/);
  assert.match(html, /aelab 1 · backend wasm · seed 1<\/code>/, 'setup lines without their dates, deduplicated');
});

test('dropUnusedPlotly removes the embedded plotly.js only from pages without plots', () => {
  const init = { output_type: 'display_data', data: { 'text/html': '<div class="aelab-plotly-init"></div><script>/* 4.5 MB */</script>' } };
  const plot = { output_type: 'display_data', data: { 'text/html': ['<div id="p" class="aelab-plot"></div>'] } };
  const noPlots = { cells: [{ cell_type: 'code', outputs: [JSON.parse(JSON.stringify(init))] }] };
  assert.equal(dropUnusedPlotly(noPlots), true);
  assert.ok(!noPlots.cells[0].outputs[0].data['text/html'].includes('<script'));
  const withPlots = { cells: [{ cell_type: 'code', outputs: [JSON.parse(JSON.stringify(init)), plot] }] };
  assert.equal(dropUnusedPlotly(withPlots), false);
  assert.deepEqual(withPlots.cells[0].outputs[0], init);
});

test('fixCellIds makes ids valid for nbformat 4.5 and reports the ones it changed', () => {
  const nb = { cells: [{ id: 'ex-4.1-prompt' }, { id: 'ok_id-2' }, { id: 'a b/c' }] };
  assert.deepEqual(fixCellIds(nb), ['ex-4.1-prompt', 'a b/c']);
  assert.deepEqual(
    nb.cells.map(c => c.id),
    ['ex-4-1-prompt', 'ok_id-2', 'a-b-c'],
  );
});
