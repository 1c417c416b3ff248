/**
 * "Show, then check": every reproduced number next to the paper's, with an honest verdict —
 * **reproduced** (within a tolerance stated from the paper), **direction only** (our bar for the
 * paper's claim holds, its number is not matched) or **not reproduced** — a 95 % Wilson interval
 * for every error rate, and an assertion that fails loudly when a verdict changes.
 * @see notebooks/90-plot-gallery.ipynb
 */
import { DataFrame, Row, TableOptions, formatCell, formatPercent, quietFrame, showTable, tableHtml, toDataFrame } from './tables';
import { writeResultsCsv } from './resultsCsv';
import { wilsonInterval } from '../measures/intervals';

/** How a reproduced number compares with the paper's. */
export type Verdict = 'reproduced' | 'direction only' | 'not reproduced';

/** The size of the MNIST test set: what the paper's error rates are measured on. */
export const PAPER_TEST_N = 10000;

/**
 * One reproduced quantity. With `unit: '%'` all values (paper, ours, tolerance, atMost, atLeast)
 * are FRACTIONS shown as percentages: write 0.894 for 89.4 %; a tolerance of 0.02 is ±2 points.
 *
 * - `tolerance`: |ours − paper| ≤ tolerance means **reproduced**. State it from the paper (its
 *   precision, its own spread) or from theory, before measuring — never from our result. For an error
 *   rate give `n` instead and the tolerance is the 95 % sampling band of the paper's rate (below).
 * - `atLeast` / `atMost`: the bar our measurement must meet — the direction of the paper's claim,
 *   or, for a claim without a number (`paper: null`), the claim itself.
 * A row needs a tolerance, `n` with a paper number, or a bar.
 */
export interface PaperRow {
  quantity: string;
  /** The paper's number, or null when the paper states no number (then use atMost/atLeast). */
  paper: number | null;
  ours: number;
  tolerance?: number;
  atMost?: number;
  atLeast?: number;
  /**
   * `ours` is a proportion of `n` examples (an error rate): the table shows its 95 % Wilson score
   * interval, and without an explicit tolerance the paper's number counts as reproduced when
   * |ours − paper| ≤ 1.96·√(p(1 − p)(1/n + 1/paperN)), p the paper's rate: the band a faithful
   * reproduction falls in 95 % of the time (two-sample normal approximation).
   */
  n?: number;
  /** Examples behind the paper's number (default PAPER_TEST_N, the MNIST test set). */
  paperN?: number;
  /** The verdict this row is known to get when it is not the default pass (e.g. 'not reproduced'). */
  expect?: Verdict;
  /** '%' (fractions shown as percent), '' for plain numbers, or a unit appended to the value. */
  unit?: string;
  /** Where the paper says it, e.g. "§5, p. 4". */
  source?: string;
}

/** A row with its verdict. `pass`: the verdict is the expected one (default: anything but 'not reproduced'). */
export interface PaperCheck extends PaperRow {
  difference: number | null;
  /** The 95 % Wilson interval of `ours` when `n` is given. */
  interval: [number, number] | null;
  /** The tolerance used for 'reproduced' (explicit, or the sampling band), if any. */
  band: number | null;
  bar: string;
  verdict: Verdict;
  pass: boolean;
}

/** The 95 % band of |ours − paper| for a faithful reproduction of the paper's rate (see PaperRow.n). */
export function samplingBand(paper: number, n: number, paperN = PAPER_TEST_N): number {
  return 1.959963984540054 * Math.sqrt(paper * (1 - paper) * (1 / n + 1 / paperN));
}

