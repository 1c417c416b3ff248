/**
 * Plain plotly figure specs — `{data, layout, frames?}` — and the input conversions the plot
 * helpers share. A figure is just JSON, so it can be built and tested in node without a browser.
 * @see notebooks/90-plot-gallery.ipynb
 */

/** One plotly trace (`type`, `x`, `y`, `z`, …). See https://plotly.com/javascript/reference/. */
export type Trace = Record<string, unknown>;

/** One step of an animation or slider: its traces replace the figure's (or `traces`'s) data. */
export interface Frame {
  name: string;
  data: Trace[];
  layout?: Record<string, unknown>;
  traces?: number[];
}

/** A plotly figure: what `show` draws with `Plotly.newPlot`. */
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
  frames?: Frame[];
  config?: Record<string, unknown>;
}

/** Anything with a shape and synchronous data: a `tf.Tensor` without importing tfjs here. */
export interface TensorLike {
  shape: number[];
  dataSync(): ArrayLike<number>;
}

/** Numbers in any of the forms the notebooks have at hand. */
export type Numeric = ArrayLike<number> | TensorLike;

export function isTensorLike(x: unknown): x is TensorLike {
  return typeof x === 'object' && x !== null && Array.isArray((x as TensorLike).shape) && typeof (x as TensorLike).dataSync === 'function';
}

/** A flat `number[]` from an array, a typed array or a tensor (flattened). */
export function toNumbers(x: Numeric, what = 'values'): number[] {
  if (isTensorLike(x)) return Array.from(x.dataSync());
  if (x === null || x === undefined || typeof (x as ArrayLike<number>).length !== 'number') {
    throw new Error(`${what}: expected an array, typed array or tensor of numbers, got ${describeValue(x)}.`);
  }
  const out = Array.from(x as ArrayLike<number>);
  const bad = out.findIndex(v => typeof v !== 'number');
  if (bad >= 0) throw new Error(`${what}[${bad}] is ${describeValue(out[bad])}; expected a number.`);
  return out;
}

/** Rows of a matrix given as number[][], or as a 2-D tensor. */
export function toMatrix(x: number[][] | TensorLike, what = 'matrix'): number[][] {
  if (isTensorLike(x)) {
    if (x.shape.length !== 2) throw new Error(`${what}: expected a 2-D tensor, got shape [${x.shape}].`);
    const [r, c] = x.shape,
      d = x.dataSync();
    return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => d[i * c + j]));
  }
  if (!Array.isArray(x) || x.some(row => typeof (row as ArrayLike<number>)?.length !== 'number')) {
    throw new Error(`${what}: expected an array of rows (number[][]) or a 2-D tensor, got ${describeValue(x)}.`);
  }
  return x.map((row, i) => toNumbers(row, `${what}[${i}]`));
}

/** `x` rounded to 4 significant digits (integers unchanged): keeps figure JSON small. */
export function round4(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Number(x.toPrecision(4));
}

/**
 * The figure as JSON, numbers rounded to 4 significant digits, typed arrays as plain arrays,
 * NaN/±Infinity as null (plotly's "no value"), and `<` escaped so it is safe inside <script>.
 */
export function figureJson(fig: Figure): string {
  checkFigure(fig);
  const json = JSON.stringify(fig, (_key, v) => {
    if (typeof v === 'number') return Number.isFinite(v) ? round4(v) : null;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
  return json.replace(/</g, '\\u003c');
}

/** Throws if `fig` is not shaped like a figure, naming what is wrong. */
export function checkFigure(fig: Figure): void {
  if (!fig || !Array.isArray(fig.data) || typeof fig.layout !== 'object' || fig.layout === null) {
    throw new Error(
      `Expected a figure {data: Trace[], layout: {...}}, got ${describeValue(fig)}. Build one with lineChart, imageGrid, heatmap, ….`,
    );
  }
}

/** Shared look: readable fonts, compact margins, white background. */
export function baseLayout(title: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...(title ? { title: { text: title, x: 0.02, xanchor: 'left', font: { size: 15 } } } : {}),
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif', size: 12 },
    margin: { l: 60, r: 20, t: title ? 40 : 15, b: 50 },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    ...extra,
  };
}

/** A categorical palette that stays distinguishable in grey print (Tableau 10). */
export const PALETTE = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name}`;
  if (typeof x === 'object')
    return `an object with keys [${Object.keys(x as object)
      .slice(0, 6)
      .join(', ')}]`;
  return `${typeof x} ${String(x).slice(0, 40)}`;
}
