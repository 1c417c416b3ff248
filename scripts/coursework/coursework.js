/**
 * The coursework format shared by scripts/coursework/student.js and scripts/coursework/grade.js: nbgrader cell metadata,
 * solution / hidden-test / rubric regions, and the student edition of a notebook.
 *
 * Cells (nbgrader schema 3, `metadata.nbgrader`): prompt {locked}, solution {solution}, tests
 * {grade, locked, points}, explain answer {grade, solution, points} (markdown, graded by hand).
 * Regions are recognised like nbgrader does: a line CONTAINING the delimiter text starts or ends one,
 * whatever comment syntax surrounds it (`// BEGIN SOLUTION`, `<!-- BEGIN SOLUTION -->`).
 * @see README "For teachers", brief "Exercise format"
 */
'use strict';

const SOLUTION = ['BEGIN SOLUTION', 'END SOLUTION'];
const HIDDEN = ['BEGIN HIDDEN TESTS', 'END HIDDEN TESTS'];
const RUBRIC = ['BEGIN RUBRIC', 'END RUBRIC'];
const TEXT_STUB = 'YOUR ANSWER HERE';
const STUB_LINE = /^\s*\/\/\s*STUB:\s*(.*?)\s*$/;

const src = s => (Array.isArray(s) ? s.join('') : s || '');
const nbg = cell => (cell && cell.metadata && cell.metadata.nbgrader) || null;
const gradeId = cell => (nbg(cell) && typeof nbg(cell).grade_id === 'string' ? nbg(cell).grade_id : null);
const isLocked = cell => !!(nbg(cell) && nbg(cell).locked);
const isSolution = cell => !!(nbg(cell) && nbg(cell).solution);
const isGrade = cell => !!(nbg(cell) && nbg(cell).grade);
/** An autograded test cell: graded code that the student must not change. */
const isTest = cell => isGrade(cell) && !isSolution(cell) && cell.cell_type === 'code';
/** A manually graded answer (explain exercises): graded and written by the student. */
const isManual = cell => isGrade(cell) && isSolution(cell);
const points = cell => Number((nbg(cell) && nbg(cell).points) || 0);
/** "ex-4.2-tests" → "4.2"; other ids are their own exercise. */
const exerciseOf = id => (/^ex-(.+?)-[a-z]+$/.exec(id || '') || [null, id])[1];

/**
 * Applies `replace(regionLines, indent)` to every region between `begin` and `end` lines of `text`
 * (marker lines included in regionLines); returns { text, count }. Throws on a nested or unclosed region.
 * @param {string} text
 * @param {string[]} markers  [begin, end] marker words
 * @param {(region: string[], indent: string) => string[]} replace
 * @param {string} [where]
 * @returns {{ text: string, count: number }}
 */
function mapRegions(text, markers, replace, where = 'cell') {
  const [begin, end] = markers;
  const out = [];
  let region = null,
    count = 0;
  for (const line of text.split('\n')) {
    if (line.includes(begin)) {
      if (region)
        throw new Error(`${where}: "${begin}" inside another ${begin} region (line "${line.trim()}"); close the first one with ${end}.`);
      region = [line];
    } else if (line.includes(end)) {
      if (!region) throw new Error(`${where}: "${end}" without a "${begin}" before it.`);
      region.push(line);
      out.push(...replace(region, /^\s*/.exec(region[0])[0]));
      region = null;
      count++;
    } else if (region) region.push(line);
    else out.push(line);
  }
  if (region) throw new Error(`${where}: "${begin}" is never closed; add a line with "${end}".`);
  return { text: out.join('\n'), count };
}

/** @param {string} text @param {string[]} markers */
const hasRegion = (text, markers) => text.split('\n').some(l => l.includes(markers[0]));
/** `text` without the regions (marker lines included); blank lines a removed region leaves at the end go too. */
function removeRegions(text, markers, where) {
  const { text: out, count } = mapRegions(text, markers, () => [], where);
  return count ? out.replace(/\s+$/, '') : out;
}
const stripHidden = (text, where) => removeRegions(text, HIDDEN, where);
const stripRubric = (text, where) => removeRegions(text, RUBRIC, where);

/** The stub that replaces a code solution region: its `// STUB:` line, else `ae.notImplemented("N.k");`. */
function stubFor(region, id) {
  for (const line of region) {
    const m = STUB_LINE.exec(line);
    if (m) return m[1];
  }
  return `ae.notImplemented(${JSON.stringify(exerciseOf(id) || '?')});`;
}

