/**
 * Histograms of one or more samples on shared bins, overlaid, e.g. a filter statistic for two
 * models, or confidences on errors. Bins are computed here (not by plotly) so every series uses
 * the same edges and the figure JSON stays small.
 * @see notebooks/05-weight-visualizations.ipynb
 */
import { Figure, Numeric, PALETTE, Trace, baseLayout, toNumbers } from './figure';
import { asFigure } from './plotly';

export interface HistogramSeries {
  name: string;
  values: Numeric;
  color?: string;
}

export interface HistogramOptions {
  title?: string;
  xTitle?: string;
  /** Default: 'fraction' or 'count', after `normalize`. */
  yTitle?: string;
  /** Number of equal-width bins over `range` (default 30). */
  bins?: number;
  /** [min, max] of the bins (default: the smallest and largest finite value over all series). */
  range?: [number, number];
  /** 'fraction' (default: each series sums to 1, so different sizes compare) or 'count'. */
  normalize?: 'fraction' | 'count';
  height?: number;
  width?: number;
}

/** Bin edges and per-series heights; NaN values are skipped, values outside `range` clamped to the end bins. */
export function histogramBins(series: HistogramSeries[], opts: HistogramOptions = {}): { edges: number[]; heights: number[][] } {
  if (!Array.isArray(series) || series.length === 0) throw new Error('histogram: expected a non-empty array of series {name, values}.');
  const bins = opts.bins ?? 30;
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`histogram: bins = ${bins}; expected a whole number ≥ 1.`);
  const all = series.map((s, i) => {
    if (typeof s?.name !== 'string') throw new Error(`histogram: series[${i}] needs a name (string).`);
    return toNumbers(s.values, `series '${s.name}'.values`).filter(v => Number.isFinite(v));
  });
  let [lo, hi] = opts.range ?? [Math.min(...all.map(v => Math.min(...v))), Math.max(...all.map(v => Math.max(...v)))];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error('histogram: no finite values to bin.');
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
  const heights = all.map(v => {
    const h = new Array(bins).fill(0);
    for (const x of v) h[Math.min(bins - 1, Math.max(0, Math.floor((x - lo) / width)))]++;
    return opts.normalize === 'count' || v.length === 0 ? h : h.map(c => c / v.length);
  });
  return { edges, heights };
}

/** Overlaid histograms (semi-transparent bars) of each series on the same bins. */
export function histogram(series: HistogramSeries[], opts: HistogramOptions = {}): Figure {
  const { edges, heights } = histogramBins(series, opts);
  const centres = edges.slice(0, -1).map((e, k) => (e + edges[k + 1]) / 2);
  const width = edges[1] - edges[0];
  const data: Trace[] = series.map((s, i) => ({
    type: 'bar',
    name: s.name,
    x: centres,
    y: heights[i],
    width,
    marker: { color: s.color ?? PALETTE[i % PALETTE.length], opacity: 0.55, line: { width: 0 } },
    hovertemplate: `${s.name}<br>%{x:.3g}: %{y:.3g}<extra></extra>`,
  }));
  const axis = (title?: string) => ({
    title: { text: title ?? '' },
    gridcolor: '#e6e6e6',
    zeroline: false,
    linecolor: '#888888',
    showline: true,
    ticks: 'outside',
  });
  return asFigure({
    data,
    layout: baseLayout(opts.title, {
      barmode: 'overlay',
      bargap: 0,
      height: opts.height ?? 340,
      ...(opts.width ? { width: opts.width } : {}),
      xaxis: axis(opts.xTitle),
      yaxis: axis(opts.yTitle ?? (opts.normalize === 'count' ? 'count' : 'fraction')),
      legend: { bgcolor: 'rgba(255,255,255,0.7)' },
    }),
  });
}
