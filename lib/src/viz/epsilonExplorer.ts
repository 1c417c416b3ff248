/**
 * The ε explorer: one interactive figure with a slider over ε. For a few test digits and several
 * (model, attack) rows it shows, at each ε, the adversarial image x̃, the perturbation x̃ − x and
 * the model's ten class probabilities. Every frame is computed here, in node, so the figure is
 * plain JSON: it works in JupyterLab, classic Notebook and the offline HTML export alike.
 * @see notebooks/07-beyond-fgsm.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Classifier, probabilities } from '../models/classifier';
import { Dataset } from '../data/dataset';
import { DatasetAttack, fgsmAttack } from '../measures/sweep';
import { checkEpsilon } from '../core/checks';
import { Figure, Trace, baseLayout, PALETTE } from './figure';
import { DIVERGING } from './imagePlots';
import { sliderFigure, SliderStep } from './plots';

/** One row of the explorer: a model and the attack applied to it. */
export interface ExplorerRow {
  /** Shown at the left of the row, e.g. "FGSM-trained, PGD-40". */
  label: string;
  clf: Classifier;
  /** How x̃ is made at each ε (default FGSM). */
  attack?: DatasetAttack;
}

/** Everything the figure draws, as plain numbers (one entry per ε). */
export interface ExplorerData {
  epsilons: number[];
  /** The clean digits, n × d, and their labels. */
  images: Float32Array;
  labels: Int32Array;
  n: number;
  side: number;
  classes: number;
  rows: {
    label: string;
    /** adversarial[k]: the n adversarial images at epsilons[k], n × d. */
    adversarial: Float32Array[];
    /** probabilities[k]: n × classes, the model's probabilities on them. */
    probabilities: Float32Array[];
  }[];
}

/** Limits that keep the figure's JSON (and an exported page) small. */
export const EXPLORER_LIMITS = { digits: 6, rows: 4, epsilons: 41 };

/** Attacks `digits` at every ε for every row and records images and probabilities. */
export function explorerData(rows: ExplorerRow[], digits: Dataset, epsilons: number[]): ExplorerData {
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > EXPLORER_LIMITS.rows) {
    throw new Error(
      `epsilonExplorer: give 1…${EXPLORER_LIMITS.rows} rows {label, clf, attack?}, got ${Array.isArray(rows) ? rows.length : typeof rows}.`,
    );
  }
  if (!(digits.n >= 1 && digits.n <= EXPLORER_LIMITS.digits)) {
    throw new Error(
      `epsilonExplorer: ${digits.n} digits; give 1…${EXPLORER_LIMITS.digits} (e.g. ae.firstN(test, 3)) so the figure stays small.`,
    );
  }
  if (!Array.isArray(epsilons) || epsilons.length < 2 || epsilons.length > EXPLORER_LIMITS.epsilons) {
    throw new Error(
      `epsilonExplorer: give 2…${EXPLORER_LIMITS.epsilons} ε values for the slider, got ${Array.isArray(epsilons) ? epsilons.length : typeof epsilons}.`,
    );
  }
  epsilons.forEach((e, k) => {
    checkEpsilon(e, `epsilons[${k}]`);
    if (k > 0 && !(e > epsilons[k - 1]))
      throw new Error(`epsilonExplorer: epsilons must be ascending (epsilons[${k - 1}] = ${epsilons[k - 1]}, epsilons[${k}] = ${e}).`);
  });
  const side = digits.side || Math.round(Math.sqrt(digits.d));
  if (side * side !== digits.d) throw new Error(`epsilonExplorer: ${digits.d} features per example are not a square image.`);
  return {
    epsilons: epsilons.slice(),
    images: digits.x.slice(0, digits.n * digits.d),
    labels: Int32Array.from(digits.y.subarray(0, digits.n)),
    n: digits.n,
    side,
    classes: rows[0].clf.classes,
    rows: rows.map(r => {
      const attack = r.attack ?? fgsmAttack;
      const adversarial: Float32Array[] = [],
        probs: Float32Array[] = [];
      for (const eps of epsilons) {
        const adv = eps === 0 ? digits : attack(r.clf, digits, eps);
        adversarial.push(adv.x.slice(0, digits.n * digits.d));
        probs.push(
          tf
            .tidy(
              () =>
                probabilities(r.clf, tf.tensor2d(adv.x.subarray(0, digits.n * digits.d), [digits.n, digits.d])).dataSync() as Float32Array,
            )
            .slice(),
        );
      }
      return { label: r.label, adversarial, probabilities: probs };
    }),
  };
}

const GOOD = PALETTE[2],
  BAD = PALETTE[1],
  OTHER = '#c7c7c7';

