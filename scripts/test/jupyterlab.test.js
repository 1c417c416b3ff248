/**
 * Every notebook in JupyterLab 4, through its UI (playwright-core + Debian's chromium), the way a
 * student and a teacher use it. `npm test` runs this instead of executing notebooks with nbclient.
 *
 * Per notebook (a copy in out/lab/run/, so the UI never saves into notebooks/), each page loaded with
 * `?reset` (an empty workspace, as a student opening one file; without it JupyterLab reopens the
 * notebooks of the previous page, whose close it may not have saved yet):
 *   - open it, Run → Run All Cells; every code cell ran, no cell wrote an error (tslab reports
 *     errors as stderr text);
 *   - every plotly output (counted in the notebook model, not the DOM: JupyterLab renders only cells
 *     near the view) is drawn, after scrolling its cell into view;
 *   - a cell that shows training progress (the gallery's, or any with ae.createProgress or a
 *     reporter) updated its display in place (update_display_data on one display id, one progress
 *     output left in the cell);
 *   - 07: moving the ε explorer's slider redraws its images and bars;
 *   - File → Save Notebook; the saved file is copied to out/executed/ (AELAB_EXECUTED_DIR);
 *   - File → Save and Export Notebook As → Aelab (our nbconvert exporter): the download
 *     lands in out/lab/export/ (AELAB_EXPORT_DIR), where scripts/test/browser.test.js runs the
 *     offline checks on it;
 *   - a hand-in copy (same outputs, as a teacher receives it: not trusted) is opened: it is
 *     untrusted and every plot is shown without running anything (plotly's renderer shows the
 *     picture it saved with the output, and the live plot once the mouse is over it).
 * And one notebook in Notebook 7: Run All Cells through its menu, plots drawn.
 *
 * AELAB_LAB_NOTEBOOKS="00-getting-started.ipynb 90-plot-gallery.ipynb" limits the notebooks.
 * Skipped, with the fix, when chromium or the .venv's JupyterLab is missing (scripts/test.js
 * reports skips; it never calls them passed).
 */
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { REPO } = require('../env/paths');
const { writeKernel } = require('../env/kernel');
const ui = require('./jupyter-ui');
const { checkExplorerSlide } = require('./explorer');

const RUN_DIR = path.join(REPO, 'out', 'lab', 'run');
const EXPORT_DIR = path.resolve(REPO, process.env.AELAB_EXPORT_DIR || path.join('out', 'lab', 'export'));
const EXECUTED_DIR = path.resolve(REPO, process.env.AELAB_EXECUTED_DIR || path.join('out', 'executed'));
const SHOTS = path.join(REPO, 'out', 'screenshots');
const CELL_TIMEOUT_MS = 20 * 60 * 1000; // a whole notebook's Run All
const NB7_NOTEBOOK = '90-plot-gallery.ipynb';
const skip = ui.missing();

const allNotebooks = fs
  .readdirSync(path.join(REPO, 'notebooks'))
  .filter(f => f.endsWith('.ipynb'))
  .sort();
const wanted = (process.env.AELAB_LAB_NOTEBOOKS || '')
  .split(/\s+/)
  .filter(Boolean)
  .map(f => path.basename(f));
for (const w of wanted) if (!allNotebooks.includes(w)) throw new Error(`AELAB_LAB_NOTEBOOKS: no notebooks/${w}`);
const notebooks = wanted.length ? wanted : allNotebooks;

let server, browser;
const rel = f => path.relative(REPO, f).split(path.sep).join('/');

