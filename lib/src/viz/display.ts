/**
 * Rich output in a tslab notebook, and a quiet fallback everywhere else. Plots, tables and the
 * training progress all display through here, so "are we in a notebook?" is decided in one place.
 * @see notebooks/00-getting-started.ipynb
 */
import * as path from 'path';

/** The part of tslab's `Display` we use (see tslab's public.d.ts). */
export interface NotebookDisplay {
  html(s: string): void;
  text(s: string): void;
  markdown?(s: string): void;
}

interface TslabModule {
  display: NotebookDisplay;
  newDisplay(): NotebookDisplay;
}

/** One output with several representations, e.g. `{'application/vnd.plotly.v1+json': fig, 'text/html': html}`. */
export type MimeBundle = Record<string, unknown>;

/**
 * The kernel's writer for the current cell: tslab's `jupyter.lastWriteDisplayData`. tslab's
 * public `display.*` methods each send ONE MIME type (see tslab's public.js, `DisplayImpl.raw`);
 * this is the function they all call, and it takes a whole Jupyter `display_data` content.
 */
type DisplayWriter = (
  content: { data: MimeBundle; metadata: Record<string, unknown>; transient: Record<string, unknown> },
  update: boolean,
) => void;

/**
 * The tslab module when this code runs inside a tslab kernel that is executing a cell, else null.
 * We only look at modules the kernel has already loaded: requiring tslab ourselves would load the
 * TypeScript compiler (slow) and its `display` would throw "Not ready" outside a kernel anyway.
 */
export function tslabModule(): TslabModule | null {
  if (override !== undefined) return override;
  let jupyterFile: string;
  try {
    jupyterFile = require.resolve('tslab/dist/jupyter.js');
  } catch {
    return null;
  }
  const loaded = require.cache[jupyterFile] ?? findLoadedJupyter();
  const kernel = loaded?.exports as { lastWriteDisplayData?: unknown } | undefined;
  if (!kernel || kernel.lastWriteDisplayData == null) return null;
  // Same folder as the loaded jupyter.js, so it is the kernel's own tslab instance.
  return require(path.join(path.dirname(loaded!.filename), 'public.js')) as TslabModule;
}

/** A kernel started from another tslab install (e.g. a global one) has its own jupyter.js. */
function findLoadedJupyter(): NodeModule | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (mod && /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) return mod;
  }
  return undefined;
}

/**
 * An object that changes with every cell the kernel executes (tslab's per-request output writer),
 * or null outside a kernel. Lets a helper do something once per cell.
 */
export function cellExecutionToken(): unknown {
  if (override !== undefined) return override ? overrideToken : null;
  let file: string;
  try {
    file = require.resolve('tslab/dist/jupyter.js');
  } catch {
    return null;
  }
  const loaded = require.cache[file] ?? findLoadedJupyter();
  return (loaded?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData ?? null;
}

/** The current cell's display writer (see DisplayWriter), or null outside a kernel. */
function displayWriter(): DisplayWriter | null {
  const w = cellExecutionToken();
  return typeof w === 'function' ? (w as DisplayWriter) : null;
}

/**
 * Shows one output with several MIME types, so each front end picks the one it renders: e.g.
 * JupyterLab draws `application/vnd.plotly.v1+json` even in untrusted notebooks, nbconvert's
 * HTML uses `text/html`. Outside a notebook prints `fallbackText` (if given) and returns false.
 */
export function displayBundle(bundle: MimeBundle, fallbackText?: string): boolean {
  const keys = Object.keys(bundle ?? {});
  if (!keys.length || keys.some(k => !/^[\w.+-]+\/[\w.+-]+$/.test(k))) {
    throw new Error(
      `displayBundle: expected an object keyed by MIME type (e.g. {'text/html': '<b>x</b>'}), got keys [${keys.join(', ')}].`,
    );
  }
  if (override !== undefined) {
    if (override) {
      override.bundle(bundle);
      return true;
    }
  } else {
    const write = tslabModule() ? displayWriter() : null;
    if (write) {
      write({ data: bundle, metadata: {}, transient: {} }, false);
      return true;
    }
  }
  if (fallbackText !== undefined) console.log(fallbackText);
  return false;
}

/** True when rich output (HTML) will be shown in a notebook. */
export function inNotebook(): boolean {
  return tslabModule() !== null;
}

/**
 * Shows `html` in the notebook. Outside a notebook prints `fallbackText` (if given) to stdout and
 * returns false, so scripts and tests stay quiet and readable.
 */
export function displayHtml(html: string, fallbackText?: string): boolean {
  const tslab = tslabModule();
  if (tslab) {
    tslab.display.html(html);
    return true;
  }
  if (fallbackText !== undefined) console.log(fallbackText);
  return false;
}

/**
 * Shows Markdown (math included) as a cell output, so prose that states a measured number prints it
 * from the value: `ae.showMarkdown(\`fooled on ${ae.formatPercent(err)} of the images\`)`. Outside a
 * notebook prints the Markdown text.
 * @see notebooks/01-linear-explanation.ipynb
 */
export function showMarkdown(markdown: string): void {
  if (typeof markdown !== 'string') throw new Error(`showMarkdown: expected a Markdown string, got ${typeof markdown}.`);
  const tslab = tslabModule();
  if (tslab && tslab.display.markdown) tslab.display.markdown(markdown);
  else if (tslab) tslab.display.html(markdown);
  else console.log(markdown);
}

/** A notebook output that can be overwritten in place, or null outside a notebook. */
export function newNotebookDisplay(): NotebookDisplay | null {
  const tslab = tslabModule();
  return tslab ? tslab.newDisplay() : null;
}

let override: (TslabModule & { bundle(b: MimeBundle): void }) | null | undefined;
let overrideToken: object = {};

/**
 * For tests: pretend to run in a notebook whose displays record into `sink` (its text/html, the
 * display id or null, and the whole MIME bundle), or pass null to pretend there is none, or
 * undefined to detect again.
 */
export function setNotebookDisplayForTests(
  sink: ((html: string, displayId: number | null, bundle: MimeBundle) => void) | null | undefined,
): void {
  if (sink === undefined || sink === null) {
    override = sink;
    return;
  }
  let next = 0;
  overrideToken = {};
  const make = (id: number | null): NotebookDisplay => ({
    html: (s: string) => sink(s, id, { 'text/html': s }),
    text: (s: string) => sink(s, id, { 'text/plain': s }),
    markdown: (s: string) => sink(s, id, { 'text/markdown': s }),
  });
  override = {
    display: make(null),
    newDisplay: () => make(++next),
    bundle: b => sink(typeof b['text/html'] === 'string' ? b['text/html'] : '', null, b),
  };
}