/** Checks every row (NaN never passes). Throws if a row states no bar or an impossible one. */
export function checkAgainstPaper(rows: PaperRow[]): PaperCheck[] {
  if (!Array.isArray(rows) || rows.length === 0)
    throw new Error('paperVsOurs: expected a non-empty array of rows {quantity, paper, ours, tolerance|n|atMost|atLeast, unit}.');
  return rows.map((r, i) => {
    const name = `row ${i} ('${r?.quantity}')`;
    if (typeof r?.quantity !== 'string') throw new Error(`paperVsOurs: ${name} needs a quantity (string).`);
    if (typeof r.ours !== 'number') throw new Error(`paperVsOurs: ${name} has ours = ${r.ours}; expected a number.`);
    if (r.paper !== null && typeof r.paper !== 'number')
      throw new Error(`paperVsOurs: ${name} has paper = ${r.paper}; expected a number or null.`);
    if (r.tolerance === undefined && r.atMost === undefined && r.atLeast === undefined && !(r.n !== undefined && r.paper !== null)) {
      throw new Error(
        `paperVsOurs: ${name} states no bar; give tolerance (|ours − paper| ≤ tolerance), n (an error rate on n examples), atMost or atLeast.`,
      );
    }
    if (r.tolerance !== undefined && (r.paper === null || !(r.tolerance >= 0))) {
      throw new Error(
        `paperVsOurs: ${name} has tolerance ${r.tolerance} but paper = ${r.paper}; a tolerance needs a paper number and must be ≥ 0.`,
      );
    }
    if (r.n !== undefined && !(Number.isInteger(r.n) && r.n > 0))
      throw new Error(`paperVsOurs: ${name} has n = ${r.n}; expected a positive whole number of examples.`);
    if (r.n !== undefined && r.unit !== '%')
      throw new Error(`paperVsOurs: ${name} has n but unit '${r.unit ?? ''}'; n is for rates, given with unit '%'.`);
    if (r.unit === '%') {
      const big = (['paper', 'ours', 'tolerance', 'atMost', 'atLeast'] as const).find(
        k => typeof r[k] === 'number' && Math.abs(r[k] as number) > 1,
      );
      if (big)
        throw new Error(
          `paperVsOurs: ${name} has ${big} = ${r[big]} with unit '%': percentages are given as fractions (write 0.894 for 89.4%).`,
        );
    }
    const eps = 1e-12;
    const difference = r.paper === null ? null : r.ours - r.paper;
    const finite = Number.isFinite(r.ours);
    const hasBar = r.atMost !== undefined || r.atLeast !== undefined;
    const barHolds =
      finite && (r.atMost === undefined || r.ours <= r.atMost + eps) && (r.atLeast === undefined || r.ours >= r.atLeast - eps);
    const band = r.tolerance ?? (r.n !== undefined && r.paper !== null ? samplingBand(r.paper, r.n, r.paperN) : null);
    const within = finite && band !== null && Math.abs(difference!) <= band + eps;
    const verdict: Verdict =
      r.paper === null
        ? barHolds
          ? 'reproduced'
          : 'not reproduced'
        : within && barHolds
          ? 'reproduced'
          : hasBar && barHolds
            ? 'direction only'
            : 'not reproduced';
    const interval = r.n !== undefined && finite && r.ours >= 0 && r.ours <= 1 ? wilsonInterval(r.ours, r.n) : null;
    const pass = r.expect ? verdict === r.expect : verdict !== 'not reproduced';
    return { ...r, difference, interval, band, bar: describeBar(r, band), verdict, pass };
  });
}

/** A value in the row's unit: 0.894 with '%' → "89.4%". */
export function formatInUnit(v: number | null, unit = '', decimals = 1): string {
  if (v === null) return '—';
  if (unit === '%') return formatPercent(v, decimals);
  const s = formatCell(v);
  return unit ? `${s} ${unit}` : s;
}

function describeBar(r: PaperRow, band: number | null): string {
  const small = (v: number | null | undefined) => v !== undefined && v !== null && v !== 0 && Math.abs(v) < 0.001;
  const d = r.unit === '%' && [band, r.atMost, r.atLeast].some(small) ? 2 : 1;
  const parts: string[] = [];
  if (band !== null) {
    const size = r.unit === '%' ? `±${(100 * band).toFixed(band < 0.01 ? 2 : d)} pp` : `±${formatInUnit(band, r.unit)}`;
    parts.push(r.tolerance === undefined ? `reproduced: ${size} (95 % sampling)` : `reproduced: ${size}`);
  }
  if (r.atMost !== undefined) parts.push(`≤ ${formatInUnit(r.atMost, r.unit, d)}`);
  if (r.atLeast !== undefined) parts.push(`≥ ${formatInUnit(r.atLeast, r.unit, d)}`);
  return parts.join(', ');
}

