/**
 * Drawing figures in a notebook with plotly.js, offline. Every plot is ONE output with two
 * representations (see `figureBundle`):
 *  - `application/vnd.plotly.v1+json`, plotly's own MIME type: JupyterLab and Notebook 7 draw it
 *    with the extension the `plotly` Python package installs, also in notebooks opened untrusted
 *    (a saved hand-in), because it runs no script from the notebook;
 *  - `text/html`: a <div> plus a small script that waits for `window.Plotly`, for classic
 *    Notebook and exported HTML (nbconvert picks text/html). plotly.js for it is embedded once
 *    per notebook by `plotlyInit`, which `setup` calls.
 * Needs no network.
 * @see notebooks/90-plot-gallery.ipynb
 */
import * as fs from 'fs';
import { inspect } from 'util';
import { Figure, figureJson, checkFigure } from './figure';
import { MimeBundle, cellExecutionToken, displayBundle, displayHtml, inNotebook } from './display';

/** plotly's MIME type (plotly.py's renderers and the jupyterlab-plotly extension use it). */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Shown in a plot's place when plotly.js never arrived (e.g. the setup cell was not run). */
export const PLOTLY_MISSING_MESSAGE = 'plotting library not loaded: re-run the first (setup) cell';

/** Path and version of the plotly.js bundle we embed: the minified one when it is installed. */
export function plotlyBundle(): { file: string; version: string } {
  for (const [pkg, file] of [
    ['plotly.js-dist-min', 'plotly.min.js'],
    ['plotly.js-dist', 'plotly.js'],
  ]) {
    try {
      const dir = require.resolve(`${pkg}/package.json`).replace(/package\.json$/, '');
      return { file: dir + file, version: require(`${pkg}/package.json`).version };
    } catch {
      /* try the next one */
    }
  }
  throw new Error('plotly.js is not installed: run `npm ci` in the project folder (it installs plotly.js-dist-min).');
}

let cachedInit: string | null = null;

/**
 * The HTML that defines `window.Plotly`: the whole plotly.js bundle inline (no CDN). It hides
 * AMD `define`/CommonJS names while it runs, because classic Notebook's require.js would
 * otherwise capture plotly as an anonymous module and never set `window.Plotly`.
 */
export function plotlyInitHtml(): string {
  if (cachedInit) return cachedInit;
  const { file, version } = plotlyBundle();
  const src = fs.readFileSync(file, 'utf8');
  if (/<\/script/i.test(src)) throw new Error(`${file} contains "</script", which cannot be inlined.`);
  cachedInit =
    `<div class="aelab-plotly-init" data-plotly-version="${version}" style="display:none"></div>\n` +
    '<script type="text/javascript">\n' +
    "window.PlotlyConfig = { MathJaxConfig: 'local' };\n" +
    'if (!window.Plotly) { (function (define, module, exports) {\n' +
    src +
    '\n}).call(window); }\n</script>';
  return cachedInit;
}

let initToken: unknown = null;

/**
 * Embeds plotly.js in the notebook (from the setup cell) so later `show` calls can draw.
 * Does nothing outside a notebook, and nothing when it already ran in the same cell (so `setup`
 * and an explicit call do not embed it twice). Returns whether it displayed.
 */
export function plotlyInit(): boolean {
  const token = cellExecutionToken();
  if (!token || !inNotebook() || token === initToken) return false;
  initToken = token;
  return displayHtml(plotlyInitHtml());
}

/**
 * Shown until the plot's script runs. Jupyter does not run scripts in outputs of notebooks that
 * were opened rather than run ("not trusted"), and some viewers never do.
 */
export const PLOT_PLACEHOLDER =
  'plot not drawn: run this cell (Jupyter draws plots only for cells run in this session, or in trusted notebooks)';

let counter = 0;

/** A unique-enough id: random per kernel process, counted within it. */
const session = Math.random().toString(36).slice(2, 8);