/** The explorer figure for precomputed data (see `explorerData`). */
export function explorerFigure(data: ExplorerData, opts: { title?: string; active?: number } = {}): Figure {
  const { n, side, classes, epsilons } = data,
    R = data.rows.length;
  const maxEps = Math.max(epsilons[epsilons.length - 1], 1e-6);
  const left = 0.14,
    top = 0.9,
    bottom = 0.02,
    rowGap = 0.07,
    blockGap = 0.035;
  const rowH = (top - bottom - rowGap * (R - 1)) / R;
  const blockW = (1 - left - blockGap * (n - 1)) / n;
  const widths = [0.3, 0.3, 0.4],
    innerGap = 0.02;
  const axes: Record<string, unknown> = {};
  let axis = 0;
  // Cell (row r, digit i, panel p): its own x/y axis pair, numbered in that order.
  const cell = (r: number, i: number, p: number) => {
    axis++;
    const usable = blockW - innerGap * 2;
    let x0 = left + i * (blockW + blockGap);
    for (let q = 0; q < p; q++) x0 += widths[q] * usable + innerGap;
    const x1 = x0 + widths[p] * usable;
    const y1 = top - r * (rowH + rowGap),
      y0 = y1 - rowH;
    const xa = axis === 1 ? 'xaxis' : `xaxis${axis}`,
      ya = axis === 1 ? 'yaxis' : `yaxis${axis}`;
    const xr = axis === 1 ? 'x' : `x${axis}`,
      yr = axis === 1 ? 'y' : `y${axis}`;
    if (p < 2) {
      axes[xa] = { anchor: yr, domain: [x0, x1], range: [-0.5, side - 0.5], visible: false, fixedrange: true, constrain: 'domain' };
      axes[ya] = {
        anchor: xr,
        domain: [y0, y1],
        range: [side - 0.5, -0.5],
        visible: false,
        fixedrange: true,
        scaleanchor: xr,
        constrain: 'domain',
      };
    } else {
      axes[xa] = {
        anchor: yr,
        domain: [x0, x1],
        range: [-0.6, classes - 0.4],
        tickmode: 'array',
        tickvals: [...Array(classes).keys()],
        tickfont: { size: 9 },
        fixedrange: true,
      };
      axes[ya] = {
        anchor: xr,
        domain: [y0, y1],
        range: [0, 1],
        tickvals: [0, 0.5, 1],
        tickfont: { size: 9 },
        fixedrange: true,
        gridcolor: '#eeeeee',
      };
    }
    return { xr, yr, x0, x1, y1 };
  };
  const cells = data.rows.map((_, r) => Array.from({ length: n }, (_, i) => [0, 1, 2].map(p => cell(r, i, p))));
  const d = side * side;
  const image = (v: Float32Array, i: number) =>
    Array.from({ length: side }, (_, a) => Array.from(v.subarray(i * d + a * side, i * d + (a + 1) * side)));

  const steps: SliderStep[] = epsilons.map((eps, k) => {
    const traces: Trace[] = [];
    const annotations: Record<string, unknown>[] = [];
    data.rows.forEach((row, r) => {
      annotations.push({
        x: 0,
        y: cells[r][0][0].y1 - rowH / 2,
        xref: 'paper',
        yref: 'paper',
        xanchor: 'left',
        text: row.label.replace(/, /g, ',<br>'),
        showarrow: false,
        font: { size: 12 },
        align: 'left',
      });
      for (let i = 0; i < n; i++) {
        const [ci, cp, cb] = cells[r][i];
        const adv = row.adversarial[k],
          probs = row.probabilities[k].subarray(i * classes, (i + 1) * classes);
        const delta = new Float32Array(d);
        for (let j = 0; j < d; j++) delta[j] = adv[i * d + j] - data.images[i * d + j];
        let pred = 0;
        for (let c = 1; c < classes; c++) if (probs[c] > probs[pred]) pred = c;
        const y = data.labels[i];
        traces.push({
          type: 'heatmap',
          xaxis: ci.xr,
          yaxis: ci.yr,
          z: image(adv, i),
          zmin: 0,
          zmax: 1,
          zsmooth: false,
          showscale: false,
          colorscale: [
            [0, '#ffffff'],
            [1, '#000000'],
          ],
          hovertemplate: 'pixel %{z:.2f}<extra></extra>',
        });
        traces.push({
          type: 'heatmap',
          xaxis: cp.xr,
          yaxis: cp.yr,
          z: image(delta, 0),
          zmin: -maxEps,
          zmax: maxEps,
          zsmooth: false,
          showscale: false,
          colorscale: DIVERGING,
          hovertemplate: 'x̃ − x = %{z:.3f}<extra></extra>',
        });
        traces.push({
          type: 'bar',
          xaxis: cb.xr,
          yaxis: cb.yr,
          x: [...Array(classes).keys()],
          y: Array.from(probs),
          marker: { color: Array.from(probs, (_, c) => (c === y ? GOOD : c === pred ? BAD : OTHER)) },
          hovertemplate: 'p(class %{x}) = %{y:.1%}<extra></extra>',
          showlegend: false,
        });
        annotations.push({
          x: (ci.x0 + cp.x1) / 2,
          y: ci.y1,
          xref: 'paper',
          yref: 'paper',
          yanchor: 'bottom',
          showarrow: false,
          text: `${y} → ${pred} (${(100 * probs[pred]).toFixed(0)} %)`,
          font: { size: 11, color: pred === y ? '#222222' : BAD },
        });
        annotations.push({
          x: (cb.x0 + cb.x1) / 2,
          y: cb.y1,
          xref: 'paper',
          yref: 'paper',
          yanchor: 'bottom',
          showarrow: false,
          text: 'p(class | x̃)',
          font: { size: 10, color: '#555555' },
        });
      }
    });
    return { label: formatEpsilon(eps), data: traces, layout: { annotations } };
  });
  const height = Math.round(R * 170 + 160),
    width = Math.round(n * 340 + 150);
  return sliderFigure(steps, {
    prefix: 'ε = ',
    active: opts.active ?? 0,
    layout: {
      ...baseLayout(opts.title ?? 'ε explorer: adversarial image, perturbation x̃ − x and class probabilities', {
        margin: { l: 10, r: 10, t: 50, b: 90 },
      }),
      ...axes,
      width,
      height,
      bargap: 0.15,
      showlegend: false,
    },
  });
}

/** Computes and draws the explorer (see `explorerData` and `explorerFigure`); draw it with `show`. */
export function epsilonExplorer(
  rows: ExplorerRow[],
  digits: Dataset,
  epsilons: number[],
  opts: { title?: string; active?: number } = {},
): Figure {
  return explorerFigure(explorerData(rows, digits, epsilons), opts);
}

function formatEpsilon(e: number): string {
  return String(+e.toFixed(4));
}
