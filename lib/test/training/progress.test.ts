// Training progress: throttled in-place updates, one line per epoch without a TTY, ETA, and the
// history table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'util';
import { createProgress, progressLine, formatSeconds, historyRows, historyTable, TrainReporter } from '../../src/internals';
import { setNotebookDisplayForTests } from '../../src/viz/display';

function fakeClock() {
  let t = 0;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

test('notebook mode redraws in place at most once per 250 ms, and always at epoch end', () => {
  const clock = fakeClock();
  const draws: { at: number; html: string }[] = [];
  const p = createProgress({
    epochs: 2,
    batchesPerEpoch: 100,
    label: 'maxout',
    now: clock.now,
    display: { html: h => draws.push({ at: clock.now(), html: h }), text: () => undefined },
  });
  for (let b = 1; b <= 100; b++) {
    clock.advance(10);
    p.update({ epoch: 1, batch: b, loss: 1 / b, trainError: 0.5 });
  }
  const during = draws.length;
  assert.ok(during >= 3 && during <= 5, `1 s of updates every 10 ms drew ${during} times`);
  for (let i = 1; i < draws.length; i++) assert.ok(draws[i].at - draws[i - 1].at >= 250, 'throttled to ≤ 4 per second');
  p.epochEnd({ epoch: 1, loss: 0.1, trainError: 0.05, valError: 0.04 });
  assert.equal(draws.length, during + 1, 'epoch end always draws');
  assert.match(draws[draws.length - 1].html, /<td>1<\/td><td>0\.1000<\/td><td>5\.00%<\/td><td>4\.00%<\/td>/);
  p.done({ seconds: 3, bestEpoch: 1 });
  assert.match(draws[draws.length - 1].html, /done in 3\.0s, best epoch 1/);
  const n = draws.length;
  p.update({ batch: 5 });
  p.done();
  assert.equal(draws.length, n, 'nothing after done');
  assert.equal(p.renders, n);
});

test('without a TTY: exactly one line per epoch plus a final line, nothing per batch', () => {
  const out: string[] = [];
  const clock = fakeClock();
  const p = createProgress({ epochs: 3, batchesPerEpoch: 10, mode: 'lines', label: 'lr', now: clock.now, write: s => out.push(s) });
  for (let e = 1; e <= 3; e++) {
    for (let b = 1; b <= 10; b++) {
      clock.advance(100);
      p.update({ epoch: e, batch: b, loss: 0.5 });
    }
    p.epochEnd({ epoch: e, loss: 0.5 / e, trainError: 0.1 / e });
  }
  p.done();
  assert.equal(out.length, 4);
  assert.ok(out.every(l => l.endsWith('\n') && !l.includes('\r')));
  assert.match(out[0], /^lr · epoch 1\/3 · batch 10\/10 · loss 0\.5000 · train err 10\.00% · 1\.0s · ETA 2\.0s\n$/);
  assert.match(out[3], /^lr · done in 3\.0s\n$/);
});

test('TTY mode rewrites one line with \\r and ends each epoch with a newline', () => {
  const out: string[] = [];
  const clock = fakeClock();
  const p = createProgress({ epochs: 1, batchesPerEpoch: 4, mode: 'tty', now: clock.now, write: s => out.push(s) });
  for (let b = 1; b <= 4; b++) {
    clock.advance(300);
    p.update({ batch: b });
  }
  p.epochEnd({ loss: 1 });
  assert.ok(out.slice(0, 4).every(s => s.startsWith('\r') && !s.includes('\n')));
  assert.equal(out[out.length - 1], '\n');
});

test('progressLine computes the ETA from the fraction done; formatSeconds is readable', () => {
  const line = progressLine('t', { epoch: 2, batch: 50, loss: 0.25, trainError: NaN }, 4, 100, 30);
  assert.equal(line, 't · epoch 2/4 · batch 50/100 · loss 0.2500 · 30s · ETA 50s', 'NaN errors are left out');
  assert.equal(formatSeconds(125), '2m05s');
  assert.equal(formatSeconds(4000), '1h06m');
  assert.throws(() => createProgress({ epochs: 0, batchesPerEpoch: 1 }), /epochs = 0/);
});

test("createProgress fits the trainer's reporter interface", () => {
  const reporter: TrainReporter = createProgress({ epochs: 1, batchesPerEpoch: 1, mode: 'silent' });
  reporter.update({ epoch: 1, epochs: 1, batch: 1, batches: 1, loss: 1, trainError: 0, elapsed: 1 });
  assert.equal((reporter as unknown as { renders: number }).renders, 0, 'silent shows nothing');
});

test('historyTable accepts lib and tf.js histories and formats error rates as percentages', () => {
  const lib = { epochs: [{ epoch: 1, loss: 0.5, trainError: 0.1, valError: 0.12, learningRate: 1e-3, seconds: 2 }] };
  assert.deepEqual(historyRows(lib)[0], lib.epochs[0]);
  const tfh = { history: { loss: [0.9, 0.5], acc: [0.7, 0.8] }, epoch: [0, 1] };
  assert.deepEqual(historyRows(tfh), [
    { epoch: 0, loss: 0.9, acc: 0.7 },
    { epoch: 1, loss: 0.5, acc: 0.8 },
  ]);
  const shown: string[] = [];
  setNotebookDisplayForTests(h => shown.push(h));
  let df;
  try {
    df = historyTable(lib);
  } finally {
    setNotebookDisplayForTests(undefined);
  }
  assert.match(shown[0], />10\.00%</);
  assert.match(shown[0], />12\.00%</);
  assert.match(inspect(df), /DataFrame 1 rows × 6 columns/);
  assert.throws(() => historyTable({ epochs: [] }), /no epochs/);
  assert.throws(() => historyRows({} as never), /expected a History/);
});
