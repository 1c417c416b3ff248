// Tables: formatting, HTML/text rendering, CSV round trip, and the paper-vs-ours verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import {
  formatCell,
  formatPercent,
  tableHtml,
  tableText,
  toDataFrame,
  toRows,
  showTable,
  danfo,
  toCsv,
  parseCsv,
  writeResultsCsv,
  readResultsCsv,
  checkAgainstPaper,
  paperVsOurs,
  paperVsOursHtml,
  assertMatchesPaper,
  PaperRow,
  wilsonInterval,
  samplingBand,
  showMarkdown,
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
  const rows = [
    { model: '<b>maxout</b>', error: 0.0094 },
    { model: 'softmax', error: 0.08 },
  ];
  const html = tableHtml(rows, { caption: 'Test error', formats: { error: 'percent2' } });
  assert.match(html, /<div class="aelab-caption"[^>]*>Test error<\/div><table/);
  assert.match(html, /&lt;b&gt;maxout&lt;\/b&gt;/);
  assert.match(html, /<td style="text-align:right">0\.94%<\/td>/);
  const text = tableText(rows, { formats: { error: 'percent2' } }).split('\n');
  assert.equal(text[0], 'model          error');
  assert.equal(text[2], '<b>maxout</b>  0.94%');
});

test('DataFrame ↔ rows, and showTable returns a DataFrame that prints as one line', () => {
  const df = toDataFrame([
    { a: 1, b: 'x' },
    { a: 2.5, c: true },
  ]);
  assert.deepEqual(df.columns, ['a', 'b', 'c']);
  assert.deepEqual(df.shape, [2, 3]);
  assert.deepEqual(toRows(df)[1], { a: 2.5, b: null, c: true });
  assert.ok(danfo().DataFrame, 'danfojs loads in node');
  const shown: string[] = [];
  setNotebookDisplayForTests(h => shown.push(h));
  let out;
  try {
    out = showTable(df, { caption: 'c' });
  } finally {
    setNotebookDisplayForTests(undefined);
  }
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
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
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

test('paperVsOurs verdicts: tolerance → reproduced, bar only → direction only, NaN never passes', () => {
  const v = checkAgainstPaper(ROWS);
  assert.deepEqual(
    v.map(c => c.verdict),
    ['reproduced', 'not reproduced', 'direction only', 'not reproduced'],
  );
  assert.deepEqual(
    v.map(c => c.pass),
    [true, false, true, false],
  );
  assert.ok(Math.abs(v[0].difference! - -0.023) < 1e-12);
  assert.equal(v[3].difference, null);
  assert.equal(v[0].bar, 'reproduced: ±3.0 pp');
  assert.equal(v[2].bar, '≥ 90.0%');
  assert.equal(
    checkAgainstPaper([{ quantity: 'edge', paper: 0.5, ours: 0.53, tolerance: 0.03, unit: '%' }])[0].verdict,
    'reproduced',
    'exactly on the tolerance is reproduced',
  );
  assert.equal(checkAgainstPaper([{ quantity: 'nan', paper: 0.5, ours: NaN, tolerance: 1 }])[0].pass, false);
  assert.equal(
    checkAgainstPaper([{ quantity: 'within, bar fails', paper: 0.5, ours: 0.5, tolerance: 0.1, atLeast: 0.6 }])[0].verdict,
    'not reproduced',
  );
  assert.equal(
    checkAgainstPaper([{ quantity: 'claim holds', paper: null, ours: 0.7, atLeast: 0.6 }])[0].verdict,
    'reproduced',
    'a claim without a number: its bar',
  );
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', paper: 1, ours: 1 }]), /states no bar/);
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', paper: 89.4, ours: 0.9, tolerance: 1, unit: '%' }]), /as fractions/);
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', paper: null, ours: 1, tolerance: 1 }]), /needs a paper number/);
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', paper: 0.5, ours: 0.5, n: 10.5, unit: '%' }]), /positive whole number/);
  assert.throws(() => checkAgainstPaper([{ quantity: 'x', paper: 0.5, ours: 0.5, n: 10 }]), /unit '%'/);
});

test("error rates: a 95 % Wilson interval, and the paper's sampling band as the tolerance", () => {
  // Wilson 95 % for 8/10 (Newcombe 1998, Table I: 0.4902–0.9433) and 0/10 (0–0.2775).
  const [lo, hi] = wilsonInterval(0.8, 10);
  assert.ok(Math.abs(lo - 0.4902) < 1e-4 && Math.abs(hi - 0.9433) < 1e-4, `${lo} ${hi}`);
  const [lo0, hi0] = wilsonInterval(0, 10);
  assert.ok(lo0 === 0 && Math.abs(hi0 - 0.2775) < 1e-4, `${lo0} ${hi0}`);
  assert.throws(() => wilsonInterval(1.2, 10), /0 ≤ p ≤ 1/);
  // The paper's 89.4 % on 10 000 images against ours on 2000: band 1.96·√(.894·.106·(1/2000 + 1/10000)).
  const band = 1.959963984540054 * Math.sqrt(0.894 * 0.106 * (1 / 2000 + 1 / 10000));
  assert.ok(Math.abs(samplingBand(0.894, 2000) - band) < 1e-15);
  const [inside, outside, dirOnly] = checkAgainstPaper([
    { quantity: 'inside', paper: 0.894, ours: 0.894 + 0.9 * band, n: 2000, unit: '%' },
    { quantity: 'outside', paper: 0.894, ours: 0.894 + 1.1 * band, n: 2000, unit: '%' },
    { quantity: 'outside, bar holds', paper: 0.894, ours: 0.95, n: 2000, atLeast: 0.85, unit: '%' },
  ]);
  assert.equal(inside.verdict, 'reproduced');
  assert.equal(outside.verdict, 'not reproduced');
  assert.equal(dirOnly.verdict, 'direction only');
  assert.deepEqual(inside.interval, wilsonInterval(inside.ours, 2000));
  assert.match(inside.bar, /reproduced: ±\d\.\d+ pp \(95 % sampling\)/);
});

test('paperVsOurs shows a verdict table with intervals, returns raw numbers, and assertMatchesPaper throws on drift', () => {
  const html = paperVsOursHtml([...ROWS, { quantity: 'rate', paper: 0.2, ours: 0.25, n: 100, atLeast: 0.1, unit: '%' }]);
  assert.match(html, /class="aelab-table aelab-paper-vs-ours"/);
  assert.match(html, /89\.4%/);
  assert.match(html, /−2\.3 pp/);
  assert.match(html, /<th[^>]*>verdict<\/th>/);
  assert.match(html, /95 % interval \(Wilson\)/);
  assert.match(html, /aelab-table-note/);
  assert.equal(html.match(/>reproduced</g)!.length, 2, 'within the sampling band of 20 % at n = 100');
  assert.equal(html.match(/>direction only</g)!.length, 1);
  assert.equal(html.match(/>not reproduced</g)!.length, 2);
  const shown: string[] = [];
  setNotebookDisplayForTests(h => shown.push(h));
  let df;
  try {
    df = paperVsOurs(ROWS, { caption: 'Table 1' });
  } finally {
    setNotebookDisplayForTests(undefined);
  }
  assert.equal(shown.length, 1);
  assert.match(shown[0], /Table 1/);
  assert.deepEqual(df.columns, ['quantity', 'unit', 'paper', 'ours', 'low', 'high', 'difference', 'bar', 'verdict', 'pass']);
  assert.deepEqual(
    toRows(df).map(r => r.pass),
    [true, false, true, false],
  );
  assert.throws(
    () => assertMatchesPaper(ROWS),
    (e: Error) =>
      /2 of 4 reproduced numbers changed their verdict/.test(e.message) &&
      /shallow softmax/.test(e.message) &&
      !/maxout error/.test(e.message),
  );
  assert.doesNotThrow(() => assertMatchesPaper([ROWS[0], ROWS[2]]));
});

test('expect: a row known not to reproduce passes while it stays so, and fails loudly when it changes', () => {
  const row: PaperRow = {
    quantity: 'adv. training lowers clean error',
    paper: 0.0084,
    ours: 0.0163,
    atMost: 0.012,
    expect: 'not reproduced',
    unit: '%',
  };
  assert.doesNotThrow(() => assertMatchesPaper([row]));
  assert.match(paperVsOursHtml([row]), />not reproduced</);
  assert.throws(() => assertMatchesPaper([{ ...row, ours: 0.011 }]), /direction only, expected not reproduced/);
  assert.match(paperVsOursHtml([{ ...row, ours: 0.011 }]), /direction only \(expected not reproduced\)/);
});

test('showMarkdown displays Markdown in a notebook and prints it elsewhere', () => {
  const shown: string[] = [];
  setNotebookDisplayForTests(h => shown.push(h));
  try {
    showMarkdown('fooled on **92.0 %**');
  } finally {
    setNotebookDisplayForTests(undefined);
  }
  assert.deepEqual(shown, ['fooled on **92.0 %**']);
  assert.throws(() => showMarkdown(42 as unknown as string), /expected a Markdown string/);
});
