/**
 * Grading logic without I/O: which assignment a submission is, the notebook that is actually run
 * (locked and test cells restored from the instructor source, hidden tests back in), and the score.
 * Used by scripts/coursework/grade.js.
 */
'use strict';
const crypto = require('crypto');
const cw = require('./coursework');

/** Whitespace-insensitive at line ends and at the end, so an editor's trailing spaces are not "edits". */
const norm = s =>
  s
    .split('\n')
    .map(l => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\s+$/, '');
const firstLine = s =>
  (
    cw
      .src(s)
      .split('\n')
      .find(l => l.trim()) || ''
  )
    .trim()
    .slice(0, 60);

/**
 * Parses submission text. Throws an Error whose message says what is wrong with the file
 * (the caller prefixes the file name).
 */
function parseSubmission(text) {
  if (text.length === 0) throw new Error('not a notebook: the file is empty');
  let nb;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `not a notebook: the file is not valid JSON (${e.message}); save it from Jupyter (File → Save) or download it as .ipynb again`,
    );
  }
  if (!nb || typeof nb !== 'object' || !Array.isArray(nb.cells)) throw new Error('not a notebook: the JSON has no "cells" list');
  if (nb.nbformat !== 4) throw new Error(`not a notebook this grader reads: nbformat ${JSON.stringify(nb.nbformat)}, expected 4`);
  nb.cells.forEach((c, i) => {
    if (!c || !['code', 'markdown', 'raw'].includes(c.cell_type))
      throw new Error(`not a valid notebook: cell ${i + 1} is not a code, markdown or raw cell`);
  });
  return nb;
}

/**
 * The instructor notebook `sub` belongs to: the one sharing most nbgrader grade_ids, else the one
 * with the same first heading or file name. Throws "notebook from another assignment" otherwise.
 * @param sources [{ name, nb, ids: Set, heading }]
 */
function identify(sub, sources, fileStem) {
  const ids = sub.cells.map(cw.gradeId).filter(Boolean);
  let best = null,
    bestCount = 0;
  for (const s of sources) {
    const count = ids.filter(id => s.ids.has(id)).length;
    if (count > bestCount || (count === bestCount && count > 0 && fileStem.endsWith(s.name))) {
      best = s;
      bestCount = count;
    }
  }
  if (best) return best;
  const heading = cw.firstHeading(sub);
  const byName = sources.find(s => (heading && heading === s.heading) || fileStem === s.name || fileStem.endsWith(`__${s.name}`));
  if (byName) return byName;
  throw new Error(
    `notebook from another assignment: none of its exercise cells (grade_ids ${ids.length ? ids.slice(0, 4).join(', ') + (ids.length > 4 ? ', …' : '') : 'none'})` +
      `${heading ? `, its first heading "${heading.slice(0, 60)}"` : ''} or its file name match an instructor notebook (${sources.map(s => s.name).join(', ')}). ` +
      'Check that the right file was handed in.',
  );
}

/**
 * The notebook to execute for `sub`: the student's cells in their order, but every locked or test
 * cell replaced by the instructor's version (hidden tests included), missing ones put back, nbgrader
 * metadata taken from the instructor. Returns { nb, origin: [per cell 'student'|'instructor'|'restored'|'stub'], flags }.
 */
