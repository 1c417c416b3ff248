/**
 * Browser tests (node:test + playwright-core driving Debian's /usr/bin/chromium):
 *
 * 1. The exported site (scripts/html/export.js): every page opens from file:// with every other request
 *    blocked and counted, no console errors, every plot drawn by plotly (with data traces), every
 *    piece of math rendered by KaTeX and no raw $…$ left, the paper-vs-ours table present when
 *    the notebook makes one, the setup-line banner present. A screenshot per page goes to
 *    out/screenshots/. The site is built into a temporary folder (all notebooks are executed),
 *    or taken from $AELAB_SITE_DIR when that is set (e.g. after `npm run html`: AELAB_SITE_DIR=site).
 *    `npm test` runs it on the pages exported from JupyterLab's menu (AELAB_SITE_DIR=out/lab/export,
 *    written by scripts/test/jupyterlab.test.js).
 *
 * Live Jupyter is tested in scripts/test/jupyterlab.test.js (JupyterLab 4 and Notebook 7). The
 * classic Notebook 6.4 test that was here is gone: see the README (Plots, tables and the export).
 *
 * Skipped, with the reason and the fix, only when chromium is missing.
 */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { REPO } = require('../env/paths');
const { extractMath } = require('../html/math');
const { checkExplorerSlide } = require('./explorer');
const { CHROMIUM, CHROMIUM_ARGS } = require('./jupyter-ui');

const SHOTS = path.join(REPO, 'out', 'screenshots');
const noChromium = fs.existsSync(CHROMIUM)
  ? false
  : `chromium not found at ${CHROMIUM} (fix: sudo apt-get install chromium, or set CHROMIUM_PATH)`;

let chromium, context, userDir, site, build;

async function launch() {
  ({ chromium } = require('playwright-core'));
  userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-chromium-'));
  return chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: CHROMIUM_ARGS,
  });
}

