/**
 * What scripts/coursework/grade.js writes: the gradebook CSV, Gradescope's results.json, and a self-contained
 * feedback page per submission (no scripts, no network; HTML produced by student code is not shown).
 */
'use strict';
const cw = require('./coursework');
const { errorSummary } = require('./grade-core');

const { escapeHtml: esc, csvField } = require('../common/text');
const fmt = n => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** Gradebook columns: one per graded item, in the order of the instructor notebooks. */
function gradebookColumns(results) {
  const cols = [];
  for (const r of results) {
    for (const e of [...(r.exercises || []), ...(r.manual || [])]) {
      if (!cols.some(c => c.id === e.id && c.notebook === r.notebook)) {
        cols.push({
          id: e.id,
          notebook: r.notebook,
          header: `${e.exercise} (${e.points}${e.kind === 'manual' ? ', manual' : ''})`,
          kind: e.kind,
        });
      }
    }
  }
  // Same header in two notebooks (the fixture and a real one, say): say which notebook.
  for (const c of cols) if (cols.filter(d => d.header === c.header).length > 1) c.header = `${c.notebook} ${c.header}`;
  return cols;
}

/** The gradebook: student, notebook, file, status, one column per exercise, total, max, manual_max, flags. */
function gradebookCsv(results) {
  const cols = gradebookColumns(results);
  const rows = [['student', 'notebook', 'file', 'status', ...cols.map(c => c.header), 'total', 'max', 'manual_max', 'flags']];
  const sorted = [...results].sort(
    (a, b) => a.student.localeCompare(b.student) || String(a.notebook).localeCompare(String(b.notebook)) || a.file.localeCompare(b.file),
  );
  for (const r of sorted) {
    const cells = cols.map(c => {
      if (r.notebook !== c.notebook) return '';
      const e = (r.exercises || []).find(x => x.id === c.id);
      return e ? fmt(e.score) : ''; // manual items stay empty for the teacher to fill in
    });
    const graded = r.status === 'graded';
    rows.push([
      r.student,
      r.notebook || '',
      r.file,
      r.status,
      ...cells,
      graded ? fmt(r.total) : '',
      graded ? fmt(r.max) : '',
      graded ? fmt(r.manualMax) : '',
      [r.error, ...(r.flags || [])].filter(Boolean).join('; '),
    ]);
  }
  return rows.map(row => row.map(csvField).join(',')).join('\n') + '\n';
}

/**
 * Gradescope's autograder results (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
 * score, execution_time, output and its output_format, and one test per exercise. An exercise with
 * hidden tests is two tests: its visible checks (0 points, visible now, so students see what they
 * saw in their notebook) and all its checks with the points (visibility "after_due_date"), so the
 * hidden checks' outcome and output are not shown before the due date. Explain answers are listed
 * in `output` (grade them by hand in Gradescope). Gradescope shows the total `score` to students
 * unless the assignment hides autograder results.
 */
function gradescopeResults(r) {
  const base = {
    execution_time: Math.round(r.seconds || 0),
    output_format: 'text',
    test_output_format: 'text',
    test_name_format: 'text',
    stdout_visibility: 'hidden',
  };
  if (r.status !== 'graded')
    return {
      score: 0,
      ...base,
      output: `This submission could not be graded: ${r.error}`,
      tests: [],
      extra_data: { student: r.student, file: r.file },
    };
  const pending = (r.manual || []).map(
    m =>
      `Exercise ${m.exercise} (${m.points} point${m.points === 1 ? '' : 's'}) is graded by hand${m.answered ? '' : ' — no answer was found'}.`,
  );
  const tests = [];
  for (const e of r.exercises || []) {
    const hidden = e.hasHidden;
    const status = e.score ? 'passed' : 'failed';
    if (hidden) {
      const shown =
        e.visiblePassed === true
          ? 'The visible checks passed (as in your notebook).'
          : e.visiblePassed === false
            ? `The visible checks did not pass:\n${e.output}`
            : '';
      tests.push({
        name: `Exercise ${e.exercise}: visible checks`,
        number: `${e.exercise}.a`,
        score: 0,
        max_score: 0,
        status: e.visiblePassed ? 'passed' : 'failed',
        visibility: 'visible',
        output: shown,
        output_format: 'text',
      });
    }
    tests.push({
      name: `Exercise ${e.exercise}${hidden ? ': all checks, hidden ones included' : ''} (${e.id})`,
      number: hidden ? `${e.exercise}.b` : e.exercise,
      score: e.score,
      max_score: e.points,
      status,
      visibility: hidden ? 'after_due_date' : 'visible',
      output: e.output || (e.score ? 'passed' : ''),
      output_format: 'text',
    });
  }
  return {
    score: r.total,
    ...base,
    output: [`Autograded: ${fmt(r.total)} / ${fmt(r.max)} points.`, ...pending, ...(r.flags || []).map(f => `Note: ${f}`)].join('\n'),
    tests,
    extra_data: { student: r.student, notebook: r.notebook, file: r.file, flags: r.flags || [] },
  };
}

