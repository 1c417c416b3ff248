// Tables: formatting, HTML/text rendering, CSV round trip, and the paper-vs-ours verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import {
  formatCell, formatPercent, tableHtml, tableText, toDataFrame, toRows, showTable, danfo,
  toCsv, parseCsv, writeResultsCsv, readResultsCsv, checkAgainstPaper, paperVsOurs, paperVsOursHtml,
  assertMatchesPaper, PaperRow,
} from '../../src/internals';
import { setNotebookDisplayForTests } from '../../src/viz/display';

test('formatCell: integers as is, 4 significant digits, percentages, NaN as a dash', () => {
  assert.equal(formatCell(60000), '60000');
  assert.equal(formatCell(0.123456), '0.1235');
  assert.equal(formatCell(NaN), '—');
  assert.equal(formatCell(null), '');
  assert.equal(formatCell(0.8941, 'percent'), '89.4%');
  assert.equal(formatCell(0.00941, 'percent2'), '0.94%');
  assert.equal(formatPercent(1), '100.0%');
  assert.equal(formatCell(1e-7), '1.000e-7');
});

test('tableHtml escapes, aligns numbers right and shows the caption; tableText aligns columns', () => {
  const rows = [{ model: '<b>maxout</b>', error: 0.0094 }, { model: 'softmax', error: 0.08 }];
  const html = tableHtml(rows, { caption: 'Test error', formats: { error: 'percent2' } });
  assert.match(html, /<div class="aelab-caption"[^>]*>Test error<\/div><table/);
  assert.match(html, /&lt;b&gt;maxout&lt;\/b&gt;/);
  assert.match(html, /<td style="text-align:right">0\.94%<\/td>/);
  const text = tableText(rows, { formats: { error: 'percent2' } }).split('\n');
  assert.equal(text[0], 'model          error');
  assert.equal(text[2], '<b>maxout</b>  0.94%');
});

test('DataFrame ↔ rows, and showTable returns a DataFrame that prints as one line', () => {
  const df = toDataFrame([{ a: 1, b: 'x' }, { a: 2.5, c: true }]);
  assert.deepEqual(df.columns, ['a', 'b', 'c']);
  assert.deepEqual(df.shape, [2, 3]);
  assert.deepEqual(toRows(df)[1], { a: 2.5, b: null, c: true });
  assert.ok(danfo().DataFrame, 'danfojs loads in node');
  const shown: string[] = [];
  setNotebookDisplayForTests(h => shown.push(h));
  let out;
  try { out = showTable(df, { caption: 'c' }); } finally { setNotebookDisplayForTests(undefined); }
  assert.equal(shown.length, 1);
  assert.match(shown[0], /<table class="aelab-table"/);
  assert.match(inspect(out), /^DataFrame 2 rows × 3 columns \[a, b, c\]/);
  assert.throws(() => toDataFrame([[1, 2]] as never), /row 0 is an array/);
});

test('CSV: quoting and types survive a round trip through data/results-style files', () => {
  const rows = [
    { model: 'maxout, dropout', epsilon: 0.25, error: 0.894, note: 'said "hi"\nthen left', ok: true, missing: null },
    { model: 'softmax', epsilon: 0.1, error: NaN, note: ' padded ', ok: false, missing: null },
  ];
  const csv = toCsv(rows);
  assert.equal(csv.split('\n')[0], 'model,epsilon,error,note,ok,missing');
  assert.ok(csv.includes('"maxout, dropout"'));
  const back = parseCsv(csv);
  assert.equal(back.length, 2);
  assert.deepEqual(back[0], rows[0]);
  assert.ok(Number.isNaN(back[1].error as number));
  assert.equal(back[1].note, ' padded ');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-csv-'));
  try {
    const file = writeResultsCsv('sweep', toDataFrame(rows), { dir });
    assert.equal(file, path.join(dir, 'sweep.csv'));
    assert.deepEqual(readResultsCsv('sweep', { dir })[0], rows[0]);
    assert.throws(() => writeResultsCsv('../evil', rows, { dir }), /must be letters/);
    assert.throws(() => readResultsCsv('absent', { dir }), /No results file/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  assert.equal(parseCsv('a,b\n"x,1",2\r\n').length, 1);
  assert.deepEqual(parseCsv('a,b\n"007",2\n')[0], { a: '007', b: 2 }, 'quoted numbers stay text');
  assert.throws(() => parseCsv('a,b\n1\n'), /line 2 has 1 fields/);
});

const ROWS: PaperRow[] = [
  { quantity: 'maxout error at ε=.25', paper: 0.894, ours: 0.871, tolerance: 0.03, unit: '%' },
  { quantity: 'shallow softmax error at ε=.25', paper: 0.999, ours: 0.95, tolerance: 0.02, unit: '%' },
  { quantity: 'mean confidence on errors', paper: 0.977, ours: 0.981, atLeast: 0.9, unit: '%' },
  { quantity: 'epochs', paper: null, ours: 12, atMost: 10 },
];

test('paperVsOurs logic: tolerance is two-sided, atMost/atLeast one-sided, NaN fails', () => {
  const v = checkAgainstPaper(ROWS);
  assert.deepEqual(v.map(c => c.pass), [true, false, true, false]);
  assert.ok(Math.abs(v[0].difference! - -0.023) < 1e-12);
  assert.equal(v[3].difference, null);
  assert.equal(v[0].bar, '±3.0 pp');
  assert.equal(v[2].bar, '≥ 90.0%');
  assert.equal(checkAgainstPaper([{ quantity: 'edge', paper: 0.5, ours: 0.53, tolerance: 0.03, unit: '%' }])[0].pass, true, 'exactly on the bar passes');
  assert.equal(checkAgainstPaper([{ quantity: 'nan', paper: 0.5, ours: NaN, tolerance: 1 }])[0].pass, false);
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', paper: 1, ours: 1 }]), /states no bar/);
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', paper: 89.4, ours: 0.9, tolerance: 1, unit: '%' }]), /as fractions/);
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', paper: null, ours: 1, tolerance: 1 }]), /needs a paper number/);
});

test('paperVsOurs shows a pass/FAIL table, returns raw numbers, and assertMatchesPaper throws on drift', () => {
  const html = paperVsOursHtml(ROWS);
  assert.match(html, /class="aelab-table aelab-paper-vs-ours"/);
  assert.match(html, /89\.4%/);
  assert.match(html, /−2\.3 pp/);
  assert.equal(html.match(/>pass</g)!.length, 2);
  assert.equal(html.match(/>FAIL</g)!.length, 2);
  const shown: string[] = [];
  setNotebookDisplayForTests(h => shown.push(h));
  let df;
  try { df = paperVsOurs(ROWS, { caption: 'Table 1' }); } finally { setNotebookDisplayForTests(undefined); }
  assert.equal(shown.length, 1);
  assert.match(shown[0], /Table 1/);
  assert.deepEqual(df.columns, ['quantity', 'unit', 'paper', 'ours', 'difference', 'bar', 'pass']);
  assert.deepEqual(toRows(df).map(r => r.pass), [true, false, true, false]);
  assert.throws(() => assertMatchesPaper(ROWS), (e: Error) =>
    /2 of 4 reproduced numbers are outside their bar/.test(e.message) && /shallow softmax/.test(e.message) && !/maxout error/.test(e.message));
  assert.doesNotThrow(() => assertMatchesPaper([ROWS[0], ROWS[2]]));
});