function assemble(sub, source) {
  const inst = source.nb;
  const byId = new Map(inst.cells.filter(cw.gradeId).map(c => [cw.gradeId(c), c]));
  const flags = [],
    cells = [],
    origin = [],
    seen = new Set();
  const clean = c => {
    const out = { cell_type: c.cell_type, metadata: { ...(c.metadata || {}) }, source: cw.src(c.source) };
    delete out.metadata.nbgrader;
    if (c.cell_type === 'code') {
      out.outputs = [];
      out.execution_count = null;
    }
    if (c.attachments) out.attachments = c.attachments;
    return out;
  };
  const fromInstructor = ic => {
    const out = clean(ic);
    out.metadata.nbgrader = { ...cw.nbg(ic) };
    // Markdown is not run: show it as students saw it (no rubric). Code keeps its hidden tests.
    if (ic.cell_type !== 'code') out.source = cw.studentSource(ic, cw.gradeId(ic));
    return out;
  };
  sub.cells.forEach((c, k) => {
    const id = cw.gradeId(c);
    const ic = id && byId.get(id);
    if (!id || !ic || seen.has(id)) {
      if (id && !ic)
        flags.push(
          `cell ${k + 1} has nbgrader id "${id}", which the instructor notebook does not have: run as an ordinary cell, not graded`,
        );
      if (id && ic) flags.push(`cell ${k + 1} repeats the nbgrader id "${id}" (a copied cell?): run as an ordinary cell, not graded`);
      cells.push(clean(c));
      origin.push('student');
      return;
    }
    seen.add(id);
    if (cw.isLocked(ic) || cw.isTest(ic)) {
      const expected = cw.studentSource(ic, id); // what the student got (the instructor's own version is fine too)
      const got = norm(cw.src(c.source));
      if (c.cell_type !== ic.cell_type || (got !== norm(expected) && got !== norm(cw.src(ic.source)))) {
        flags.push(`${cw.isTest(ic) ? 'test' : 'locked'} cell ${id} was edited: restored from the instructor notebook`);
      }
      cells.push(fromInstructor(ic));
      origin.push('instructor');
    } else {
      const out = clean(c);
      out.metadata.nbgrader = { ...cw.nbg(ic) };
      cells.push(out);
      origin.push('student');
    }
  });
  // Put back what was deleted, after the nearest earlier nbgrader cell that is present.
  let previous = null;
  for (const ic of inst.cells) {
    const id = cw.gradeId(ic);
    if (!id) continue;
    if (!seen.has(id)) {
      let at = previous === null ? cells.findIndex(c => cw.gradeId(c)) : cells.findIndex(c => cw.gradeId(c) === previous) + 1;
      if (at < 0) at = cells.length;
      if (cw.isLocked(ic) || cw.isTest(ic)) {
        cells.splice(at, 0, fromInstructor(ic));
        origin.splice(at, 0, 'restored');
        flags.push(`${cw.isTest(ic) ? 'test' : 'locked'} cell ${id} was deleted: restored from the instructor notebook`);
      } else {
        const stub = fromInstructor(ic);
        stub.source = cw.studentSource(ic, id);
        cells.splice(at, 0, stub);
        origin.splice(at, 0, 'stub');
        flags.push(`${cw.isManual(ic) ? 'answer' : 'solution'} cell ${id} was deleted: put back as the empty stub`);
      }
      seen.add(id);
    }
    previous = id;
  }
  cells.forEach((c, i) => {
    c.id = `cell-${i + 1}`;
  });
  const nb = {
    cells,
    metadata: {
      kernelspec: { ...inst.metadata.kernelspec },
      language_info: { ...(inst.metadata.language_info || { name: 'typescript' }) },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return { nb, origin, flags };
}

/**
 * What the kernel's error output says, without node's stack frames and source excerpts:
 * the error line(s) and, for a failed check, its expected / got / hint lines.
 */
function errorSummary(text) {
  const lines = String(text || '')
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    .split('\n');
  const start = lines.findIndex(l => /^(\w*Error\b|\w+Exception\b|✗|Uncaught|\d+:\d+ - )/.test(l.trim()) || /^[A-Z]\w*Error: /.test(l));
  const from = start < 0 ? lines : lines.slice(start);
  const kept = from.filter(l => !/^\s+at\s/.test(l) && l.trim() !== '^').slice(0, 12);
  return kept.join('\n').trim().slice(0, 2000);
}

/** Text printed on stdout by a cell (the ✓ lines of passed checks). */
function stdoutOf(cell) {
  return (cell.outputs || [])
    .filter(o => o.output_type === 'stream' && o.name === 'stdout')
    .map(o => cw.src(o.text))
    .join('');
}

/**
 * The score of an executed assembled notebook. `run` is grade_run.py's RESULT.json.
 * Test cells earn their points when they ran without error; explain answers are listed for manual grading.
 */
function score(source, assembled, executed, run, proofs = null) {
  const exercises = [],
    manual = [],
    flags = [];
  const cellOf = id => assembled.nb.cells.findIndex(c => cw.gradeId(c) === id);
  for (const item of cw.gradedItems(source.nb)) {
    const i = cellOf(item.id);
    if (item.kind === 'manual') {
      const answer = i < 0 ? '' : cw.src(executed.cells[i].source).trim();
      manual.push({ ...item, answer, answered: !!answer && !answer.includes(cw.TEXT_STUB) });
      continue;
    }
    let info = (run.cells || [])[i] || { status: 'not-run' };
    // Sealed runs: "ran without error" counts only with the cell's own proof (see seal()).
    if (info.status === 'ok' && proofs && !(proofs[i] && proofs[i].all)) {
      info = { ...info, status: 'unproven' };
      flags.push(
        `test cell ${item.id} ended without an error but without the grader's proof that its checks ran to the end: 0 points (was the kernel tampered with?)`,
      );
    }
    const ok = info.status === 'ok';
    const stdout = i < 0 ? '' : stdoutOf(executed.cells[i]);
    const problem = ok
      ? ''
      : {
          error: errorSummary(info.stderr || `${info.ename}: ${info.evalue}`) || 'the cell failed',
          timeout: `timed out: ${info.evalue}`,
          memory: info.evalue,
          died: info.evalue,
          flood: info.evalue,
          unproven: 'no proof that the checks ran to the end (see the flags)',
          'not-run': 'not run (the grader stopped before this cell; see the flags)',
        }[info.status] || info.status;
    const visible = proofs && proofs[i] ? proofs[i].visible : null; // null: no proof kept apart for the visible checks
    const hasHidden = i >= 0 && /BEGIN HIDDEN TESTS/.test(cw.src(assembled.nb.cells[i].source));
    exercises.push({
      ...item,
      hasHidden,
      score: ok ? item.points : 0,
      status: info.status,
      visiblePassed: ok ? (visible === null ? null : true) : visible,
      output: [stdout.trim(), problem].filter(Boolean).join('\n'),
    });
  }
  (run.cells || []).forEach((info, i) => {
    const c = assembled.nb.cells[i];
    const where = `cell ${i + 1} (${c ? cw.gradeId(c) || firstLine(c.source) : '?'})`;
    if (['timeout', 'memory', 'died', 'flood'].includes(info.status)) {
      flags.push(
        `${where}: ${{ timeout: 'timed out', memory: 'memory limit', died: 'kernel died', flood: 'flooded its output and was stopped' }[info.status]}`,
      );
    }
    const text = `${info.stderr || ''}\n${info.evalue || ''}`;
    if (/ENOSPC|no space left on device/i.test(text)) flags.push(`${where}: the scratch folder filled up (no space left on device)`);
    if (/UncaughtException:|UnhandledPromiseRejection:/.test(text))
      flags.push(`${where}: an error was thrown after its cell had finished (a timer or promise of an earlier cell?) and printed here`);
  });
  if ((run.restarts || []).length)
    flags.push(`kernel restarted ${run.restarts.length}× (${run.restarts.join('; ')}); earlier cells were run again`);
  if (run.error) flags.push(`grader: ${run.error}`);
  for (const m of manual) if (!m.answered) flags.push(`no answer for exercise ${m.exercise} (${m.id})`);
  const total = exercises.reduce((a, e) => a + e.score, 0);
  const max = exercises.reduce((a, e) => a + e.points, 0);
  const manualMax = manual.reduce((a, m) => a + m.points, 0);
  return { exercises, manual, flags, total, max, manualMax };
}

/**
 * Top-level value names a TypeScript cell declares (variables, functions, classes, enums, imports;
 * not namespaces, which may be types only); types and interfaces are not values. Parsed with the TypeScript compiler.
 */
function topLevelNames(source) {
  const ts = require('typescript');
  const file = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.ES2020, false, ts.ScriptKind.TS);
  const names = new Set();
  const bind = n => {
    if (!n) return;
    if (ts.isIdentifier(n)) names.add(n.text);
    else if (ts.isObjectBindingPattern(n) || ts.isArrayBindingPattern(n))
      n.elements.forEach(e => !ts.isOmittedExpression(e) && bind(e.name));
  };
  for (const st of file.statements) {
    /** @type {any} */
    const anySt = st;
    const declare = (anySt.modifiers || []).some(m => m.kind === ts.SyntaxKind.DeclareKeyword);
    if (declare) continue;
    if (ts.isVariableStatement(st)) st.declarationList.declarations.forEach(d => bind(d.name));
    else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) names.add(st.name.text);
    else if (ts.isImportEqualsDeclaration(st)) names.add(st.name.text);
    else if (ts.isImportDeclaration(st) && st.importClause && !st.importClause.isTypeOnly) {
      const c = st.importClause;
      if (c.name) names.add(c.name.text);
      if (c.namedBindings && ts.isNamespaceImport(c.namedBindings)) names.add(c.namedBindings.name.text);
      else if (c.namedBindings)
        /** @type {import('typescript').NamedImports} */ (c.namedBindings).elements.forEach(e => !e.isTypeOnly && names.add(e.name.text));
    }
  }
  return [...names];
}

