/**
 * Live training progress: in a notebook one output updated in place (at most 4 times a second),
 * on a terminal one line rewritten with `\r`, in logs (no TTY) one line per epoch. Plus
 * `historyTable`, the per-epoch table after training.
 * @see notebooks/90-plot-gallery.ipynb
 */
import { NotebookDisplay, inNotebook, newNotebookDisplay } from '../viz/display';
import { DataFrame, Row, escapeHtml, formatPercent, showTable } from '../report/tables';

/** What a trainer reports; every field is optional. */
export interface ProgressFields {
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  loss?: number;
  /** Fractions in [0, 1], shown as percentages. */
  trainError?: number;
  valError?: number;
  valAdversarialError?: number;
  /** Seconds since training started (else measured here). */
  elapsed?: number;
  learningRate?: number;
  /** Seconds this epoch took. */
  seconds?: number;
}

export interface ProgressOptions {
  epochs: number;
  batchesPerEpoch: number;
  label?: string;
  /** 'auto' (default) picks notebook, tty or lines; 'silent' shows nothing. */
  mode?: 'auto' | 'notebook' | 'tty' | 'lines' | 'silent';
  /** Minimum time between two in-place updates (default 250 ms, i.e. ≤ 4 per second). */
  minIntervalMs?: number;
  /** For tests: the clock (ms) and the output. */
  now?: () => number;
  write?: (s: string) => void;
  display?: NotebookDisplay;
}

/** The handle `train` reports to (it fits lib's TrainReporter). */
export interface Progress {
  update(fields: ProgressFields): void;
  epochEnd(fields: ProgressFields): void;
  done(summary?: { seconds?: number; bestEpoch?: number; stoppedEarly?: boolean }): void;
  /** How many times the output was redrawn (for tests and curiosity). */
  readonly renders: number;
}

/** Creates the progress display for a run of `epochs` × `batchesPerEpoch` steps. */
export function createProgress(opts: ProgressOptions): Progress {
  for (const k of ['epochs', 'batchesPerEpoch'] as const) {
    if (!(Number.isInteger(opts?.[k]) && opts[k] > 0)) throw new Error(`createProgress: ${k} = ${opts?.[k]}; expected a whole number ≥ 1.`);
  }
  const now = opts.now ?? (() => Date.now());
  const write =
    opts.write ??
    ((s: string) => {
      process.stdout.write(s);
    });
  const mode =
    opts.mode === undefined || opts.mode === 'auto'
      ? opts.display || inNotebook()
        ? 'notebook'
        : process.stdout.isTTY
          ? 'tty'
          : 'lines'
      : opts.mode;
  const display = mode === 'notebook' ? (opts.display ?? newNotebookDisplay()) : null;
  const minInterval = opts.minIntervalMs ?? 250;
  const label = opts.label ?? 'training';
  const start = now();
  const state: ProgressFields = { epoch: 1, batch: 0 };
  const finished: ProgressFields[] = [];
  let lastRender = -Infinity,
    renders = 0,
    ended = false,
    summary = '';

  const elapsed = () => state.elapsed ?? (now() - start) / 1000;
  const line = () =>
    ended
      ? progressLine(label, state, opts.epochs, opts.batchesPerEpoch, null) + summary
      : progressLine(label, state, opts.epochs, opts.batchesPerEpoch, elapsed());
  const render = () => {
    renders++;
    lastRender = now();
    if (mode === 'notebook' && display)
      display.html(progressHtml(label, line(), fraction(state, opts.epochs, opts.batchesPerEpoch), finished));
    else if (mode === 'tty') write(`\r${line()}\x1b[K`);
  };

  return {
    update(fields) {
      if (ended) return;
      Object.assign(state, fields);
      if ((mode === 'notebook' || mode === 'tty') && now() - lastRender >= minInterval) render();
    },
    epochEnd(fields) {
      if (ended) return;
      Object.assign(state, fields, { batch: opts.batchesPerEpoch });
      finished.push({ ...state });
      if (mode === 'lines') {
        renders++;
        write(line() + '\n');
      } else if (mode === 'notebook' || mode === 'tty') {
        render();
        if (mode === 'tty') write('\n');
      }
    },
    done(s = {}) {
      if (ended) return;
      ended = true;
      const secs = s.seconds ?? elapsed();
      summary = ` · done in ${formatSeconds(secs)}${s.bestEpoch ? `, best epoch ${s.bestEpoch}` : ''}${s.stoppedEarly ? ' (stopped early)' : ''}`;
      if (mode === 'notebook') render();
      else if (mode === 'tty' || mode === 'lines') {
        renders++;
        write(`${label}${summary}\n`);
      }
    },
    get renders() {
      return renders;
    },
  };
}

