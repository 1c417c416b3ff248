/**
 * Tables: danfojs DataFrames (or plain row objects) shown as readable HTML in the notebook and as
 * aligned text in scripts, with numbers formatted for reading (percentages, 4 significant digits).
 * CSV files of results are in `resultsCsv.ts`, the paper comparison in `paperVsOurs.ts`.
 * @see notebooks/90-plot-gallery.ipynb
 */
import { inspect } from 'util';
import { escapeHtml } from '../core/text';
export { escapeHtml };
import type { DataFrame } from 'danfojs/dist/danfojs-browser/src';
import { displayHtml } from '../viz/display';

export type { DataFrame };
/** The danfojs module type (`dfd.DataFrame`, `dfd.concat`, …). */
export type Danfo = typeof import('danfojs/dist/danfojs-browser/src');

let danfoModule: Danfo | null = null;

/**
 * The danfojs module, loaded on first use (it takes about a second). Notebooks use this instead of
 * `import * as dfd from 'danfojs'`, whose types tslab cannot resolve: `const dfd = ae.danfo()`.
 */
export function danfo(): Danfo {
  if (!danfoModule) danfoModule = require('danfojs') as Danfo;
  return danfoModule;
}

/** A cell value in a table row. */
export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

/** How to print a column: a named style or your own function. */
export type ColumnFormat = 'percent' | 'percent1' | 'percent2' | 'int' | 'fixed2' | 'fixed4' | 'text' | ((v: Cell) => string);

export interface TableOptions {
  caption?: string;
  /** Per-column formats; columns without one get `formatCell`'s default. */
  formats?: Record<string, ColumnFormat>;
  /** Extra CSS classes on the <table> (e.g. for tests or styling). */
  className?: string;
  /** Maximum rows shown (default 50); the rest are summarized in one line. */
  maxRows?: number;
  /** Extra CSS for one cell of the HTML table, e.g. a colour for pass/fail. */
  cellStyle?: (column: string, value: Cell) => string | undefined;
  /** A note under the table (e.g. what its verdicts mean). */
  footnote?: string;
}

/** True for a danfojs DataFrame (checked by shape, so two danfojs copies still work). */
export function isDataFrame(x: unknown): x is DataFrame {
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray((x as DataFrame).columns) &&
    Array.isArray((x as DataFrame).values) &&
    Array.isArray((x as DataFrame).shape)
  );
}

/** A DataFrame from row objects (columns in order of first appearance), or the DataFrame itself. */
export function toDataFrame(data: DataFrame | Row[]): DataFrame {
  if (isDataFrame(data)) return data;
  const rows = checkRows(data, 'toDataFrame');
  const cols = columnsOf(rows);
  const dfd = danfo();
  return new dfd.DataFrame(
    rows.map(r => cols.map(c => (r[c] === undefined ? null : r[c]))),
    { columns: cols },
  );
}

/** Row objects from a DataFrame or rows (copied). */
export function toRows(data: DataFrame | Row[]): Row[] {
  if (!isDataFrame(data)) return checkRows(data, 'toRows').map(r => ({ ...r }));
  const cols = data.columns;
  return (data.values as Cell[][]).map(v => Object.fromEntries(cols.map((c, j) => [c, v[j]])));
}

/**
 * Prints a cell for people: integers as is, other numbers with 4 significant digits, NaN as "—",
 * missing as empty.
 */
export function formatCell(v: Cell, format?: ColumnFormat): string {
  if (typeof format === 'function') return format(v);
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '—';
    if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
    switch (format) {
      case 'percent':
      case 'percent1':
        return formatPercent(v, 1);
      case 'percent2':
        return formatPercent(v, 2);
      case 'int':
        return Math.round(v).toString();
      case 'fixed2':
        return v.toFixed(2);
      case 'fixed4':
        return v.toFixed(4);
      default:
        if (Number.isInteger(v)) return v.toString();
        return Math.abs(v) >= 1e6 || Math.abs(v) < 1e-4 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
    }
  }
  return String(v);
}

/** A fraction as a percentage: 0.8941 → "89.4%". */
export function formatPercent(fraction: number, decimals = 1): string {
  if (!Number.isFinite(fraction)) return formatCell(fraction);
  return `${(100 * fraction).toFixed(decimals)}%`;
}