/**
 * The HTML for one plot: a sized <div> and a script that draws `fig` into it as soon as
 * `window.Plotly` exists, polling briefly, and otherwise shows PLOTLY_MISSING_MESSAGE.
 */
export function figureHtml(fig: Figure, opts: { id?: string } = {}): string {
  checkFigure(fig);
  const id = opts.id ?? `aelab-plot-${session}-${++counter}`;
  if (!/^[A-Za-z][\w-]*$/.test(id)) throw new Error(`figureHtml: id '${id}' must be letters, digits, '-' or '_', starting with a letter.`);
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 420;
  const width = typeof fig.layout.width === 'number' ? `${fig.layout.width}px` : '100%';
  const full = withConfig(fig);
  return (
    `<div id="${id}" class="aelab-plot" style="width:${width};max-width:100%;height:${height}px;">` +
    `<div class="aelab-plot-placeholder" style="color:#777;font:13px sans-serif;padding:8px">${PLOT_PLACEHOLDER}</div></div>
<script type="text/javascript">
(function () {
  var id = ${JSON.stringify(id)}, tries = 0;
  var fig = ${figureJson(full)};
  function draw() {
    var el = document.getElementById(id);
    if (el && window.Plotly) { el.innerHTML = ''; window.Plotly.newPlot(el, fig); return; }
    if (++tries < 400) { setTimeout(draw, 50); return; } // 20 s
    if (el) el.innerHTML = '<div class="aelab-plot-missing" style="color:#b00020;font:14px sans-serif;padding:8px;border:1px solid #b00020;">' +
      ${JSON.stringify(PLOTLY_MISSING_MESSAGE)} + '</div>';
  }
  draw();
})();
</script>`
  );
}

function withConfig(fig: Figure): Figure {
  return { ...fig, config: { displaylogo: false, responsive: true, ...(fig.config ?? {}) } };
}

/**
 * The display bundle of one plot: plotly's MIME type (the figure as JSON data: data, layout,
 * frames, config; numbers rounded like figureJson), the text/html fallback (figureHtml) and a
 * text/plain summary for front ends that draw neither.
 */
export function figureBundle(fig: Figure, opts: { id?: string } = {}): MimeBundle {
  const html = figureHtml(fig, opts);
  return {
    [PLOTLY_MIME]: JSON.parse(figureJson(withConfig(fig))),
    'text/html': html,
    'text/plain': `[plot] ${summarize(fig)}`,
  };
}

/**
 * Draws `fig` in the notebook. Outside a notebook (scripts, tests) prints a one-line summary.
 * Returns nothing, so a trailing `show(...)` does not echo the figure's JSON.
 */
export function show(fig: Figure): void {
  if (!inNotebook()) {
    checkFigure(fig);
    console.log(`[plot] ${summarize(fig)} — shown as a chart in a notebook`);
    return;
  }
  displayBundle(figureBundle(fig));
}

/** "title: 3 traces (scatter×2, heatmap)" */
export function summarize(fig: Figure): string {
  const title = (fig.layout.title as { text?: string } | undefined)?.text ?? 'untitled figure';
  const counts = new Map<string, number>();
  for (const t of fig.data) counts.set(String(t.type ?? 'scatter'), (counts.get(String(t.type ?? 'scatter')) ?? 0) + 1);
  const kinds = [...counts].map(([k, n]) => (n > 1 ? `${k}×${n}` : k)).join(', ');
  const frames = fig.frames?.length ? `, ${fig.frames.length} frames` : '';
  return `${title}: ${fig.data.length} trace${fig.data.length === 1 ? '' : 's'} (${kinds})${frames}`;
}

/**
 * Marks `fig` so that printing it (e.g. as a cell's last expression) shows a one-line summary
 * and a hint, instead of pages of JSON. JSON and deep equality are unaffected.
 */
export function asFigure<T extends Figure>(fig: T): T {
  Object.defineProperty(fig, inspect.custom, {
    value: () => `Figure ${summarize(fig)} — draw it with ae.show(fig)`,
    enumerable: false,
  });
  return fig;
}