/** The checked rows as display rows (formatted strings) for the HTML/text table. */
function displayRows(checks: PaperCheck[]): Row[] {
  const withSource = checks.some(c => c.source);
  const withInterval = checks.some(c => c.interval);
  return checks.map(c => {
    const d = c.unit === '%' && [c.paper, c.ours].some(v => v !== null && v !== 0 && Math.abs(v) < 0.01) ? 2 : 1;
    const diff =
      c.difference === null
        ? '—'
        : c.unit === '%'
          ? `${c.difference >= 0 ? '+' : '−'}${Math.abs(100 * c.difference).toFixed(d)} pp`
          : `${c.difference >= 0 ? '+' : '−'}${formatInUnit(Math.abs(c.difference), c.unit)}`;
    const interval = c.interval ? `${formatInUnit(c.interval[0], c.unit, d)} – ${formatInUnit(c.interval[1], c.unit, d)}` : '';
    return {
      quantity: c.quantity,
      paper: formatInUnit(c.paper, c.unit, d),
      ours: formatInUnit(c.ours, c.unit, d),
      ...(withInterval ? { '95 % interval (Wilson)': interval } : {}),
      difference: diff,
      bar: c.bar,
      verdict: c.pass || !c.expect ? c.verdict : `${c.verdict} (expected ${c.expect})`,
      ...(withSource ? { source: c.source ?? '' } : {}),
    };
  });
}

const VERDICT_STYLE: TableOptions['cellStyle'] = (col, v) => {
  if (col !== 'verdict') return undefined;
  const s = String(v);
  return s.startsWith('reproduced')
    ? 'color:#1b5e20;font-weight:600'
    : s.startsWith('direction only')
      ? 'color:#8a5a00;font-weight:600'
      : 'color:#b00020;font-weight:700';
};

const VERDICT_NOTE =
  'Verdicts. reproduced: within the tolerance stated from the paper (for an error rate: within the 95 % sampling band of the ' +
  "paper's rate), or, for a row without a paper number, the claim's bar holds; direction only: our bar for the paper's claim holds, " +
  'its number is not matched; not reproduced: neither. Intervals: 95 % Wilson score intervals.';

/**
 * Shows the paper-vs-ours table (a verdict per row) and returns it as a DataFrame with the raw
 * numbers (columns quantity, unit, paper, ours, low, high, difference, bar, verdict, pass). `saveAs`
 * also writes `data/results/<saveAs>.csv`. Pair it with `assertMatchesPaper` in the next cell.
 */
export function paperVsOurs(rows: PaperRow[], opts: { caption?: string; saveAs?: string } = {}): DataFrame {
  const checks = checkAgainstPaper(rows);
  const raw = checks.map(c => ({
    quantity: c.quantity,
    unit: c.unit ?? '',
    paper: c.paper,
    ours: c.ours,
    low: c.interval?.[0] ?? null,
    high: c.interval?.[1] ?? null,
    difference: c.difference,
    bar: c.bar,
    verdict: c.verdict,
    pass: c.pass,
  }));
  if (opts.saveAs) writeResultsCsv(opts.saveAs, raw);
  showTable(displayRows(checks), {
    caption: opts.caption ?? 'Paper vs. ours',
    footnote: VERDICT_NOTE,
    className: 'aelab-paper-vs-ours',
    cellStyle: VERDICT_STYLE,
  });
  return quietFrame(toDataFrame(raw));
}

/** The HTML of the paper-vs-ours table without displaying it (for reports and tests). */
export function paperVsOursHtml(rows: PaperRow[], caption = 'Paper vs. ours'): string {
  return tableHtml(displayRows(checkAgainstPaper(rows)), {
    caption,
    footnote: VERDICT_NOTE,
    className: 'aelab-paper-vs-ours',
    cellStyle: VERDICT_STYLE,
  });
}

/** Throws, listing every row whose verdict is not the expected one, when any reproduced number drifted. */
export function assertMatchesPaper(rows: PaperRow[]): void {
  const failed = checkAgainstPaper(rows).filter(c => !c.pass);
  if (failed.length === 0) return;
  const lines = failed.map(
    c =>
      `  - ${c.quantity}: ours ${formatInUnit(c.ours, c.unit)} vs paper ${formatInUnit(c.paper, c.unit)} (bar ${c.bar}): ` +
      `${c.verdict}${c.expect ? `, expected ${c.expect}` : ''}`,
  );
  throw new Error(
    `${failed.length} of ${rows.length} reproduced numbers changed their verdict or left their bar:\n${lines.join('\n')}\n` +
      'Re-run the notebook from the top; if it still fails, compare the settings with the paper section named in the table, and update the prose that states the verdict.',
  );
}