/** A small Markdown renderer: headings, fenced code, lists as lines, paragraphs, `code`, **bold**, *italic*. */
function markdown(text) {
  const inline = s =>
    esc(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
      .replace(/(^|[^*\w])\*([^*\s][^*]*)\*/g, '$1<i>$2</i>');
  const out = [];
  const blocks = text.replace(/<!--[\s\S]*?-->/g, '').split(/\n```[^\n]*\n([\s\S]*?)\n```/);
  blocks.forEach((b, k) => {
    if (k % 2 === 1) {
      out.push(`<pre>${esc(b)}</pre>`);
      return;
    }
    for (const para of b.split(/\n\s*\n/)) {
      const m = /^\s{0,3}(#{1,6})\s+(.*)$/.exec(para.trim());
      if (m && !para.trim().includes('\n')) out.push(`<h${m[1].length + 1}>${inline(m[2])}</h${m[1].length + 1}>`);
      else if (para.trim()) out.push(`<p>${para.trim().split('\n').map(inline).join('<br>')}</p>`);
    }
  });
  return out.join('\n');
}

const clip = (s, n = 20000) => (s.length > n ? `${s.slice(0, n)}\n… (${s.length - n} more characters not shown)` : s);

/** Consecutive prints to the same stream shown as one block. */
function mergeStreams(outputs) {
  const out = [];
  for (const o of outputs) {
    const last = out[out.length - 1];
    if (o.output_type === 'stream' && last && last.output_type === 'stream' && last.name === o.name) last.text += cw.src(o.text);
    else out.push(o.output_type === 'stream' ? { ...o, text: cw.src(o.text) } : o);
  }
  return out;
}

function outputHtml(o) {
  if (o.output_type === 'stream' && o.name === 'stderr') return `<pre class="stderr">${esc(clip(errorSummary(o.text) || o.text))}</pre>`;
  if (o.output_type === 'stream') return `<pre class="out">${esc(clip(o.text))}</pre>`;
  if (o.output_type === 'error') return `<pre class="stderr">${esc(clip(`${o.ename}: ${o.evalue}`))}</pre>`;
  const d = o.data || {};
  if (typeof d['image/png'] === 'string' && /^[A-Za-z0-9+/=\s]+$/.test(d['image/png']))
    return `<img alt="image output" src="data:image/png;base64,${d['image/png'].replace(/\s/g, '')}">`;
  if (d['text/plain']) return `<pre class="out">${esc(clip(cw.src(d['text/plain'])))}</pre>`;
  if (d['text/html']) return '<p class="note">(an HTML output, e.g. a plot or table: not shown in this feedback)</p>';
  return '';
}

/** Hidden tests stay hidden in feedback: their code is replaced by one comment line. */
function shownSource(cell) {
  const text = cw.src(cell.source);
  if (!cw.hasRegion(text, cw.HIDDEN)) return text;
  return cw.mapRegions(text, cw.HIDDEN, (region, indent) => [
    `${indent}// … hidden tests (${region.length - 2} lines, run by the grader) …`,
  ]).text;
}

const CSS = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:980px;margin:24px auto;padding:0 16px;color:#222}
pre{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px;padding:8px;overflow-x:auto;font:13px/1.4 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap}
pre.out{background:#fff}pre.stderr{background:#fff5f5;border-color:#f5c2c7;color:#8a1c1c}.cell{margin:10px 0}
.badge{font-weight:600;padding:4px 8px;border-radius:4px;margin:14px 0 2px;display:inline-block}.pass{background:#e6f4ea;color:#1e6b34}
.fail{background:#fde8e8;color:#a11}.manual{background:#eef2ff;color:#33429a}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 10px;text-align:left}
.flags{background:#fff8e1;border:1px solid #f0d68a;border-radius:4px;padding:6px 12px}.note{color:#666;font-style:italic}`;

/** The feedback page: summary, flags, then the graded notebook with each test's outcome and points. */
function feedbackHtml(r, executed) {
  const title = `${r.notebook || r.file} — ${r.student}`;
  const head = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${CSS}</style></head><body>`;
  if (r.status !== 'graded') {
    return `${head}<h1>${esc(title)}</h1><p class="badge fail">Not graded</p><p>${esc(r.error)}</p><p>File: <code>${esc(r.file)}</code></p></body></html>\n`;
  }
  const rows = [
    ...r.exercises.map(
      e =>
        `<tr><td>${esc(e.exercise)}</td><td>${e.score ? '✓ passed' : `✗ ${esc(e.status === 'ok' ? '' : e.status === 'error' ? 'failed' : e.status)}`}</td><td>${fmt(e.score)} / ${fmt(e.points)}</td></tr>`,
    ),
    ...r.manual.map(
      m =>
        `<tr><td>${esc(m.exercise)}</td><td>graded by hand${m.answered ? '' : ' (no answer found)'}</td><td>– / ${fmt(m.points)}</td></tr>`,
    ),
  ].join('');
  const flags = r.flags.length
    ? `<div class="flags"><b>Notes from the grader</b><ul>${r.flags.map(f => `<li>${esc(f)}</li>`).join('')}</ul></div>`
    : '';
  const byId = new Map([...r.exercises, ...r.manual].map(e => [e.id, e]));
  const cells = (executed ? executed.cells : [])
    .map(c => {
      const e = byId.get(cw.gradeId(c));
      let badge = '';
      if (e && e.kind === 'auto')
        badge = `<div class="badge ${e.score ? 'pass' : 'fail'}">Exercise ${esc(e.exercise)} tests: ${e.score ? '✓ passed' : '✗ not passed'} — ${fmt(e.score)} / ${fmt(e.points)} points</div>`;
      if (e && e.kind === 'manual')
        badge = `<div class="badge manual">Exercise ${esc(e.exercise)} answer: ${fmt(e.points)} point${e.points === 1 ? '' : 's'}, graded by hand</div>`;
      const body =
        c.cell_type === 'markdown'
          ? markdown(cw.src(c.source))
          : c.cell_type === 'code'
            ? `<pre>${esc(shownSource(c))}</pre>${mergeStreams(c.outputs || [])
                .map(outputHtml)
                .join('')}`
            : `<pre>${esc(cw.src(c.source))}</pre>`;
      return `<div class="cell">${badge}${body}</div>`;
    })
    .join('\n');
  return `${head}<h1>${esc(title)}</h1>
<p>Autograded score: <b>${fmt(r.total)} / ${fmt(r.max)}</b>${r.manualMax ? ` (plus ${fmt(r.manualMax)} point${r.manualMax === 1 ? '' : 's'} graded by hand)` : ''} · graded ${esc(r.gradedAt)} · file <code>${esc(r.file)}</code></p>
<table><tr><th>Exercise</th><th>Result</th><th>Points</th></tr>${rows}</table>${flags}
<h2>Your notebook as graded</h2><p class="note">Test cells are the instructor's versions; hidden tests ran but their code is not shown.</p>
${cells}</body></html>\n`;
}

module.exports = { gradebookCsv, gradescopeResults, feedbackHtml, markdown };
