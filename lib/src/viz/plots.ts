/**
 * Chart builders: each returns a plain plotly figure (`{data, layout}`) for `show` to draw —
 * line charts, error-rate-versus-ε curves with the paper's points, heatmaps (confusion matrices),
 * and slider figures built from frames. Images (digits, perturbations, weights) are in
 * `imagePlots.ts`.
 * @see notebooks/90-plot-gallery.ipynb
 */
import { Figure, Frame, Numeric, PALETTE, Trace, TensorLike, baseLayout, toMatrix, toNumbers } from './figure';
import { asFigure } from './plotly';

/** One named line: `y` against `x` (default 0, 1, 2, …). */
export interface Series {
  name: string;
  y: Numeric;
  x?: Numeric;
  /** 'lines' (default), 'markers' or 'lines+markers'. */
  mode?: 'lines' | 'markers' | 'lines+markers';
  dash?: 'solid' | 'dash' | 'dot' | 'dashdot';
  color?: string;
}

export interface AxesOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logX?: boolean;
  logY?: boolean;
  /** [min, max] in data units (for log axes too: give data values, not exponents). */
  yRange?: [number, number];
  height?: number;
  width?: number;
}

/** Several named series on shared axes, e.g. training curves. */
export function lineChart(series: Series[], opts: AxesOptions = {}): Figure {
  if (!Array.isArray(series) || series.length === 0) {
    throw new Error('lineChart: expected a non-empty array of series {name, y, x?}.');
  }
  const data: Trace[] = series.map((s, i) => {
    if (typeof s?.name !== 'string') throw new Error(`lineChart: series[${i}] needs a name (string).`);
    const y = toNumbers(s.y, `series '${s.name}'.y`);
    const x = s.x === undefined ? y.map((_, j) => j) : toNumbers(s.x, `series '${s.name}'.x`);
    if (x.length !== y.length) throw new Error(`lineChart: series '${s.name}' has ${x.length} x values but ${y.length} y values.`);
    const color = s.color ?? PALETTE[i % PALETTE.length];
    return {
      type: 'scatter',
      name: s.name,
      x,
      y,
      mode: s.mode ?? 'lines',
      line: { color, width: 2, dash: s.dash ?? 'solid' },
      marker: { color, size: 7 },
    };
  });
  return asFigure({ data, layout: axesLayout(opts) });
}

/** One model's measured error rates: fractions in [0, 1] at each ε (pixel units in [0, 1]). */
export interface ErrorCurve {
  model: string;
  epsilons: Numeric;
  errors: Numeric;
}

/** A number the paper reports, drawn as a marker next to our curve of the same model. */
export interface PaperPoint {
  model: string;
  epsilon: number;
  /** Error rate as a fraction in [0, 1]. */
  error: number;
  /** Where in the paper, e.g. "§6, Table 1"; shown on hover. */
  source?: string;
}

/**
 * Error rate (in %) against ε for several models, with the paper's numbers as open markers in
 * the same colour as the model's curve.
 */
export function errorVsEpsilon(curves: ErrorCurve[], opts: AxesOptions & { paper?: PaperPoint[] } = {}): Figure {
  if (!Array.isArray(curves) || curves.length === 0)
    throw new Error('errorVsEpsilon: expected a non-empty array of curves {model, epsilons, errors}.');
  const colorOf = new Map<string, string>();
  const data: Trace[] = curves.map((c, i) => {
    const eps = toNumbers(c.epsilons, `curve '${c.model}'.epsilons`);
    const err = toNumbers(c.errors, `curve '${c.model}'.errors`);
    if (eps.length !== err.length)
      throw new Error(`errorVsEpsilon: curve '${c.model}' has ${eps.length} epsilons but ${err.length} errors.`);
    checkFractions(err, `curve '${c.model}'.errors`);
    const color = PALETTE[i % PALETTE.length];
    colorOf.set(c.model, color);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: c.model,
      x: eps,
      y: err.map(e => 100 * e),
      line: { color, width: 2 },
      marker: { color, size: 6 },
      hovertemplate: `${c.model}<br>ε = %{x}<br>error %{y:.1f}%<extra></extra>`,
    };
  });
  const byModel = new Map<string, PaperPoint[]>();
  for (const p of opts.paper ?? []) byModel.set(p.model, [...(byModel.get(p.model) ?? []), p]);
  for (const [model, points] of byModel) {
    checkFractions(
      points.map(p => p.error),
      `paper points of '${model}'`,
    );
    const color = colorOf.get(model) ?? '#333333';
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `${model} (paper)`,
      x: points.map(p => p.epsilon),
      y: points.map(p => 100 * p.error),
      text: points.map(p => p.source ?? 'paper'),
      marker: { color, size: 12, symbol: 'diamond-open', line: { width: 2, color } },
      hovertemplate: `${model}, paper (%{text})<br>ε = %{x}<br>error %{y:.1f}%<extra></extra>`,
    });
  }
  const layout = axesLayout({ xTitle: 'ε (pixel units, [0, 1] scale)', yTitle: 'error rate (%)', ...opts });
  return asFigure({ data, layout });
}

export interface HeatmapOptions {
  title?: string;
  xLabels?: (string | number)[];
  yLabels?: (string | number)[];
  xTitle?: string;
  yTitle?: string;
  /** Print each cell's value on it (default true when there are at most 400 cells). */
  showValues?: boolean;
  /** d3 format for printed values, e.g. 'd' for counts (default), '.2f', '.1%'. */
  valueFormat?: string;
  colorscale?: string | [number, string][];
  height?: number;
  width?: number;
}