/** Instructor text with every solution, hidden-test and rubric region removed (markers included). */
function withoutRegions(text, where) {
  for (const markers of [SOLUTION, HIDDEN, RUBRIC]) text = removeRegions(text, markers, where);
  return text;
}

/** What the student sees of one cell's source (solutions stubbed, hidden tests and rubrics removed). */
function studentSource(cell, where) {
  const id = gradeId(cell);
  let text = src(cell.source);
  const solutionRegions = hasRegion(text, SOLUTION);
  if (solutionRegions && !isSolution(cell))
    throw new Error(
      `${where}: a BEGIN SOLUTION region in a cell that is not a solution cell (nbgrader solution: true); nbgrader would refuse it too.`,
    );
  if (hasRegion(text, HIDDEN) && !isGrade(cell))
    throw new Error(`${where}: a BEGIN HIDDEN TESTS region in a cell that is not a graded cell (nbgrader grade: true).`);
  if (isSolution(cell)) {
    if (solutionRegions) {
      text = mapRegions(
        text,
        SOLUTION,
        (region, indent) => (cell.cell_type === 'code' ? [indent + stubFor(region, id)] : [indent + TEXT_STUB]),
        where,
      ).text;
    } else {
      // nbgrader's rule: a solution cell without a region is replaced as a whole.
      text = cell.cell_type === 'code' ? `ae.notImplemented(${JSON.stringify(exerciseOf(id) || '?')});` : TEXT_STUB;
    }
  }
  return stripRubric(stripHidden(text, where), where);
}

/**
 * The student edition of instructor notebook `nb` (parsed JSON, not modified): solutions replaced by
 * stubs, hidden tests and rubrics removed, outputs cleared, locked cells made read-only and
 * undeletable and solution cells undeletable (as nbgrader's LockCells does); nbgrader metadata kept.
 */
function studentEdition(nb, name = 'notebook') {
  const ids = new Set();
  const cells = nb.cells.map((cell, i) => {
    const where = `${name} cell ${i + 1}${gradeId(cell) ? ` (${gradeId(cell)})` : ''}`;
    const id = gradeId(cell);
    if (nbg(cell)) {
      if (!id) throw new Error(`${where}: nbgrader metadata without a grade_id.`);
      if (ids.has(id)) throw new Error(`${where}: grade_id "${id}" is used twice; every nbgrader cell needs its own.`);
      ids.add(id);
    }
    const out = { ...cell, metadata: { ...cell.metadata }, source: studentSource(cell, where) };
    if (cell.cell_type === 'code') {
      out.outputs = [];
      out.execution_count = null;
    }
    if (isLocked(cell) || isTest(cell)) {
      out.metadata.editable = false;
      out.metadata.deletable = false;
    } else if (isSolution(cell)) out.metadata.deletable = false;
    return out;
  });
  return { ...nb, cells };
}

/** The (trimmed, non-empty) lines inside solution, hidden-test and rubric regions: what must not reach students. */
function secretLines(nb) {
  const lines = [];
  for (const cell of nb.cells) {
    const text = src(cell.source);
    for (const markers of [SOLUTION, HIDDEN, RUBRIC]) {
      if (!hasRegion(text, markers)) continue;
      mapRegions(text, markers, region => {
        lines.push(...region.slice(1, -1));
        return [];
      });
    }
  }
  return lines.map(l => l.trim()).filter(l => l && !STUB_LINE.test(l));
}

/** Graded items of an instructor notebook: [{ id, exercise, points, kind: 'auto' | 'manual' }]. */
function gradedItems(nb) {
  return nb.cells
    .filter(isGrade)
    .map(c => ({ id: gradeId(c), exercise: exerciseOf(gradeId(c)), points: points(c), kind: isTest(c) ? 'auto' : 'manual' }));
}

/** The first Markdown heading of a notebook, or null. */
function firstHeading(nb) {
  for (const c of nb.cells || []) {
    if (c.cell_type !== 'markdown') continue;
    const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(src(c.source));
    if (m) return m[1];
  }
  return null;
}

module.exports = {
  SOLUTION,
  HIDDEN,
  RUBRIC,
  TEXT_STUB,
  src,
  nbg,
  gradeId,
  isLocked,
  isSolution,
  isGrade,
  isTest,
  isManual,
  points,
  exerciseOf,
  mapRegions,
  hasRegion,
  stripHidden,
  stripRubric,
  studentSource,
  studentEdition,
  secretLines,
  withoutRegions,
  gradedItems,
  firstHeading,
};
