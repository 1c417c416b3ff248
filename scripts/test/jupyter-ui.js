/**
 * Driving JupyterLab 4 and Notebook 7 through their UI from node:test, with playwright-core and
 * Debian's chromium (shared by scripts/test/jupyterlab.test.js).
 *
 * A server is started from the project's .venv on a free port with the project's Jupyter
 * environment (scripts/env/paths.js) and `expose_app_in_browser`, so a test can read the notebook
 * MODEL (`window.jupyterapp`): JupyterLab renders only the cells near the view, so counting DOM
 * nodes would miss outputs; each output is checked in the DOM after scrolling its cell into view.
 */
'use strict';
/* global window, MouseEvent -- in the functions page.evaluate() runs in the browser */
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const { REPO, jupyterEnv, venvBin } = require('../env/paths');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Headless Debian chromium as every browser test runs it: no sandbox, GPU, QUIC or background network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Why the UI tests cannot run here, with the command that fixes it; false when they can. */
function missing() {
  if (!fs.existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM} (fix: sudo apt-get install chromium, or set CHROMIUM_PATH)`;
  if (!fs.existsSync(venvBin('jupyter-lab')))
    return `JupyterLab is not installed in ${path.relative(REPO, venvBin(''))} (fix: npm run setup)`;
  return false;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('net').AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

function request(method, url) {
  return new Promise(resolve => {
    const req = http.request(url, { method, timeout: 5000 }, res => {
      let body = '';
      res.on('data', d => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 0, body: '' });
    });
    req.end();
  });
}

/**
 * Starts `jupyter lab` (app 'lab') or `jupyter notebook` (app 'notebook') serving the repo.
 * Returns { base, token, url(p), log(), stop() }.
 */
async function startServer(app = 'lab', extraArgs = []) {
  const port = await freePort();
  const token = crypto.randomBytes(16).toString('hex');
  const base = `http://127.0.0.1:${port}`;
  const exe = venvBin(app === 'lab' ? 'jupyter-lab' : 'jupyter-notebook');
  // Its own layout and settings folders: a test never restores or changes the user's workspace.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-jupyter-'));
  const server = spawn(
    exe,
    [
      '--no-browser',
      '--ip=127.0.0.1',
      `--port=${port}`,
      '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${REPO}`,
      `--${app === 'lab' ? 'LabApp' : 'JupyterNotebookApp'}.expose_app_in_browser=True`,
      `--${app === 'lab' ? 'LabApp' : 'JupyterNotebookApp'}.workspaces_dir=${path.join(scratch, 'workspaces')}`,
      `--${app === 'lab' ? 'LabApp' : 'JupyterNotebookApp'}.user_settings_dir=${path.join(scratch, 'settings')}`,
      ...(process.getuid && process.getuid() === 0 ? ['--allow-root'] : []),
      ...extraArgs,
    ],
    { cwd: REPO, env: jupyterEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  // Its own process group, so its kernels go with it even if this test process is cut short.
  const killGroup = sig => {
    try {
      process.kill(-server.pid, sig);
    } catch {
      /* gone */
    }
  };
  process.once('exit', () => killGroup('SIGKILL'));
  for (const sig of ['SIGTERM', 'SIGINT'])
    process.once(sig, () => {
      killGroup('SIGKILL');
      process.exit(1);
    });
  let log = '';
  server.stdout.on('data', d => {
    log += d;
  });
  server.stderr.on('data', d => {
    log += d;
  });
  const exited = new Promise(resolve => server.once('exit', resolve));
  for (let i = 0; ; i++) {
    if ((await request('GET', `${base}/api/status?token=${token}`)).status === 200) break;
    if (i > 480 || server.exitCode !== null) {
      killGroup('SIGKILL');
      throw new Error(`${exe} did not start:\n${log.slice(-3000)}`);
    }
    await new Promise(r => setTimeout(r, 250));
  }
  return {
    base,
    token,
    url: p => `${base}/${p}${p.includes('?') ? '&' : '?'}token=${token}`,
    log: () => log,
    async stop() {
      const sessions = await request('GET', `${base}/api/sessions?token=${token}`);
      let list = [];
      try {
        list = JSON.parse(sessions.body);
      } catch {
        /* server gone */
      }
      for (const s of list) await request('DELETE', `${base}/api/sessions/${s.id}?token=${token}`);
      if (server.exitCode === null) killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
      killGroup('SIGKILL'); // kernels left behind
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

async function launchBrowser() {
  const { chromium } = require('playwright-core');
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-chromium-'));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    acceptDownloads: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `url` in a new page that may only load from `base` (everything else is blocked and
 * listed in log.outside); console errors and uncaught exceptions land in log.consoleErrors.
 */
async function openPage(context, url, base) {
  const log = { outside: [], consoleErrors: [] };
  const page = await context.newPage();
  await page.route('**/*', route => {
    const u = route.request().url();
    if (u.startsWith(base) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    log.outside.push(u);
    return route.abort();
  });
  page.on('console', m => {
    if (m.type() === 'error') log.consoleErrors.push(m.text().slice(0, 300));
  });
  // An uncaught error with the first frame of its stack (where it comes from); AELAB_UI_STACKS=1: all of it.
  page.on('pageerror', e =>
    log.consoleErrors.push(
      `uncaught: ${e.message} ${
        process.env.AELAB_UI_STACKS ? e.stack : ((e.stack || '').split('\n').find(l => /^\s+at /.test(l)) || '').trim()
      }`,
    ),
  );
  await page.goto(url, { waitUntil: 'load', timeout: 180000 });
  return { page, log };
}

/**
 * Waits until the current notebook panel (`name`: its file, when given) has its kernel idle, twice
 * a second apart: a kernel that just started may report idle and then start over.
 */
async function waitKernelIdle(page, timeout = 240000, name = null) {
  for (let i = 0; i < 2; i++) {
    await page.waitForFunction(
      n => {
        const app = /** @type {any} */ (window).jupyterapp;
        const w = app && app.shell.currentWidget;
        const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
        return !!(k && k.status === 'idle' && w.content && w.content.model && (!n || (w.context && w.context.path.endsWith(n))));
      },
      name,
      { timeout, polling: 250 },
    );
    if (i === 0) await page.waitForTimeout(1000);
  }
}

/**
 * Waits until every open notebook has attached all its cells, then closes everything.
 * JupyterLab attaches off-screen cells in idle callbacks (windowing modes 'contentVisibility', the
 * default, and 'defer'); a notebook closed while that loop awaits a cell makes the next step call
 * `layout.insertWidget` on the disposed widget ("Cannot read properties of null (reading
 * 'insertWidget') at _updateForDeferMode"), which a loaded machine hits. A student closing a
 * notebook a moment later never sees it, so the test waits as they would.
 */
async function closeAll(page, timeout = 120000) {
  await page
    .waitForFunction(
      () => {
        const app = /** @type {any} */ (window).jupyterapp;
        if (!app) return true;
        return [...app.shell.widgets('main')].every(
          w => !w.content || !w.content.cellsArray || w.content.cellsArray.every(c => !c.isPlaceholder()),
        );
      },
      null,
      { timeout, polling: 250 },
    )
    .catch(() => {}); // the close below still runs; a console error it causes fails the test
  await page.evaluate(() => /** @type {any} */ (window).jupyterapp.commands.execute('application:close-all')).catch(() => {});
}

/** Clicks a top menu (e.g. 'Run') and then an item by its label (a RegExp or exact text), via submenus in `path`. */
async function menu(page, top, ...items) {
  await page
    .locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${top}$`) })
    .first()
    .click();
  for (const item of items) {
    const label = item instanceof RegExp ? item : new RegExp(`^${item.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await page.locator('.lm-Menu:visible .lm-Menu-itemLabel', { hasText: label }).last().click();
  }
}

/**
 * Counts update_display_data messages per display id on the current kernel (call before running):
 * read them back with displayUpdates(page).
 */
async function countDisplayUpdates(page) {
  await page.evaluate(() => {
    const k = /** @type {any} */ (window).jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    /** @type {any} */ (window).__aelabUpdates = {};
    k.iopubMessage.connect((_, msg) => {
      if (msg.header.msg_type === 'update_display_data') {
        const id = msg.content.transient && msg.content.transient.display_id;
        /** @type {any} */
        const w = window;
        w.__aelabUpdates[id] = (w.__aelabUpdates[id] || 0) + 1;
      }
    });
  });
}
const displayUpdates = page => page.evaluate(() => /** @type {any} */ (window).__aelabUpdates || {});

/** Waits until no code cell is running or queued and the kernel is idle (after Run All). */
async function waitRunFinished(page, timeout) {
  await page.waitForTimeout(1000);
  await page.waitForFunction(
    () => {
      const w = /** @type {any} */ (window).jupyterapp.shell.currentWidget;
      const k = w.sessionContext.session && w.sessionContext.session.kernel;
      const cells = [...w.content.model.cells];
      const busy = cells.some(c => c.type === 'code' && c.executionState === 'running');
      if (busy || !k || k.status !== 'idle') {
        /** @type {any} */ (window).__aelabIdleSince = 0;
        return false;
      }
      /** @type {any} */ (window).__aelabIdleSince = /** @type {any} */ (window).__aelabIdleSince || Date.now();
      return Date.now() - /** @type {any} */ (window).__aelabIdleSince > 1500;
    },
    null,
    { timeout, polling: 500 },
  );
}

/**
 * What the current notebook's model holds, per code cell: index, first source line, execution
 * count, output types, stderr/error texts, plotly outputs, and whether the cell is trusted.
 */
function modelSummary(page) {
  return page.evaluate(mime => {
    const w = /** @type {any} */ (window).jupyterapp.shell.currentWidget;
    const out = [];
    [...w.content.model.cells].forEach((c, i) => {
      if (c.type !== 'code') return;
      const outputs = [];
      for (let j = 0; j < c.outputs.length; j++) outputs.push(c.outputs.get(j).toJSON());
      out.push({
        index: i,
        first: (
          c.sharedModel
            .getSource()
            .split('\n')
            .find(l => l.trim()) || ''
        ).slice(0, 80),
        count: c.executionCount,
        trusted: c.trusted,
        errors: outputs
          .filter(o => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr'))
          .map(o => (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : [].concat(o.text).join('')).slice(0, 600)),
        plots: outputs.filter(o => o.data && o.data[mime]).length,
        progress: outputs.filter(o => o.data && /class="aelab-progress"/.test([].concat(o.data['text/html'] || '').join(''))).length,
        placeholders: outputs.filter(
          o => o.data && !o.data[mime] && /aelab-plot-placeholder/.test([].concat(o.data['text/html'] || '').join('')),
        ).length,
      });
    });
    return out;
  }, PLOTLY_MIME);
}

/**
 * Scrolls each cell with plotly outputs into view and waits until all of them are drawn by
 * plotly (an SVG with data traces). Returns per cell { index, want, drawn, traces, images }.
 *
 * A reopened notebook: plotly's JupyterLab renderer saves a PNG snapshot of each plot with the
 * output and, on reopening, shows that picture first and builds the live plot when the mouse
 * enters it. With `reopened`, a plot counts when its picture is shown (`images`) AND, after
 * hovering it, the live plot is drawn.
 */
async function checkPlotsDrawn(page, cells, timeout = 60000, reopened = false) {
  const results = [];
  for (const c of cells.filter(x => x.plots > 0)) {
    await page.evaluate(async i => {
      const nb = /** @type {any} */ (window).jupyterapp.shell.currentWidget.content;
      await nb.scrollToItem(i, 'center');
    }, c.index);
    let images = 0;
    if (reopened) {
      images = await page
        .waitForFunction(
          ([i, want]) => {
            const cell = /** @type {any} */ (window).jupyterapp.shell.currentWidget.content.widgets[i];
            if (!cell || !cell.node.isConnected) return false;
            cell.node.scrollIntoView({ block: 'center' });
            const outs = [...cell.node.querySelectorAll('.jp-RenderedPlotly')];
            const shown = outs.filter(
              o =>
                o.querySelector('.main-svg') ||
                [...o.querySelectorAll('img.plot-img')].some(im => im.style.display !== 'none' && im.naturalWidth > 0),
            );
            return shown.length >= want ? shown.length : false;
          },
          [c.index, c.plots],
          { timeout, polling: 250 },
        )
        .then(h => h.jsonValue())
        .catch(() => 0);
      await page.evaluate(i => {
        const cell = /** @type {any} */ (window).jupyterapp.shell.currentWidget.content.widgets[i];
        for (const im of cell.node.querySelectorAll('.jp-RenderedPlotly img.plot-img')) im.dispatchEvent(new MouseEvent('mouseenter'));
      }, c.index);
    }
    const r = await page
      .waitForFunction(
        ([i, want]) => {
          const nb = /** @type {any} */ (window).jupyterapp.shell.currentWidget.content;
          const cell = nb.widgets[i];
          if (!cell || !cell.node.isConnected) return false;
          cell.node.scrollIntoView({ block: 'center' });
          const plots = [...cell.node.querySelectorAll('.jp-OutputArea-output.js-plotly-plot, .jp-OutputArea-output .js-plotly-plot')];
          const drawn = plots.filter(p => p.querySelector('.main-svg') && (p._fullData || []).length > 0);
          if (drawn.length < want) return false;
          return {
            drawn: drawn.length,
            traces: drawn.map(
              p => p.querySelectorAll('.scatterlayer .trace, .heatmaplayer .hm, .barlayer .trace, .imagelayer image').length,
            ),
          };
        },
        [c.index, c.plots],
        { timeout, polling: 250 },
      )
      .then(h => h.jsonValue())
      .catch(() => null);
    results.push({ index: c.index, first: c.first, want: c.plots, drawn: r ? r.drawn : 0, traces: r ? r.traces : [], images });
  }
  return results;
}

module.exports = {
  CHROMIUM,
  CHROMIUM_ARGS,
  PLOTLY_MIME,
  missing,
  startServer,
  launchBrowser,
  openPage,
  waitKernelIdle,
  menu,
  closeAll,
  countDisplayUpdates,
  displayUpdates,
  waitRunFinished,
  modelSummary,
  checkPlotsDrawn,
  request,
};