const PASS_LINE = /\n?⟦aelab-pass (\d+) ([0-9a-f]{64})⟧\n?/g;
const mac = (secret, text) => crypto.createHmac('sha256', Buffer.from(secret, 'hex')).update(text).digest('hex');

/**
 * The notebook the grader actually runs when it seals the kernel (lib/src/coursework/harness.ts):
 * a first cell of its own that seals the kernel with a fresh secret; each test cell in strict mode,
 * ending with `lock` (fix the names it declares) and `pass` (print the proof that it ran to its end),
 * each with that cell's token; each locked code cell ending with `lock`. Returns { nb, secret,
 * original: [source of each cell of `nb` before sealing, or null for the grader's cell] }.
 * The cell of the assembled notebook at index i is at index i + 1 in the sealed one.
 */
function seal(nb, secret = crypto.randomBytes(32).toString('hex')) {
  const g = '(globalThis as any).__aelabGrader';
  const prelude = {
    cell_type: 'code',
    id: 'grader-seal',
    metadata: { aelab_grader: true },
    execution_count: null,
    outputs: [],
    // The backend first: it patches tfjs (the library's fast kernels), which the seal then freezes.
    source: `await require("aelab").internals.initBackend();\nvoid require("aelab/dist/src/coursework/harness.js").sealForGrading({ secret: "${secret}" });`,
  };
  const original = [null];
  const cells = [prelude];
  nb.cells.forEach((c, i) => {
    const k = i + 1;
    original.push(cw.src(c.source));
    if (c.cell_type !== 'code' || !(cw.isTest(c) || (cw.isLocked(c) && !cw.isSolution(c)))) {
      cells.push(c);
      return;
    }
    let names = [];
    try {
      names = topLevelNames(cw.src(c.source));
    } catch {
      names = [];
    }
    const lock = `${g}.lock(${k}, "${mac(secret, `lock:${k}`)}", { ${names.join(', ')} });`;
    let body = cw.src(c.source).replace(/\s+$/, '');
    // The visible checks' own proof, just before the hidden ones (when those start at the top level).
    if (cw.isTest(c))
      body = body.replace(/^(\/\/[^\n]*BEGIN HIDDEN TESTS)/m, `${g}.pass(${k}, "${mac(secret, `test-visible:${k}`)}", "visible");\n$1`);
    const source = cw.isTest(c) ? `"use strict";\n${body}\n;${lock}\n${g}.pass(${k}, "${mac(secret, `test:${k}`)}");` : `${body}\n;${lock}`;
    cells.push({ ...c, source });
  });
  return { nb: { ...nb, cells }, secret, original };
}

