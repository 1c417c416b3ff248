/**
 * "Show, then check": every reproduced number next to the paper's, with the bar it must meet and
 * a pass/FAIL column — and an assertion that fails loudly when the reproduction drifts.
 * @see notebooks/90-plot-gallery.ipynb
 */
import { DataFrame, Row, TableOptions, formatCell, formatPercent, quietFrame, showTable, tableHtml, toDataFrame } from './tables';
import { writeResultsCsv } from './resultsCsv';

/**
 * One reproduced quantity. With `unit: '%'` all values (paper, ours, tolerance, atMost, atLeast)
 * are FRACTIONS shown as percentages: write 0.894 for 89.4 %; a tolerance of 0.02 is ±2 points.
 * State at least one bar: `tolerance` (|ours − paper| ≤ tolerance), `atMost` or `atLeast`.
 */
export interface PaperRow {
  quantity: string;
  /** The paper's number, or null when the paper states no number (then use atMost/atLeast). */
  paper: number | null;
  ours: number;
  tolerance?: number;
  atMost?: number;
  atLeast?: number;
  /** '%' (fractions shown as percent), '' for plain numbers, or a unit appended to the value. */
  unit?: string;
  /** Where the paper says it, e.g. "§5, p. 4". */
  source?: string;
}

/** A row with its verdict. */
export interface PaperCheck extends PaperRow {
  difference: number | null;
  bar: string;
  pass: boolean;
}

/** Checks every row against its bar (NaN never passes). Throws if a row states no bar. */
export function checkAgainstPaper(rows: PaperRow[]): PaperCheck[] {
  if (!Array.isArray(rows) || rows.length === 0) throw new Error('paperVsOurs: expected a non-empty array of rows {quantity, paper, ours, tolerance|atMost|atLeast, unit}.');
  return rows.map((r, i) => {
    const name = `row ${i} ('${r?.quantity}')`;
    if (typeof r?.quantity !== 'string') throw new Error(`paperVsOurs: ${name} needs a quantity (string).`);
    if (typeof r.ours !== 'number') throw new Error(`paperVsOurs: ${name} has ours = ${r.ours}; expected a number.`);
    if (r.paper !== null && typeof r.paper !== 'number') throw new Error(`paperVsOurs: ${name} has paper = ${r.paper}; expected a number or null.`);
    if (r.tolerance === undefined && r.atMost === undefined && r.atLeast === undefined) {
      throw new Error(`paperVsOurs: ${name} states no bar; give tolerance (|ours − paper| ≤ tolerance), atMost or atLeast.`);
    }
    if (r.tolerance !== undefined && (r.paper === null || !(r.tolerance >= 0))) {
      throw new Error(`paperVsOurs: ${name} has tolerance ${r.tolerance} but paper = ${r.paper}; a tolerance needs a paper number and must be ≥ 0.`);
    }
    if (r.unit === '%') {
      const big = (['paper', 'ours', 'tolerance', 'atMost', 'atLeast'] as const).find(k => typeof r[k] === 'number' && Math.abs(r[k] as number) > 1);
      if (big) throw new Error(`paperVsOurs: ${name} has ${big} = ${r[big]} with unit '%': percentages are given as fractions (write 0.894 for 89.4%).`);
    }
    const eps = 1e-12;
    const difference = r.paper === null ? null : r.ours - r.paper;
    let pass = Number.isFinite(r.ours);
    if (r.tolerance !== undefined) pass = pass && Math.abs(difference!) <= r.tolerance + eps;
    if (r.atMost !== undefined) pass = pass && r.ours <= r.atMost + eps;
    if (r.atLeast !== undefined) pass = pass && r.ours >= r.atLeast - eps;
    return { ...r, difference, bar: describeBar(r), pass };
  });
}

/** A value in the row's unit: 0.894 with '%' → "89.4%". */
export function formatInUnit(v: number | null, unit = '', decimals = 1): string {
  if (v === null) return '—';
  if (unit === '%') return formatPercent(v, decimals);
  const s = formatCell(v);
  return unit ? `${s} ${unit}` : s;
}