/** Opens `url` in a new page that only may load URLs for which `allowed(url)` holds. */
async function openPage(url, allowed) {
  const log = { outside: [], failed: [], consoleErrors: [] };
  const page = await context.newPage();
  await page.route('**/*', route => {
    const u = route.request().url();
    if (allowed(u)) return route.continue();
    log.outside.push(u);
    return route.abort();
  });
  page.on('requestfailed', r => {
    if (allowed(r.url())) log.failed.push(`${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('console', m => {
    if (m.type() === 'error') log.consoleErrors.push(m.text());
  });
  page.on('pageerror', e => log.consoleErrors.push(`uncaught: ${e.message}`));
  await page.goto(url, { waitUntil: 'load', timeout: 180000 }); // generous: CI machines may be busy
  return { page, log };
}

/** Waits until every plot container is drawn or shows the "library not loaded" message. */
function plotsSettled(page, timeout = 120000) {
  return page.waitForFunction(
    () =>
      [...document.querySelectorAll('.aelab-plot')].every(el => el.querySelector('.main-svg') || el.querySelector('.aelab-plot-missing')),
    null,
    { timeout },
  );
}

/** Per plot: drawn?, number of data traces, number of drawn trace elements. */
function plotState(page) {
  return page.$$eval('.aelab-plot', els =>
    els.map(el => ({
      id: el.id,
      drawn: !!el.querySelector('.main-svg'),
      missing: !!el.querySelector('.aelab-plot-missing'),
      traces: (el._fullData || []).length,
      drawnTraces: el.querySelectorAll('.scatterlayer .trace, .heatmaplayer .hm, .barlayer .trace').length,
    })),
  );
}

/**
 * What the notebook promises: math count, plots, a paper table. Read from the executed copy the
 * page was made from (out/executed/, written by scripts/html/export.js), else from notebooks/.
 */
function expectations(name) {
  const file = [path.join(REPO, 'out', 'executed', `${name}.ipynb`), path.join(REPO, 'notebooks', `${name}.ipynb`)].find(f =>
    fs.existsSync(f),
  );
  if (!file) return null;
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  const store = [];
  let code = '';
  for (const c of nb.cells) {
    const s = Array.isArray(c.source) ? c.source.join('') : c.source;
    if (c.cell_type === 'markdown') extractMath(s, store);
    if (c.cell_type === 'code') code += s + '\n';
    // Markdown outputs (ae.showMarkdown) are rendered with KaTeX too, like markdown cells (html/export.js prepareMath).
    for (const o of c.outputs || []) {
      const md = o.data && o.data['text/markdown'];
      if (md) extractMath(Array.isArray(md) ? md.join('') : md, store);
      if (o.data && o.data['text/latex'] && !o.data['text/html']) store.push(null);
    }
  }
  return { file, math: store.length, plots: /\bae\.show\(/.test(code), paperTable: /\bpaperVsOurs\(/.test(code) };
}

before(async () => {
  if (noChromium) return;
  if (process.env.AELAB_SITE_DIR) {
    site = path.resolve(REPO, process.env.AELAB_SITE_DIR);
  } else {
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-site-'));
    build = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'html', 'export.js'), '--out', site], { cwd: REPO, encoding: 'utf8' });
  }
  context = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  if (context) await context.close();
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
  if (site && !process.env.AELAB_SITE_DIR) fs.rmSync(site, { recursive: true, force: true });
});

// With AELAB_SITE_DIR the pages come from elsewhere (npm test: JupyterLab's menu), nothing to build.
if (!process.env.AELAB_SITE_DIR)
  test('the site builds: every notebook executes and exports', { skip: noChromium }, () => {
    assert.equal(build.status, 0, `scripts/html/export.js failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
  });

test('every exported page works offline and shows its plots, math, tables and banner', { skip: noChromium }, async t => {
  const pages = fs
    .readdirSync(site)
    .filter(f => f.endsWith('.html') && f !== 'index.html')
    .sort();
  assert.ok(pages.length > 0, `no exported pages in ${site}`);
  for (const file of pages) {
    await t.test(file, async () => {
      const name = file.replace(/\.html$/, '');
      const bytes = fs.statSync(path.join(site, file)).size;
      assert.ok(bytes <= 8 * 1024 * 1024, `${file} is ${(bytes / 1e6).toFixed(1)} MB, over 8 MB`);
      const { page, log } = await openPage(`file://${path.join(site, file)}`, u => u.startsWith('file://') || u.startsWith('data:'));
      try {
        await plotsSettled(page);
        const plots = await plotState(page);
        const math = await page.$$eval('.katex', els => els.filter(e => !e.parentElement.closest('.katex')).length);
        const mathErrors = await page.$$eval('.katex-error', els => els.map(e => e.title || e.textContent));
        const rawMath = await page.evaluate(() => {
          const root = /** @type {HTMLElement} */ (document.body.cloneNode(true));
          root.querySelectorAll('.jp-InputArea, pre, code, script, style, .katex').forEach(e => e.remove());
          return (root.textContent.match(/\$\$[\s\S]+?\$\$|\$[^\s$][^$\n]*\$/g) || []).slice(0, 5);
        });
        const banner = await page.$eval('.aelab-banner', e => e.textContent).catch(() => null);
        const paper = await page.$$eval('.aelab-paper-vs-ours', ts =>
          ts.map(t => ({
            rows: t.querySelectorAll('tbody tr').length,
            header: [...t.querySelectorAll('th')].map(th => th.textContent),
          })),
        );
        await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

        assert.deepEqual(log.outside, [], 'requests outside file:// (blocked)');
        assert.deepEqual(log.failed, [], 'failed requests');
        assert.deepEqual(log.consoleErrors, [], 'console errors');
        for (const p of plots) {
          assert.ok(!p.missing, `${p.id}: "plotting library not loaded" (was plotly.js embedded by the setup cell?)`);
          assert.ok(p.drawn && p.traces > 0 && p.drawnTraces > 0, `${p.id} is not drawn with data: ${JSON.stringify(p)}`);
        }
        assert.deepEqual(mathErrors, [], 'KaTeX errors');
        assert.deepEqual(rawMath, [], 'math left as raw $…$ text');
        assert.match(banner || '', /Outputs produced by: aelab \S+ · backend \w+ .* seed \d+/, 'the setup-line banner');
        const want = expectations(name);
        if (want) {
          assert.equal(math, want.math, `KaTeX elements vs math in the markdown (cells and outputs) of ${path.relative(REPO, want.file)}`);
          if (want.plots) assert.ok(plots.length > 0, 'the notebook calls ae.show but the page has no plots');
          if (want.paperTable) {
            assert.ok(paper.length > 0, 'the notebook calls paperVsOurs but the page has no paper-vs-ours table');
            for (const tb of paper) {
              assert.ok(tb.rows > 0 && tb.header.includes('verdict'), `paper-vs-ours table: ${JSON.stringify(tb)}`);
            }
          }
        }
      } finally {
        await page.close();
      }
    });
  }
});

test('sliders switch frames in the exported gallery', { skip: noChromium }, async t => {
  const file = path.join(site, '90-plot-gallery.html');
  if (!fs.existsSync(file)) return t.skip('no 90-plot-gallery.html in the site');
  const { page } = await openPage(`file://${file}`, u => u.startsWith('file://') || u.startsWith('data:'));
  try {
    await plotsSettled(page);
    const r = await page.evaluate(async () => {
      const el = /** @type {any[]} */ ([...document.querySelectorAll('.aelab-plot')]).find(e => e.layout && e.layout.sliders);
      if (!el) return null;
      const before = JSON.stringify(el.data[0].z);
      const last = el.layout.sliders[0].steps.slice(-1)[0].args[0][0];
      await /** @type {any} */ (window).Plotly.animate(el, [last], {
        mode: 'immediate',
        frame: { duration: 0, redraw: true },
        transition: { duration: 0 },
      });
      const frame = el._transitionData._frames.find(f => f.name === last);
      return {
        changed: JSON.stringify(el.data[0].z) !== before,
        matchesFrame: JSON.stringify(el.data[0].z) === JSON.stringify(frame.data[0].z),
      };
    });
    assert.ok(r, 'the gallery has a slider figure');
    assert.deepEqual(r, { changed: true, matchesFrame: true });
  } finally {
    await page.close();
  }
});

test("moving the ε explorer's slider in 07 changes the images and the bars drawn", { skip: noChromium }, async t => {
  const file = path.join(site, '07-beyond-fgsm.html');
  if (!fs.existsSync(file)) return t.skip('no 07-beyond-fgsm.html in the site');
  const { page } = await openPage(`file://${file}`, u => u.startsWith('file://') || u.startsWith('data:'));
  try {
    await plotsSettled(page);
    await checkExplorerSlide(page, page.locator('.js-plotly-plot').filter({ hasText: 'ε explorer' }).first());
    await page.screenshot({ path: path.join(SHOTS, '07-explorer-after-slide.png') });
  } finally {
    await page.close();
  }
});

// Pages exported one by one (JupyterLab's menu, as `npm test` checks them) have no index; the index
// of the whole book is checked when this file builds the site itself or is pointed at `npm run html`'s.
const hasIndex = !process.env.AELAB_SITE_DIR || fs.existsSync(path.resolve(REPO, process.env.AELAB_SITE_DIR, 'index.html'));
if (hasIndex)
  test('the index lists every page, in order, and loads nothing from outside', { skip: noChromium }, async () => {
    const index = path.join(site, 'index.html');
    const { page, log } = await openPage(`file://${index}`, u => u.startsWith('file://') || u.startsWith('data:'));
    try {
      const links = await page.$$eval('.aelab-contents a', as => as.map(a => a.getAttribute('href')));
      const pages = fs
        .readdirSync(site)
        .filter(f => f.endsWith('.html') && f !== 'index.html')
        .sort();
      assert.deepEqual(links, pages);
      assert.deepEqual(log.outside, []);
      assert.deepEqual(log.consoleErrors, []);
      await page.screenshot({ path: path.join(SHOTS, 'index.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