/**
 * Whether cell `k` of the sealed notebook printed its pass lines (`stdout`: the cell's standard output):
 * { all: the whole cell ran to its end, visible: its visible checks did (null: no hidden tests) }.
 */
function passed(secret, k, stdout, cell) {
  const lines = [...String(stdout || '').matchAll(PASS_LINE)].filter(m => Number(m[1]) === k).map(m => m[2]);
  const hasHidden =
    !!cell && /BEGIN HIDDEN TESTS/.test(cw.src(cell.source)) && /\.pass\(\d+, "[0-9a-f]+", "visible"\)/.test(cw.src(cell.source));
  return { all: lines.includes(mac(secret, `pass:${k}`)), visible: hasHidden ? lines.includes(mac(secret, `pass-visible:${k}`)) : null };
}

/**
 * Undoes `seal` on an executed notebook and its run record, for the teacher's and student's eyes:
 * the grader's cell goes, sources are the assembled ones again, pass lines leave the outputs.
 */
function unseal(executed, run, sealed) {
  const cells = executed.cells.slice(1).map((c, i) => {
    const out = { ...c, source: sealed.original[i + 1] };
    if (c.outputs)
      out.outputs = c.outputs
        .map(o => (o.output_type === 'stream' ? { ...o, text: cw.src(o.text).replace(PASS_LINE, '') } : o))
        .filter(o => o.output_type !== 'stream' || o.text);
    return out;
  });
  const runCells = (run.cells || []).slice(1).map((c, i) => ({ ...c, index: i, stdout: String(c.stdout || '').replace(PASS_LINE, '') }));
  // The runner numbered cells with the grader's cell first; number them as the teacher sees them.
  const renumber = text => text && String(text).replace(/\bcell (\d+)\b/g, (m, n) => `cell ${Math.max(1, Number(n) - 1)}`);
  return {
    executed: { ...executed, cells },
    run: { ...run, cells: runCells, seal: (run.cells || [])[0], restarts: (run.restarts || []).map(renumber), error: renumber(run.error) },
  };
}

module.exports = { parseSubmission, identify, assemble, score, errorSummary, norm, topLevelNames, seal, passed, unseal, PASS_LINE };
