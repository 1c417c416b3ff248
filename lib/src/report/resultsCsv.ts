/**
 * Results as CSV files under `data/results/<name>.csv`, so numbers a notebook measured can be
 * compared, plotted or checked later without recomputing. Full precision is kept in the file.
 * @see notebooks/90-plot-gallery.ipynb
 */
import * as fs from 'fs';
import * as path from 'path';
import { Cell, DataFrame, Row, toRows, isDataFrame } from './tables';
import { PROJECT_DIR } from '../core/paths';
import { csvField } from '../core/text';
export { csvField };

/** `<repo>/data/results`, or $AELAB_RESULTS_DIR when set. */
export function resultsDir(): string {
  return process.env.AELAB_RESULTS_DIR ?? path.join(PROJECT_DIR, 'data', 'results');
}

function csvPath(name: string, dir: string): string {
  if (!/^[\w][\w.-]*$/.test(name) || name.endsWith('.csv')) {
    throw new Error(
      `results name '${name}' must be letters, digits, '.', '-' or '_' without ".csv" (e.g. 'fgsm-sweep'); the file is <dir>/<name>.csv.`,
    );
  }
  return path.join(dir, `${name}.csv`);
}

/** The table as CSV text: a header line, then one line per row. */
export function toCsv(data: DataFrame | Row[]): string {
  const rows = toRows(data);
  const cols = isDataFrame(data) ? data.columns : [...new Set(rows.flatMap(r => Object.keys(r)))];
  return [cols.map(c => csvField(c)).join(','), ...rows.map(r => cols.map(c => csvField(r[c])).join(','))].join('\n') + '\n';
}

/** Parses CSV text into rows: numbers, NaN, true/false and empty (null) are typed back. */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = '',
    record: string[] = [],
    quoted = false,
    wasQuoted = false;
  const endField = () => {
    record.push(wasQuoted ? '\u0000' + field : field);
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      records.push(record);
      record = [];
    } else field += ch;
  }
  if (quoted) throw new Error('CSV: a quoted field is not closed (missing ").');
  if (field !== '' || record.length > 0) {
    endField();
    records.push(record);
  }
  if (records.length === 0) throw new Error('CSV: no header line.');
  const header = records[0].map(h => h.replace(/^\u0000/, ''));
  return records
    .slice(1)
    .filter(r => !(r.length === 1 && r[0] === ''))
    .map((r, i) => {
      if (r.length !== header.length) throw new Error(`CSV: line ${i + 2} has ${r.length} fields, the header has ${header.length}.`);
      return Object.fromEntries(header.map((h, j) => [h, typed(r[j])]));
    });
}

function typed(s: string): Cell {
  if (s.startsWith('\u0000')) return s.slice(1); // quoted: always text
  if (s === '') return null;
  if (s === 'NaN') return NaN;
  if (s === 'true' || s === 'false') return s === 'true';
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s) || s === 'Infinity' || s === '-Infinity') return Number(s);
  return s;
}

/** Writes `data/results/<name>.csv` (creating the folder) and returns its path. */
export function writeResultsCsv(name: string, data: DataFrame | Row[], opts: { dir?: string } = {}): string {
  const dir = opts.dir ?? resultsDir();
  const file = csvPath(name, dir);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, toCsv(data));
  return file;
}

/** Reads `data/results/<name>.csv` back as rows. */
export function readResultsCsv(name: string, opts: { dir?: string } = {}): Row[] {
  const file = csvPath(name, opts.dir ?? resultsDir());
  if (!fs.existsSync(file)) throw new Error(`No results file ${file}: run the notebook that writes '${name}' first (or check the name).`);
  return parseCsv(fs.readFileSync(file, 'utf8'));
}