function describeBar(r: PaperRow): string {
  const d = r.unit === '%' && [r.tolerance, r.atMost, r.atLeast].some(v => v !== undefined && v !== 0 && Math.abs(v) < 0.001) ? 2 : 1;
  const parts: string[] = [];
  if (r.tolerance !== undefined) parts.push(r.unit === '%' ? `±${(100 * r.tolerance).toFixed(d)} pp` : `±${formatInUnit(r.tolerance, r.unit)}`);
  if (r.atMost !== undefined) parts.push(`≤ ${formatInUnit(r.atMost, r.unit, d)}`);
  if (r.atLeast !== undefined) parts.push(`≥ ${formatInUnit(r.atLeast, r.unit, d)}`);
  return parts.join(', ');
}

/** The checked rows as display rows (formatted strings) for the HTML/text table. */
function displayRows(checks: PaperCheck[]): Row[] {
  const withSource = checks.some(c => c.source);
  return checks.map(c => {
    const d = c.unit === '%' && [c.paper, c.ours].some(v => v !== null && v !== 0 && Math.abs(v) < 0.01) ? 2 : 1;
    const diff = c.difference === null ? '—' : c.unit === '%' ? `${c.difference >= 0 ? '+' : '−'}${Math.abs(100 * c.difference).toFixed(d)} pp`
      : `${c.difference >= 0 ? '+' : '−'}${formatInUnit(Math.abs(c.difference), c.unit)}`;
    return {
      quantity: c.quantity, paper: formatInUnit(c.paper, c.unit, d), ours: formatInUnit(c.ours, c.unit, d),
      difference: diff, bar: c.bar, result: c.pass ? 'pass' : 'FAIL', ...(withSource ? { source: c.source ?? '' } : {}),
    };
  });
}

const RESULT_STYLE: TableOptions['cellStyle'] = (col, v) =>
  col !== 'result' ? undefined : v === 'pass' ? 'color:#1b5e20;font-weight:600' : 'color:#b00020;font-weight:700';

/**
 * Shows the paper-vs-ours table (pass/FAIL per row) and returns it as a DataFrame with the raw
 * numbers (columns quantity, unit, paper, ours, difference, bar, pass). `saveAs` also writes
 * `data/results/<saveAs>.csv`. Pair it with `assertMatchesPaper` in the next cell.
 */
export function paperVsOurs(rows: PaperRow[], opts: { caption?: string; saveAs?: string } = {}): DataFrame {
  const checks = checkAgainstPaper(rows);
  const caption = opts.caption ?? 'Paper vs. ours';
  const raw = checks.map(c => ({
    quantity: c.quantity, unit: c.unit ?? '', paper: c.paper, ours: c.ours, difference: c.difference, bar: c.bar, pass: c.pass,
  }));
  if (opts.saveAs) writeResultsCsv(opts.saveAs, raw);
  showTable(displayRows(checks), { caption, className: 'aelab-paper-vs-ours', cellStyle: RESULT_STYLE });
  return quietFrame(toDataFrame(raw));
}

/** The HTML of the paper-vs-ours table without displaying it (for reports and tests). */
export function paperVsOursHtml(rows: PaperRow[], caption = 'Paper vs. ours'): string {
  return tableHtml(displayRows(checkAgainstPaper(rows)), { caption, className: 'aelab-paper-vs-ours', cellStyle: RESULT_STYLE });
}

/** Throws, listing every row outside its bar, when any reproduced number drifted. */
export function assertMatchesPaper(rows: PaperRow[]): void {
  const failed = checkAgainstPaper(rows).filter(c => !c.pass);
  if (failed.length === 0) return;
  const lines = failed.map(c => `  - ${c.quantity}: ours ${formatInUnit(c.ours, c.unit)} vs paper ${formatInUnit(c.paper, c.unit)} (bar ${c.bar})`);
  throw new Error(`${failed.length} of ${rows.length} reproduced numbers are outside their bar:\n${lines.join('\n')}\n` +
    'Re-run the notebook from the top; if it still fails, compare the settings with the paper section named in the table.');
}