/**
 * A labelled matrix, e.g. a confusion matrix (rows = true class, columns = predicted class).
 * Row 0 is drawn at the top, like a printed table.
 */
export function heatmap(z: number[][] | TensorLike, opts: HeatmapOptions = {}): Figure {
  const m = toMatrix(z, 'heatmap z');
  const rows = m.length,
    cols = m[0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new Error('heatmap: z is empty; expected at least one row and one column.');
  m.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`heatmap: row ${i} has ${r.length} values, row 0 has ${cols}.`);
  });
  const x = (opts.xLabels ?? m[0].map((_, j) => j)).map(String);
  const y = (opts.yLabels ?? m.map((_, i) => i)).map(String);
  if (x.length !== cols) throw new Error(`heatmap: ${x.length} xLabels for ${cols} columns.`);
  if (y.length !== rows) throw new Error(`heatmap: ${y.length} yLabels for ${rows} rows.`);
  const showValues = opts.showValues ?? rows * cols <= 400;
  const fmt = opts.valueFormat ?? 'd';
  const trace: Trace = {
    type: 'heatmap',
    z: m,
    x,
    y,
    colorscale: opts.colorscale ?? SEQUENTIAL,
    xgap: 1,
    ygap: 1,
    hovertemplate: `${opts.yTitle ?? 'row'} %{y}, ${opts.xTitle ?? 'column'} %{x}: %{z:${fmt}}<extra></extra>`,
    ...(showValues ? { texttemplate: `%{z:${fmt}}`, textfont: { size: 11 } } : {}),
  };
  const layout = baseLayout(opts.title, {
    height: opts.height ?? 460,
    ...(opts.width ? { width: opts.width } : {}),
    xaxis: { title: { text: opts.xTitle ?? '' }, type: 'category', side: 'bottom' },
    yaxis: { title: { text: opts.yTitle ?? '' }, type: 'category', autorange: 'reversed' },
  });
  return asFigure({ data: [trace], layout });
}

/** White for 0 to dark blue for the largest value (ColorBrewer Blues): big counts stand out. */
export const SEQUENTIAL: [number, string][] = [
  [0, '#f7fbff'],
  [0.25, '#c6dbef'],
  [0.5, '#6baed6'],
  [0.75, '#2171b5'],
  [1, '#08306b'],
];

/** One position of a slider: its label and the traces to show there. */
export interface SliderStep {
  label: string;
  data: Trace[];
  /** Layout changes at this step, e.g. a new title. */
  layout?: Record<string, unknown>;
}

/**
 * A figure with a slider that switches between `steps` (plotly frames), e.g. an ε explorer.
 * Every step must have the same number of traces; `base` supplies axes and titles.
 */
export function sliderFigure(
  steps: SliderStep[],
  base: { layout?: Record<string, unknown>; prefix?: string; active?: number } = {},
): Figure {
  if (!Array.isArray(steps) || steps.length === 0) throw new Error('sliderFigure: expected a non-empty array of steps {label, data}.');
  const n = steps[0].data.length;
  steps.forEach((s, i) => {
    if (s.data.length !== n) throw new Error(`sliderFigure: step ${i} ('${s.label}') has ${s.data.length} traces, step 0 has ${n}.`);
  });
  const labels = new Set(steps.map(s => s.label));
  if (labels.size !== steps.length) throw new Error('sliderFigure: step labels must be unique (they name the frames).');
  const active = base.active ?? 0;
  if (!(active >= 0 && active < steps.length))
    throw new Error(`sliderFigure: active = ${active} is not a step index (0…${steps.length - 1}).`);
  const frames: Frame[] = steps.map(s => ({ name: s.label, data: s.data, ...(s.layout ? { layout: s.layout } : {}) }));
  const layout = {
    ...baseLayout(undefined, { margin: { l: 60, r: 20, t: 40, b: 90 } }),
    ...(base.layout ?? {}),
    ...(steps[active].layout ?? {}),
    sliders: [
      {
        active,
        currentvalue: { prefix: base.prefix ?? '', font: { size: 13 } },
        pad: { t: 45 },
        steps: steps.map(s => ({
          label: s.label,
          method: 'animate',
          args: [[s.label], { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
        })),
      },
    ],
  };
  return asFigure({ data: steps[active].data, layout, frames });
}

function axesLayout(o: AxesOptions): Record<string, unknown> {
  const axis = (title: string | undefined, log: boolean | undefined, range?: [number, number]) => ({
    title: { text: title ?? '' },
    type: log ? 'log' : 'linear',
    gridcolor: '#e6e6e6',
    zeroline: false,
    linecolor: '#888888',
    showline: true,
    ticks: 'outside',
    ...(range ? { range: log ? range.map(v => Math.log10(v)) : range } : {}),
  });
  return baseLayout(o.title, {
    height: o.height ?? 380,
    ...(o.width ? { width: o.width } : {}),
    xaxis: axis(o.xTitle, o.logX),
    yaxis: axis(o.yTitle, o.logY, o.yRange),
    legend: { bgcolor: 'rgba(255,255,255,0.7)' },
    hovermode: 'closest',
  });
}

function checkFractions(v: number[], what: string): void {
  const bad = v.findIndex(e => !(e >= 0 && e <= 1));
  if (bad >= 0) throw new Error(`${what}[${bad}] = ${v[bad]}: error rates are fractions in [0, 1] (e.g. 0.894 for 89.4%).`);
}