function fraction(s: ProgressFields, epochs: number, batches: number): number {
  const done = ((s.epoch ?? 1) - 1) * batches + (s.batch ?? 0);
  return Math.min(1, Math.max(0, done / (epochs * batches)));
}

/**
 * "training · epoch 2/10 · batch 50/469 · loss 0.2345 · train err 5.10% · 12s · ETA 48s";
 * without time when `elapsedSeconds` is null.
 */
export function progressLine(label: string, s: ProgressFields, epochs: number, batches: number, elapsedSeconds: number | null): string {
  const parts = [label, `epoch ${s.epoch ?? 1}/${s.epochs ?? epochs}`, `batch ${s.batch ?? 0}/${s.batches ?? batches}`];
  if (s.loss !== undefined) parts.push(`loss ${Number.isFinite(s.loss) ? s.loss.toFixed(4) : s.loss}`);
  const pct = (v: number | undefined, name: string) => {
    if (v !== undefined && Number.isFinite(v)) parts.push(`${name} ${formatPercent(v, 2)}`);
  };
  pct(s.trainError, 'train err');
  pct(s.valError, 'val err');
  pct(s.valAdversarialError, 'val adv err');
  const f = fraction(s, epochs, batches);
  if (elapsedSeconds === null) return parts.join(' · ');
  parts.push(formatSeconds(elapsedSeconds));
  if (f > 0 && f < 1) parts.push(`ETA ${formatSeconds((elapsedSeconds * (1 - f)) / f)}`);
  return parts.join(' · ');
}

/** 7.3 → "7.3s", 125 → "2m05s", 4000 → "1h06m". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function progressHtml(label: string, line: string, f: number, epochs: ProgressFields[]): string {
  const rows = epochs
    .slice(-12)
    .map(
      e =>
        `<tr><td>${e.epoch}</td><td>${e.loss?.toFixed(4) ?? ''}</td><td>${pctCell(e.trainError)}</td><td>${pctCell(e.valError)}</td></tr>`,
    )
    .join('');
  const table = rows
    ? `<table class="aelab-table" style="border-collapse:collapse;margin-top:4px;font-size:12px">` +
      `<thead><tr><th>epoch</th><th>loss</th><th>train err</th><th>val err</th></tr></thead><tbody>${rows}</tbody></table>`
    : '';
  return (
    `<div class="aelab-progress" style="font:13px system-ui,sans-serif">` +
    `<div style="width:320px;height:8px;background:#e0e0e0;border-radius:4px;overflow:hidden;margin:2px 0 4px">` +
    `<div style="width:${(100 * f).toFixed(1)}%;height:100%;background:#4e79a7"></div></div>` +
    `<div style="font-variant-numeric:tabular-nums"><b>${escapeHtml(label)}</b>${escapeHtml(line.slice(label.length))}</div>${table}</div>`
  );
}

function pctCell(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '—' : formatPercent(v, 2);
}

/** A training history: lib's `{epochs: EpochRecord[]}`, an array of epoch records, or tf.js's `{history: {loss: [...]}}`. */
export type HistoryLike = { epochs: ProgressFields[] } | ProgressFields[] | { history: Record<string, number[]>; epoch?: number[] };

/** Per-epoch rows of any `HistoryLike`. */
export function historyRows(h: HistoryLike): Row[] {
  if (Array.isArray(h)) return h.map(r => ({ ...r }));
  if (h && Array.isArray((h as { epochs?: unknown }).epochs)) return (h as { epochs: ProgressFields[] }).epochs.map(r => ({ ...r }));
  const tfh = (h as { history?: Record<string, number[]> })?.history;
  if (tfh && typeof tfh === 'object') {
    const keys = Object.keys(tfh);
    const n = Math.max(0, ...keys.map(k => tfh[k].length));
    return Array.from({ length: n }, (_, i) => ({
      epoch: (h as { epoch?: number[] }).epoch?.[i] ?? i + 1,
      ...Object.fromEntries(keys.map(k => [k, tfh[k][i]])),
    }));
  }
  throw new Error('historyTable: expected a History {epochs: [...]}, an array of epoch records, or a tf.js History {history: {...}}.');
}

/** Shows the per-epoch history as a table (error rates as percentages) and returns it. */
export function historyTable(h: HistoryLike, opts: { caption?: string } = {}): DataFrame {
  const rows = historyRows(h);
  if (rows.length === 0) throw new Error('historyTable: the history has no epochs (did training run?).');
  const formats: Record<string, 'percent2' | 'fixed4'> = {};
  for (const k of Object.keys(rows[0])) {
    if (/error|acc/i.test(k)) formats[k] = 'percent2';
    else if (/loss/i.test(k)) formats[k] = 'fixed4';
  }
  return showTable(rows, { caption: opts.caption ?? 'Training history', formats });
}