before(async () => {
  if (skip) return;
  writeKernel();
  fs.rmSync(RUN_DIR, { recursive: true, force: true });
  fs.mkdirSync(RUN_DIR, { recursive: true });
  for (const d of [EXPORT_DIR, EXECUTED_DIR, SHOTS]) fs.mkdirSync(d, { recursive: true });
  for (const f of notebooks) fs.rmSync(path.join(EXPORT_DIR, f.replace(/\.ipynb$/, '.html')), { force: true });
  server = await ui.startServer('lab');
  browser = await ui.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** Console errors JupyterLab itself logs on a loaded machine that say nothing about our notebooks. */
const IGNORED_CONSOLE = [/Failed to load resource: net::ERR_FAILED/];
/**
 * Notebook 7.6.3's own shortcuts plugin (notebook_core.js) reads `plugins[id].schema` of a settings
 * plugin it has no schema for and throws. It happens with any kernel and any notebook, also with
 * the debugger extension enabled, so it says nothing about ours; only this exact error is let through.
 */
const NB7_OWN_ERROR =
  /^uncaught: Cannot read properties of undefined \(reading 'schema'\) (TypeError: [^\n]*\n\s*)?at \S*\/static\/notebook\/notebook_core\.[0-9a-f]+\.js/;

/** Opens the hand-in copy of `name` (untrusted) and checks every plot is drawn. */
async function checkHandIn(page, name, saved) {
  // A teacher's Jupyter has never seen this notebook: its signature is not in their trust
  // database. Any edit to the file (here: a metadata field) makes it unknown to ours too.
  const nb = JSON.parse(fs.readFileSync(saved, 'utf8'));
  nb.metadata.aelab_hand_in = { from: rel(saved) };
  const copy = path.join(RUN_DIR, `handin-${name}`);
  fs.writeFileSync(copy, JSON.stringify(nb, null, 1));
  await page.goto(server.url(`lab/tree/${rel(copy)}?reset`), { timeout: 180000 });
  await page.waitForFunction(
    n => {
      const w = /** @type {any} */ (window).jupyterapp && /** @type {any} */ (window).jupyterapp.shell.currentWidget;
      return w && w.context && w.context.path.endsWith(n) && w.content.model && w.content.model.cells.length > 0;
    },
    `handin-${name}`,
    { timeout: 180000 },
  );
  await page.waitForTimeout(1000);
  const cells = await ui.modelSummary(page);
  const withOutputs = cells.filter(c => c.plots > 0);
  // (JupyterLab counts a cell without outputs as trusted: nothing in it could run.)
  assert.deepEqual(
    withOutputs.filter(c => c.trusted).map(c => c.index + 1),
    [],
    'the hand-in copy opens untrusted: cells with plots that are trusted',
  );
  const drawn = await ui.checkPlotsDrawn(page, cells, 60000, true);
  for (const d of drawn) {
    assert.equal(d.images, d.want, `hand-in ${name}, cell ${d.index + 1} (${d.first}): ${d.images} of ${d.want} plots shown on opening`);
    assert.equal(d.drawn, d.want, `hand-in ${name}, cell ${d.index + 1} (${d.first}): ${d.drawn} of ${d.want} plots live after hovering`);
  }
  const placeholders = await page.$$eval('.aelab-plot-placeholder', els => els.filter(e => e.offsetParent).length);
  assert.equal(placeholders, 0, '"plot not drawn" placeholders visible');
  await page.screenshot({ path: path.join(SHOTS, `lab-handin-${name.replace(/\.ipynb$/, '')}.png`) });
  return withOutputs.length;
}

/** 07's ε explorer: a click on the slider's first step redraws the images and bars. */
async function checkExplorer(page) {
  const idx = await page.evaluate(() =>
    [.../** @type {any} */ (window).jupyterapp.shell.currentWidget.content.model.cells].findIndex(
      c => c.type === 'code' && /epsilonExplorer|explorer/i.test(c.sharedModel.getSource()),
    ),
  );
  assert.ok(idx >= 0, 'notebook 07 has an ε explorer cell');
  await page.evaluate(async i => /** @type {any} */ (window).jupyterapp.shell.currentWidget.content.scrollToItem(i, 'center'), idx);
  await checkExplorerSlide(page, page.locator('.jp-Cell .js-plotly-plot').filter({ hasText: 'ε explorer' }).first());
  await page.screenshot({ path: path.join(SHOTS, 'lab-07-explorer-after-slide.png') });
}

for (const name of notebooks) {
  test(
    `JupyterLab: ${name}: Run All, plots, progress, save, menu export, untrusted reopen`,
    { skip, timeout: CELL_TIMEOUT_MS + 600000 },
    async () => {
      const copy = path.join(RUN_DIR, name);
      fs.copyFileSync(path.join(REPO, 'notebooks', name), copy);
      const { page, log } = await ui.openPage(browser.context, server.url(`lab/tree/${rel(copy)}?reset`), server.base);
      try {
        await ui.waitKernelIdle(page, 240000, name);
        const kernelName = await page.evaluate(() => {
          const session = /** @type {any} */ (window).jupyterapp.shell.currentWidget.sessionContext.session;
          return session && session.kernel ? session.kernel.name : null;
        });
        assert.equal(kernelName, 'aelab-ts', 'the notebook opens with the project kernel');
        await ui.countDisplayUpdates(page);
        const t0 = Date.now();
        await ui.menu(page, 'Run', 'Run All Cells');
        await ui.waitRunFinished(page, CELL_TIMEOUT_MS);
        const seconds = (Date.now() - t0) / 1000;
        const cells = await ui.modelSummary(page);
        console.log(
          `# ${name}: Run All in ${seconds.toFixed(1)} s, ${cells.length} code cells, ${cells.reduce((s, c) => s + c.plots, 0)} plots`,
        );

        const notRun = cells.filter(c => c.count === null || c.count === undefined);
        const failed = cells.filter(c => c.errors.length);
        assert.deepEqual(
          failed.map(c => `cell ${c.index + 1} (${c.first}): ${c.errors.join(' | ')}`),
          [],
          'cells with an error',
        );
        assert.deepEqual(
          notRun.map(c => `cell ${c.index + 1} (${c.first})`),
          [],
          'code cells that did not run',
        );
        const code = fs.readFileSync(copy, 'utf8');
        if (/ae\.show\(/.test(code))
          assert.ok(
            cells.some(c => c.plots > 0),
            'the notebook calls ae.show but no plot output is in the model',
          );
        const drawn = await ui.checkPlotsDrawn(page, cells);
        for (const d of drawn) {
          assert.equal(d.drawn, d.want, `cell ${d.index + 1} (${d.first}): ${d.drawn} of ${d.want} plots drawn`);
          assert.ok(
            d.traces.every(n => n > 0),
            `cell ${d.index + 1}: a plot has no drawn data traces (${d.traces})`,
          );
        }
        assert.deepEqual(
          cells.filter(c => c.placeholders).map(c => c.index + 1),
          [],
          'plots without the plotly MIME type (placeholder HTML only)',
        );

        // A cell that shows training progress (ae.createProgress, or a reporter given to ae.train;
        // the gallery always has one): its one display must have been updated in place.
        if (/createProgress\(|reporter\s*:/.test(code) || cells.some(c => c.progress > 0)) {
          const updates = await ui.displayUpdates(page);
          const most = Math.max(0, ...Object.values(updates));
          assert.ok(
            most >= 2,
            `a training cell updates its progress display in place (update_display_data per display: ${JSON.stringify(updates)})`,
          );
          const prog = cells.filter(c => c.progress > 0);
          assert.ok(
            prog.length > 0 && prog.every(c => c.progress === 1),
            `one progress output per training cell: ${JSON.stringify(prog.map(c => [c.index + 1, c.progress]))}`,
          );
        }
        if (name.startsWith('07-')) await checkExplorer(page);

        await ui.menu(page, 'File', 'Save Notebook');
        await page.waitForFunction(() => !(/** @type {any} */ (window).jupyterapp.shell.currentWidget.context.model.dirty), null, {
          timeout: 120000,
        });
        fs.copyFileSync(copy, path.join(EXECUTED_DIR, name));

        // JupyterLab may download in the page or in a new tab: take whichever comes first.
        const download = Promise.race([
          page.waitForEvent('download', { timeout: 300000 }),
          browser.context.waitForEvent('page', { timeout: 300000 }).then(p => p.waitForEvent('download', { timeout: 300000 })),
        ]);
        download.catch(() => {}); // awaited below; a failed menu click must not leave it unhandled
        await ui.menu(page, 'File', 'Save and Export Notebook As', 'Aelab');
        const dl = await download;
        const exported = path.join(EXPORT_DIR, name.replace(/\.ipynb$/, '.html'));
        await dl.saveAs(exported);
        assert.equal(path.extname(dl.suggestedFilename()), '.html');
        const html = fs.readFileSync(exported, 'utf8');
        assert.match(html, /<div class="aelab-banner"/, 'the menu export is our offline page (banner)');
        await page.screenshot({ path: path.join(SHOTS, `lab-${name.replace(/\.ipynb$/, '')}.png`) });
        await ui.closeAll(page);

        if (cells.some(c => c.plots > 0)) await checkHandIn(page, name, copy);
        const consoleErrors = log.consoleErrors.filter(e => !IGNORED_CONSOLE.some(r => r.test(e)));
        assert.deepEqual(consoleErrors, [], 'browser console errors');
        assert.deepEqual(log.outside, [], 'requests outside the local server (blocked)');
      } finally {
        await ui.closeAll(page);
        await page.close();
      }
    },
  );
}

test(`Notebook 7: ${NB7_NOTEBOOK}: Run All Cells through its menu draws every plot`, { skip, timeout: CELL_TIMEOUT_MS }, async () => {
  const nb7 = await ui.startServer('notebook');
  const copy = path.join(RUN_DIR, `nb7-${NB7_NOTEBOOK}`);
  fs.copyFileSync(path.join(REPO, 'notebooks', NB7_NOTEBOOK), copy);
  const { page, log } = await ui.openPage(browser.context, nb7.url(`notebooks/${rel(copy)}`), nb7.base);
  try {
    await ui.waitKernelIdle(page);
    await ui.menu(page, 'Run', 'Run All Cells');
    await ui.waitRunFinished(page, CELL_TIMEOUT_MS);
    const cells = await ui.modelSummary(page);
    assert.deepEqual(
      cells.filter(c => c.errors.length).map(c => `cell ${c.index + 1}: ${c.errors}`),
      [],
      'cells with an error',
    );
    assert.ok(
      cells.some(c => c.plots > 0),
      'plots in the model',
    );
    for (const d of await ui.checkPlotsDrawn(page, cells))
      assert.equal(d.drawn, d.want, `cell ${d.index + 1} (${d.first}): ${d.drawn} of ${d.want} plots drawn`);
    await page.screenshot({ path: path.join(SHOTS, 'notebook7.png') });
    assert.deepEqual(
      log.consoleErrors.filter(e => !IGNORED_CONSOLE.some(r => r.test(e)) && !NB7_OWN_ERROR.test(e)),
      [],
      'browser console errors',
    );
  } finally {
    await page.close();
    await nb7.stop();
  }
});

/** An executed copy saved by the JupyterLab test above (the gallery when it ran), or null. */
function savedCopy() {
  const want = notebooks.includes(NB7_NOTEBOOK) ? NB7_NOTEBOOK : notebooks[0];
  const f = path.join(EXECUTED_DIR, want);
  return fs.existsSync(f) ? f : null;
}

test('`jupyter nbconvert --to aelab` gives the page of `npm run html -- --no-execute`', { skip, timeout: 600000 }, () => {
  const saved = savedCopy();
  assert.ok(saved, `no executed copy in ${rel(EXECUTED_DIR)} (the JupyterLab test above failed?)`);
  const { spawnSync } = require('child_process');
  const { jupyterEnv, venvBin } = require('../env/paths');
  const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'aelab-nbconvert-'));
  try {
    const a = spawnSync(venvBin('jupyter'), ['nbconvert', '--to', 'aelab', '--output-dir', path.join(tmp, 'a'), saved], {
      cwd: REPO,
      env: jupyterEnv(),
      encoding: 'utf8',
    });
    assert.equal(a.status, 0, `jupyter nbconvert --to aelab failed:\n${a.stderr.slice(-3000)}`);
    const b = spawnSync(
      process.execPath,
      [path.join(REPO, 'scripts', 'html', 'export.js'), '--no-execute', '--out', path.join(tmp, 'b'), saved],
      { cwd: REPO, env: jupyterEnv(), encoding: 'utf8' },
    );
    assert.equal(b.status, 0, `npm run html -- --no-execute failed:\n${b.stderr.slice(-3000)}`);
    const page = f =>
      fs
        .readFileSync(f, 'utf8')
        .replace(/ · exported \d{4}-\d\d-\d\d \d\d:\d\d UTC/g, '') // the minute it ran
        .replace(/<code>[^<]*\.ipynb<\/code>/, '<code>NOTEBOOK</code>'); // where the banner says it came from
    const name = path.basename(saved, '.ipynb') + '.html';
    const pa = page(path.join(tmp, 'a', name)),
      pb = page(path.join(tmp, 'b', name));
    assert.ok(pa.length > 100000, 'a page with plotly.js');
    assert.ok(pa === pb, `the two pages differ (${pa.length} vs ${pb.length} characters)`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("nbconvert's own `--to html` page draws every plot offline (the text/html fallback)", { skip, timeout: 600000 }, async () => {
  const saved = savedCopy();
  assert.ok(saved, `no executed copy in ${rel(EXECUTED_DIR)} (the JupyterLab test above failed?)`);
  const { spawnSync } = require('child_process');
  const { jupyterEnv, venvBin } = require('../env/paths');
  const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'aelab-nbconvert-'));
  try {
    const r = spawnSync(venvBin('jupyter'), ['nbconvert', '--to', 'html', '--output-dir', tmp, saved], {
      cwd: REPO,
      env: jupyterEnv(),
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, `jupyter nbconvert --to html failed:\n${r.stderr.slice(-3000)}`);
    const file = path.join(tmp, path.basename(saved, '.ipynb') + '.html');
    const want = JSON.parse(fs.readFileSync(saved, 'utf8'))
      .cells.flatMap(c => c.outputs || [])
      .filter(o => o.data && o.data[ui.PLOTLY_MIME]).length;
    assert.ok(want > 0, 'the saved notebook has plots');
    const { page } = await ui.openPage(browser.context, `file://${file}`, 'file://');
    try {
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('.aelab-plot')].every(
            el => el.querySelector('.main-svg') || el.querySelector('.aelab-plot-missing'),
          ),
        null,
        { timeout: 120000 },
      );
      const plots = await page.$$eval('.aelab-plot', els =>
        els.map(el => !!el.querySelector('.main-svg') && (el._fullData || []).length > 0),
      );
      assert.equal(plots.length, want, 'one drawn plot per plot output');
      assert.ok(plots.every(Boolean), `plots not drawn: ${plots.map((d, i) => (d ? '' : i + 1)).filter(Boolean)}`);
    } finally {
      await page.close();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
