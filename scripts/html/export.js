#!/usr/bin/env node
/**
 * `npm run html [-- options] [notebooks...]`: executes notebooks and exports each to ONE
 * self-contained HTML file that works offline (plotly.js embedded once, math pre-rendered with
 * KaTeX and its fonts inlined, no require.js, no CDN), plus an index in reading order.
 *
 *   npm run html                                  every notebooks/*.ipynb → site/*.html + site/index.html + site/api.html
 *   npm run html -- ~/hw/01-mine.ipynb            one notebook, from anywhere → site/01-mine.html
 *   npm run html -- --out /tmp/site               another output folder
 *   npm run html -- --no-execute out/executed/x.ipynb   export outputs as they are (no kernel)
 *   options: --timeout SECONDS (per cell, default 900), --jobs N (notebooks at once, default 1),
 *            --source-label TEXT (the notebook's name on the page's banner; the `aelab` nbconvert
 *            exporter, scripts/html/nbconvert, passes the path Jupyter opened it from)
 *
 * Where notebooks run: a notebook inside this project runs in its own folder. One outside it (a
 * student's copy in a home folder) is copied to out/html-work/ and runs there, because the
 * kernel can only import `aelab` (and its types) from inside the project; paths in it resolve as
 * if it were in notebooks/ (so `../data/...` works), files next to the original copy do not.
 *
 * Each page starts with a banner: the notebook, when it was exported, and the setup line
 * (backend, versions, seed, date) that produced its outputs. Exit status 1 if a notebook failed
 * to execute (its page is still written, showing the error), a page is over 8 MB, or a page
 * would load anything from the network.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO, jupyterEnv } = require('../env/paths');
const { writeKernel } = require('../env/kernel');
const { UsageError, parse, resolvePath } = require('../common/args');
const { escapeHtml } = require('../common/text');
const { writeApiPage } = require('./api');
const { extractMath, insertMath, katexCss, plainTitle } = require('./math');

const MAX_BYTES = 8 * 1024 * 1024;
const TEMPLATE_DIR = path.join(__dirname, 'template');
const SETUP_LINE = /^aelab \S+ · backend .*$/m;

function usage(msg) {
  if (msg) console.error(`html: ${msg}`);
  console.error('usage: npm run html [-- [--out DIR] [--no-execute] [--timeout S] [--jobs N] [notebook.ipynb ...]]');
  process.exit(2);
}

function parseArgs(argv) {
  let r;
  try {
    r = parse(argv, {
      out: { type: 'string' },
      'no-execute': { type: 'boolean' },
      'source-label': { type: 'string' },
      timeout: { type: 'string' },
      jobs: { type: 'string' },
    });
  } catch (e) {
    if (e instanceof UsageError) usage(e.message);
    throw e;
  }
  if (r.help) usage();
  const v = r.values;
  const o = {
    out: resolvePath(v.out ?? path.join(REPO, 'site')),
    execute: !v['no-execute'],
    timeout: v.timeout ?? '900',
    jobs: v.jobs ?? '1',
    notebooks: r.positionals.map(resolvePath),
    sourceLabel: v['source-label'] ?? null,
  };
  if (!/^\d+$/.test(o.timeout) || !/^\d+$/.test(o.jobs)) usage('--timeout and --jobs take whole numbers');
  o.site = o.notebooks.length === 0; // the whole book: also write index.html and prev/next links
  if (o.site) {
    const dir = path.join(REPO, 'notebooks');
    o.notebooks = fs
      .readdirSync(dir)
      .filter(f => f.endsWith('.ipynb'))
      .sort()
      .map(f => path.join(dir, f));
  }
  for (const nb of o.notebooks) {
    if (!nb.endsWith('.ipynb') || !fs.existsSync(nb)) usage(`${nb}: not an existing .ipynb file`);
  }
  const names = o.notebooks.map(f => path.basename(f));
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length) usage(`two notebooks are named ${dupes[0]}; their pages would overwrite each other`);
  if (o.sourceLabel !== null && o.notebooks.length !== 1)
    usage('--source-label names the one notebook exported; give exactly one notebook');
  return o;
}

/** The project's .venv Python (npm run setup), else a system one with nbclient and nbconvert, or exit with how to get them. */
function findPython() {
  const venv = path.join(REPO, '.venv', process.platform === 'win32' ? 'Scripts' : 'bin', 'python');
  for (const py of [venv, '/usr/bin/python3', 'python3', 'python']) {
    if (py === venv && !fs.existsSync(venv)) continue;
    const r = spawnSync(py, ['-c', 'import nbclient, nbconvert, nbformat'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  console.error('html: no Python with nbclient and nbconvert; run `npm run setup` (installs them into .venv/)');
  process.exit(2);
}

const insideProject = f => !path.relative(REPO, f).startsWith('..') && !f.includes(`${path.sep}node_modules${path.sep}`);

/** Executes the notebooks; returns the executed copies (same order) and whether all passed. */
function execute(notebooks, o, python) {
  writeKernel();
  const work = path.join(REPO, 'out', 'html-work');
  const runs = notebooks.map(f => {
    if (insideProject(f)) return { src: f, run: f, outDir: path.join(REPO, 'out', 'executed') };
    fs.mkdirSync(work, { recursive: true });
    const copy = path.join(work, path.basename(f));
    fs.copyFileSync(f, copy);
    console.log(`html: ${f} is outside the project; running a copy in ${path.relative(REPO, work)}/ so it can import aelab`);
    return { src: f, run: copy, outDir: path.join(work, 'executed') };
  });
  let ok = true;
  for (const outDir of [...new Set(runs.map(r => r.outDir))]) {
    const batch = runs.filter(r => r.outDir === outDir).map(r => r.run);
    const r = spawnSync(
      python,
      [path.join(__dirname, '..', 'notebooks', 'run_notebooks.py'), ...batch, '--out', outDir, '--timeout', o.timeout, '--jobs', o.jobs],
      { cwd: REPO, env: jupyterEnv(), stdio: 'inherit' },
    );
    if (r.status !== 0) ok = false;
    if (r.status === 2 || r.status === null) {
      console.error('html: the notebook runner could not start; see above.');
      process.exit(2);
    }
  }
  return { executed: runs.map(r => path.join(r.outDir, path.basename(r.run))), ok };
}

/** Title (first heading), setup line and first error of an executed notebook. */
function describeNotebook(nb, name) {
  let title = null;
  for (const c of nb.cells) {
    if (c.cell_type !== 'markdown') continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(src(c.source));
    if (m) {
      title = plainTitle(m[1]);
      break;
    }
  }
  let setupLine = null,
    error = null;
  nb.cells.forEach((c, i) => {
    for (const out of c.outputs || []) {
      if (!setupLine && out.output_type === 'stream' && out.name === 'stdout') setupLine = (SETUP_LINE.exec(src(out.text)) || [null])[0];
      if (!error && out.output_type === 'error') error = { cell: i + 1, text: `${out.ename}: ${out.evalue}` };
    }
  });
  return { title: title || name, setupLine, error };
}

const src = s => (Array.isArray(s) ? s.join('') : s || '');

/** Swaps math for placeholders in markdown cells and markdown/LaTeX outputs; returns the math. */
function prepareMath(nb) {
  const store = [];
  for (const c of nb.cells) {
    if (c.cell_type === 'markdown') c.source = extractMath(src(c.source), store);
    for (const out of c.outputs || []) {
      const d = out.data;
      if (!d) continue;
      if (d['text/markdown']) d['text/markdown'] = extractMath(src(d['text/markdown']), store);
      if (d['text/latex'] && !d['text/html']) {
        const tex = src(d['text/latex'])
          .trim()
          .replace(/^\$\$?([\s\S]*?)\$\$?$/, '$1');
        d['text/html'] = `<div class="aelab-latex">AELABMATH${store.push({ tex, display: true, source: tex }) - 1}Z</div>`;
      }
    }
  }
  return store;
}

/** Makes cell ids valid for nbformat 4.5 (nbconvert refuses others); returns the ids it changed. */
function fixCellIds(nb) {
  const changed = [];
  for (const c of nb.cells) {
    if (typeof c.id === 'string' && !/^[a-zA-Z0-9-_]{1,64}$/.test(c.id)) {
      changed.push(c.id);
      c.id = c.id.replace(/[^a-zA-Z0-9-_]/g, '-').slice(0, 64) || 'cell';
    }
  }
  return changed;
}

/** A page without plots does not need the 4.5 MB plotly.js the setup cell embedded: drop it. */
function dropUnusedPlotly(nb) {
  const outputs = nb.cells.flatMap(c => c.outputs || []).filter(o => o.data && o.data['text/html']);
  if (outputs.some(o => src(o.data['text/html']).includes('class="aelab-plot"'))) return false;
  let dropped = false;
  for (const o of outputs) {
    if (src(o.data['text/html']).includes('aelab-plotly-init')) {
      o.data['text/html'] = '<!-- plotly.js left out of the export: this page has no plots -->';
      dropped = true;
    }
  }
  return dropped;
}

const PAGE_CSS = `
.aelab-banner{font:13px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f9;border:1px solid #d5dbe3;border-radius:6px;padding:8px 12px;margin:12px auto 4px;max-width:1100px}
.aelab-banner code{font-size:12px;background:#e8ecf1;padding:1px 4px;border-radius:3px}
.aelab-banner .aelab-error{color:#b00020;font-weight:600}
.aelab-nav{font:14px system-ui,sans-serif;display:flex;justify-content:space-between;max-width:1100px;margin:24px auto;padding:8px 12px;border-top:1px solid #ddd}
.katex-display{overflow-x:auto;overflow-y:hidden;padding:2px 0}
.jp-RenderedHTMLCommon .aelab-table td,.jp-RenderedHTMLCommon .aelab-table th{padding:3px 10px}
`;

function banner(info, rel, exportedAt, site) {
  const run = info.setupLine
    ? `Outputs produced by: <code class="aelab-setup-line">${escapeHtml(info.setupLine)}</code>`
    : '<span class="aelab-error">No setup line found: the notebook did not run <code>ae.setup()</code>, so its backend, versions and seed are unknown.</span>';
  const err = info.error
    ? `<div class="aelab-error">Execution stopped with an error in cell ${info.error.cell} (${escapeHtml(info.error.text.slice(0, 200))}); later outputs are missing.</div>`
    : '';
  return (
    `<div class="aelab-banner" id="aelab-banner"><div><b>${escapeHtml(info.title)}</b> · <code>${escapeHtml(rel)}</code> · exported ${exportedAt}` +
    `${site ? ' · <a href="index.html">contents</a>' : ''}</div><div>${run}</div>${err}</div>`
  );
}

/** Finishes nbconvert's page: math, KaTeX CSS, banner, navigation, and the offline/size checks. */
function finishPage(html, { store, info, rel, exportedAt, site, prev, next, name }) {
  const problems = [];
  html = insertMath(html, store, (m, err) =>
    console.warn(`html: ${name}: LaTeX error in ${JSON.stringify(m.source.slice(0, 60))}: ${err}`),
  );
  const head = `<style type="text/css">${katexCss()}</style>\n<style type="text/css">${PAGE_CSS}</style>`;
  const nav = site
    ? `<nav class="aelab-nav"><span>${prev ? `← <a href="${prev.file}">${escapeHtml(prev.title)}</a>` : ''}</span>` +
      `<a href="index.html">contents</a><span>${next ? `<a href="${next.file}">${escapeHtml(next.title)}</a> →` : ''}</span></nav>`
    : '';
  for (const [marker, text] of [
    ['<!-- aelab:head -->', head],
    ['<!-- aelab:banner -->', banner(info, rel, exportedAt, site)],
    ['<!-- aelab:footer -->', nav],
  ]) {
    if (!html.includes(marker)) throw new Error(`the nbconvert template did not produce ${marker}; is scripts/html/template/aelab intact?`);
    html = html.replace(marker, () => text);
  }
  const remote =
    html.match(/<(?:script|link|img|iframe|source|video|audio)\b[^>]*\s(?:src|href)\s*=\s*["']?(?:https?:)?\/\/[^"'\s>]*/gi) || [];
  if (remote.length) problems.push(`loads from the network: ${remote.slice(0, 3).join(' | ')}`);
  const plotlyCopies = (html.match(/\* plotly\.js v\d/g) || []).length;
  if (plotlyCopies > 1) problems.push(`embeds plotly.js ${plotlyCopies} times (expected once, from the setup cell)`);
  if (html.includes('class="aelab-plot"') && plotlyCopies === 0)
    problems.push('has plots but no plotly.js: the setup cell must run ae.setup() (which embeds it)');
  if (Buffer.byteLength(html) > MAX_BYTES) problems.push(`is ${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB, over the 8 MB limit`);
  return { html, problems };
}

function indexPage(pages, exportedAt) {
  const store = [];
  const items = pages
    .map(p => {
      const title = extractMath(escapeHtml(p.title), store);
      return `<li><a href="${p.file}">${title}</a>${p.error ? ' <span class="aelab-error">(stopped with an error)</span>' : ''}</li>`;
    })
    .join('\n');
  const setupLines = [
    ...new Set(
      pages
        .map(p => p.setupLine)
        .filter(Boolean)
        .map(l => l.replace(/ · \d{4}-\d\d-\d\d \d\d:\d\d UTC$/, '')),
    ),
  ];
  const body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Adversarial Examples Lab — notebooks</title>
${store.length ? `<style>${katexCss()}</style>` : ''}
<style>body{font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:800px;margin:40px auto;padding:0 16px;color:#222}
li{margin:6px 0}.aelab-error{color:#b00020}code{font-size:13px;background:#f0f0f0;padding:1px 4px;border-radius:3px}${PAGE_CSS}</style>
</head><body>
<h1>Adversarial Examples Lab</h1>
<p>Notebooks reproducing Goodfellow, Shlens &amp; Szegedy, <i>Explaining and Harnessing Adversarial Examples</i> (ICLR 2015), in reading order.
Exported ${exportedAt}; every page works offline.</p>
<ol class="aelab-contents">
${items}
</ol>
<p>The library the notebooks call: <a href="api.html">its public API</a>.</p>
<p>Outputs produced by: ${setupLines.map(l => `<code class="aelab-setup-line">${escapeHtml(l)}</code>`).join('<br>') || 'no setup line found'}</p>
</body></html>
`;
  return insertMath(body, store, (m, err) => console.warn(`html: index: LaTeX error in ${m.source}: ${err}`));
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const python = findPython();
  let executed = o.notebooks,
    allRan = true;
  if (o.execute) ({ executed, ok: allRan } = execute(o.notebooks, o, python));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-html-'));
  const exportedAt = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const pages = [];
  try {
    executed.forEach((file, k) => {
      if (!fs.existsSync(file)) throw new Error(`no executed copy ${file}; see the runner's messages above.`);
      const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
      const name = path.basename(file, '.ipynb');
      const info = describeNotebook(nb, name);
      const store = prepareMath(nb);
      dropUnusedPlotly(nb);
      // The notebooks' own nav cell links to .ipynb files; pages get the site's prev/next bar instead.
      nb.cells = nb.cells.filter(c => !((c.metadata && c.metadata.tags) || []).includes('nav'));
      for (const id of fixCellIds(nb))
        console.warn(
          `html: ${name}: cell id ${JSON.stringify(id)} is not valid nbformat 4.5 (letters, digits, - and _ only); exported with it fixed, fix the notebook too`,
        );
      nb.metadata = { ...nb.metadata, title: info.title };
      fs.writeFileSync(path.join(tmp, `${name}.ipynb`), JSON.stringify(nb));
      const orig = o.notebooks[k];
      pages.push({
        name,
        file: `${name}.html`,
        title: info.title,
        info,
        store,
        setupLine: info.setupLine,
        error: info.error,
        rel: o.sourceLabel ?? (insideProject(orig) ? path.relative(REPO, orig) : orig),
      });
    });
    let problems = 0;
    for (const p of pages.slice()) {
      const r = spawnSync(
        python,
        [
          '-m',
          'nbconvert',
          '--to',
          'html',
          '--template',
          'aelab',
          `--TemplateExporter.extra_template_basedirs=${TEMPLATE_DIR}`,
          '--output-dir',
          tmp,
          path.join(tmp, `${p.name}.ipynb`),
        ],
        { cwd: tmp, env: jupyterEnv(), encoding: 'utf8' },
      );
      if (r.status !== 0) {
        console.error(
          `html: nbconvert failed on ${p.rel}:\n${
            r.stderr
              .split('\n')
              .filter(l => /ERROR|Error:/.test(l))
              .slice(0, 5)
              .join('\n') || r.stderr.slice(-2000)
          }`,
        );
        pages.splice(pages.indexOf(p), 1);
        problems++;
      }
    }
    fs.mkdirSync(o.out, { recursive: true });
    pages.forEach((p, i) => {
      const raw = fs.readFileSync(path.join(tmp, p.file), 'utf8');
      const { html, problems: issues } = finishPage(raw, {
        ...p,
        exportedAt,
        site: o.site,
        prev: o.site ? pages[i - 1] : null,
        next: o.site ? pages[i + 1] : null,
      });
      const dest = path.join(o.out, p.file);
      fs.writeFileSync(dest, html);
      console.log(
        `html: wrote ${path.relative(process.cwd(), dest) || dest} (${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB, ${p.store.length} math)` +
          `${p.error ? ` — execution stopped at cell ${p.error.cell}` : ''}`,
      );
      for (const issue of issues) {
        console.error(`html: ${p.file} ${issue}`);
        problems++;
      }
    });
    if (o.site) {
      fs.writeFileSync(path.join(o.out, 'index.html'), indexPage(pages, exportedAt));
      writeApiPage(o.out);
      console.log(`html: wrote ${path.relative(process.cwd(), path.join(o.out, 'index.html'))} (${pages.length} notebooks)`);
    }
    if (!allRan) console.error('html: some notebooks failed to execute; their pages show the error (see above).');
    process.exitCode = problems || !allRan ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`html: ${e.message}`);
    process.exit(1);
  }
}

module.exports = { describeNotebook, prepareMath, dropUnusedPlotly, fixCellIds, finishPage, indexPage };