/** The table as an HTML string (escaped), numbers right-aligned. */
export function tableHtml(data: DataFrame | Row[], opts: TableOptions = {}): string {
  const { cols, cells, more } = formatted(data, opts);
  const numeric = cols.map((_, j) => cells.every(r => r[j].numeric || r[j].text === ''));
  const th = cols.map((c, j) => `<th style="text-align:${numeric[j] ? 'right' : 'left'}">${escapeHtml(c)}</th>`).join('');
  const body = cells
    .map(
      r =>
        '<tr>' +
        r
          .map(
            (c, j) => `<td style="text-align:${numeric[j] ? 'right' : 'left'}${c.style ? ';' + c.style : ''}">${escapeHtml(c.text)}</td>`,
          )
          .join('') +
        '</tr>',
    )
    .join('\n');
  const caption = opts.caption
    ? `<div class="aelab-caption" style="font-weight:600;margin:6px 0 2px">${escapeHtml(opts.caption)}</div>`
    : '';
  const note = more > 0 ? `<tr><td colspan="${cols.length}" style="color:#666">… ${more} more rows</td></tr>` : '';
  return (
    `<div class="aelab-table-block">${caption}` +
    `<table class="aelab-table${opts.className ? ' ' + opts.className : ''}" style="border-collapse:collapse;font-variant-numeric:tabular-nums;margin:2px 0 6px">` +
    `<thead><tr>${th}</tr></thead><tbody>\n${body}${note}</tbody></table>` +
    (opts.footnote
      ? `<div class="aelab-table-note" style="color:#555;font-size:90%;max-width:60em;margin:0 0 6px">${escapeHtml(opts.footnote)}</div>`
      : '') +
    '</div>' +
    '<style>.aelab-table th,.aelab-table td{padding:3px 10px;border-bottom:1px solid #ddd}.aelab-table thead th{border-bottom:2px solid #888}</style>'
  );
}

/** The table as aligned plain text (for scripts and logs). */
export function tableText(data: DataFrame | Row[], opts: TableOptions = {}): string {
  const { cols, cells, more } = formatted(data, opts);
  const widths = cols.map((c, j) => Math.max(c.length, ...cells.map(r => r[j].text.length)));
  const line = (texts: string[]) =>
    texts
      .map((t, j) => t.padEnd(widths[j]))
      .join('  ')
      .trimEnd();
  const out = [line(cols), widths.map(w => '-'.repeat(w)).join('  '), ...cells.map(r => line(r.map(c => c.text)))];
  if (more > 0) out.push(`… ${more} more rows`);
  if (opts.footnote) out.push(opts.footnote);
  return (opts.caption ? opts.caption + '\n' : '') + out.join('\n');
}

/**
 * Shows a table in the notebook (text in scripts) and returns it as a DataFrame. Printing that
 * DataFrame (e.g. as a cell's last expression) gives a one-line summary, not a dump.
 */
export function showTable(data: DataFrame | Row[], opts: TableOptions = {}): DataFrame {
  const df = toDataFrame(data);
  displayHtml(tableHtml(df, opts), tableText(df, opts));
  return quietFrame(df);
}

/** Makes util.inspect / console.log of `df` a one-line summary (the table itself was shown). */
export function quietFrame(df: DataFrame): DataFrame {
  Object.defineProperty(df, inspect.custom, {
    value: () => `DataFrame ${df.shape[0]} rows × ${df.shape[1]} columns [${df.columns.join(', ')}] (shown above; df.print() prints it)`,
    enumerable: false,
    configurable: true,
  });
  return df;
}

interface FormattedCell {
  text: string;
  numeric: boolean;
  style?: string;
}

function formatted(data: DataFrame | Row[], opts: TableOptions) {
  const rows = toRows(data);
  const cols = isDataFrame(data) ? data.columns.slice() : columnsOf(rows);
  const max = opts.maxRows ?? 50;
  const shown = rows.slice(0, max);
  const cells: FormattedCell[][] = shown.map(r =>
    cols.map(c => {
      const v = r[c],
        f = opts.formats?.[c];
      return { text: formatCell(v, f), numeric: typeof v === 'number' && f !== 'text', style: opts.cellStyle?.(c, v) };
    }),
  );
  return { cols, cells, more: rows.length - shown.length };
}

function checkRows(data: unknown, where: string): Row[] {
  if (!Array.isArray(data)) throw new Error(`${where}: expected a DataFrame or an array of row objects, got ${typeof data}.`);
  data.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw new Error(`${where}: row ${i} is ${Array.isArray(r) ? 'an array' : String(r)}; expected an object {column: value}.`);
  });
  return data as Row[];
}

function columnsOf(rows: Row[]): string[] {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}
