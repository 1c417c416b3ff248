// Coursework tooling: the student edition (scripts/coursework/student.js, scripts/coursework/coursework.js) and the grader
// (scripts/coursework/grade.js, grade-core.js, grade-report.js, grade_run.py). The fast tests need no kernel; the
// end-to-end test grades the fixture submissions in scripts/test/fixtures/coursework/ (a tiny
// instructor notebook of its own, so it does not depend on the course notebooks) in real kernels.
// AELAB_GRADE_TEST_TIMEOUT sets the per-cell CPU limit used there (default 20 s; the slowest fixture cell,
// the first, which makes tslab compile the aelab types, needs a few CPU seconds however busy the machine is).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO } = require('../env/paths');
const cw = require('../coursework/coursework');
const core = require('../coursework/grade-core');
const { findSubmissions } = require('../coursework/grade');
const { checkProblems } = require('../coursework/student');

const FIX = path.join(__dirname, 'fixtures', 'coursework');
const INSTRUCTOR = path.join(FIX, 'fixture-assignment.ipynb');
const CELL_TIMEOUT = process.env.AELAB_GRADE_TEST_TIMEOUT || '20';
const read = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const byId = (nb, id) => nb.cells.find(c => cw.gradeId(c) === id);
const src = c => cw.src(c.source);
const fixtureSource = () => ({
  name: 'fixture-assignment',
  nb: read(INSTRUCTOR),
  heading: cw.firstHeading(read(INSTRUCTOR)),
  ids: new Set(read(INSTRUCTOR).cells.map(cw.gradeId).filter(Boolean)),
});

/** Notebooks a student edition is made of: the course's NN-*.ipynb (not 90-*) and the fixture. */
function instructorNotebooks() {
  const dir = path.join(REPO, 'notebooks');
  return [
    ...fs
      .readdirSync(dir)
      .filter(f => /^\d\d-.*\.ipynb$/.test(f) && !/^90-/.test(f))
      .map(f => path.join(dir, f)),
    INSTRUCTOR,
  ];
}

test('student edition of the fixture: stubs, no hidden tests or rubric, read-only locked cells, nbgrader metadata kept', () => {
  const inst = read(INSTRUCTOR);
  const s = cw.studentEdition(inst, 'fixture');
  assert.equal(s.cells.length, inst.cells.length);
  assert.match(
    src(byId(s, 'ex-F.1-solution')),
    /^function sumOfSquares\(xs: number\[\]\): number \{\n {2}return ae\.notImplemented\("F\.1"\);\n\}$/m,
  );
  assert.doesNotMatch(src(byId(s, 'ex-F.1-solution')), /reduce|STUB|SOLUTION/);
  assert.equal(src(byId(s, 'ex-F.3-answer')), cw.TEXT_STUB);
  assert.doesNotMatch(src(byId(s, 'ex-F.1-tests')), /HIDDEN|328350/);
  assert.match(src(byId(s, 'ex-F.1-tests')), /sumOfSquares\(\[1, 2, 3\]\)/, 'the visible tests stay');
  assert.doesNotMatch(src(byId(s, 'ex-F.3-prompt')), /RUBRIC|counted twice/);
  for (const c of s.cells) {
    assert.deepEqual(c.metadata.nbgrader, inst.cells[s.cells.indexOf(c)].metadata.nbgrader);
    if (c.cell_type === 'code') {
      assert.deepEqual(c.outputs, []);
      assert.equal(c.execution_count, null);
    }
    if (cw.isLocked(c)) assert.deepEqual([c.metadata.editable, c.metadata.deletable], [false, false], cw.gradeId(c));
    else if (cw.isSolution(c)) assert.deepEqual([c.metadata.editable, c.metadata.deletable], [undefined, false], cw.gradeId(c));
  }
  assert.equal(src(inst.cells[4]).includes('reduce'), true, 'the instructor notebook object is not modified');
});

test('the student edition of every instructor notebook (course and fixture) contains no solution, hidden-test or rubric text', () => {
  const files = instructorNotebooks();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-release-'));
  try {
    const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'coursework', 'student.js'), '--out', out, ...files], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    for (const f of files) {
      const inst = read(f);
      const text = fs.readFileSync(path.join(out, path.basename(f)), 'utf8');
      const lines = read(path.join(out, path.basename(f))).cells.flatMap(c =>
        src(c)
          .split('\n')
          .map(l => l.trim()),
      );
      for (const marker of ['BEGIN SOLUTION', 'END SOLUTION', 'HIDDEN TESTS', 'BEGIN RUBRIC', 'END RUBRIC', '// STUB:']) {
        assert.ok(!text.includes(marker), `${path.basename(f)}: "${marker}" in the student edition`);
      }
      // A secret line may appear only as often as it appears outside every region in the instructor notebook.
      const open = inst.cells.flatMap(c =>
        cw
          .withoutRegions(src(c))
          .split('\n')
          .map(l => l.trim()),
      );
      const count = (list, l) => list.filter(x => x === l).length;
      for (const secret of new Set(cw.secretLines(inst))) {
        assert.ok(count(lines, secret) <= count(open, secret), `${path.basename(f)}: solution/hidden/rubric line leaked: ${secret}`);
      }
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('notebooks 01–08 each end with three exercises in the house format (README "For students"); 00 has none', () => {
  const dir = path.join(REPO, 'notebooks');
  const numbered = fs.readdirSync(dir).filter(f => /^\d\d-.*\.ipynb$/.test(f) && !/^90-/.test(f));
  const withExercises = numbered.filter(f => read(path.join(dir, f)).cells.some(cw.nbg));
  assert.deepEqual(
    withExercises.map(f => f.slice(0, 2)),
    ['01', '02', '03', '04', '05', '06', '07', '08'],
  );
  for (const f of withExercises) {
    const n = Number(f.slice(0, 2));
    const cells = read(path.join(dir, f)).cells;
    const start = cells.findIndex(c => c.cell_type === 'markdown' && /^## Exercises\s*$/m.test(src(c)));
    assert.ok(start >= 0, `${f}: no "## Exercises" heading`);
    assert.ok((cells.at(-1).metadata.tags || []).includes('nav'), `${f}: the generated nav cell is not last`);
    const run = cells.slice(start + 1, -1);
    assert.ok(
      run.every(c => /^ex-\d+\.\d+-[a-z]+$/.test(cw.gradeId(c) || '')),
      `${f}: every cell between "## Exercises" and the nav cell is an exercise cell`,
    );
    assert.ok(!cells.slice(0, start).some(cw.nbg), `${f}: exercise cells before "## Exercises"`);
    const prompts = run.filter(c => /-prompt$/.test(cw.gradeId(c)));
    assert.deepEqual(
      prompts.map(c => cw.gradeId(c)),
      [1, 2, 3].map(k => `ex-${n}.${k}-prompt`),
      `${f}: exercises ${n}.1–${n}.3`,
    );
    for (const p of prompts) {
      const ex = cw.exerciseOf(cw.gradeId(p));
      const m = /^### Exercise (\d+\.\d+) — .+ \((implement|measure|explain), (\d+) points?\)$/m.exec(src(p));
      assert.ok(m && m[1] === ex, `${f} ${ex}: the prompt starts with "### Exercise ${ex} — title (implement|measure|explain, P points)"`);
      assert.ok(cw.isLocked(p), `${f} ${ex}: the prompt is locked`);
      const mine = suffix => run.find(c => cw.gradeId(c) === `ex-${ex}-${suffix}`);
      const graded = m[2] === 'explain' ? mine('answer') : mine('tests');
      assert.ok(graded && cw.isGrade(graded), `${f} ${ex}: a graded ${m[2] === 'explain' ? 'answer' : 'test'} cell`);
      assert.equal(cw.points(graded), Number(m[3]), `${f} ${ex}: the heading's points are the graded cell's`);
      if (m[2] === 'explain') {
        assert.ok(cw.hasRegion(src(p), cw.RUBRIC), `${f} ${ex}: the explain prompt has a rubric`);
        assert.ok(
          graded.cell_type === 'markdown' && cw.isManual(graded) && cw.hasRegion(src(graded), cw.SOLUTION),
          `${f} ${ex}: a model answer`,
        );
      } else {
        const solution = mine('solution');
        assert.ok(solution && cw.isSolution(solution) && !cw.isGrade(solution), `${f} ${ex}: a solution cell`);
        assert.ok(src(solution).includes(`// STUB: return ae.notImplemented("${ex}");`), `${f} ${ex}: the stub line`);
        assert.ok(cw.isTest(graded) && cw.isLocked(graded), `${f} ${ex}: a locked test cell`);
        assert.ok(cw.hasRegion(src(graded), cw.HIDDEN), `${f} ${ex}: hidden tests`);
        assert.ok(
          new RegExp(`ae\\.expect\\w+\\("${ex.replace('.', '\\.')}"`).test(src(graded)),
          `${f} ${ex}: checks named after the exercise`,
        );
      }
    }
  }
});

test('bad regions are refused with the cell named', () => {
  const cell = (source, nbgrader) => ({
    cell_type: 'code',
    metadata: nbgrader ? { nbgrader: { schema_version: 3, grade_id: 'ex-1.1-solution', ...nbgrader } } : {},
    source,
    outputs: [],
    execution_count: null,
  });
  const nb = cells => ({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });
  assert.throws(
    () => cw.studentEdition(nb([cell('// BEGIN SOLUTION\nx\n', { solution: true })]), 'a.ipynb'),
    /a\.ipynb cell 1 \(ex-1\.1-solution\): "BEGIN SOLUTION" is never closed/,
  );
  assert.throws(
    () => cw.studentEdition(nb([cell('// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION', { solution: true })]), 'a.ipynb'),
    /inside another BEGIN SOLUTION region/,
  );
  assert.throws(
    () => cw.studentEdition(nb([cell('// BEGIN SOLUTION\nx\n// END SOLUTION')]), 'a.ipynb'),
    /cell 1: a BEGIN SOLUTION region in a cell that is not a solution cell/,
  );
  assert.throws(
    () => cw.studentEdition(nb([cell('// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS', { solution: true })]), 'a.ipynb'),
    /not a graded cell/,
  );
  assert.throws(
    () => cw.studentEdition(nb([cell('1', { solution: true }), cell('2', { solution: true })]), 'a.ipynb'),
    /grade_id "ex-1\.1-solution" is used twice/,
  );
  // No STUB line: the default stub, indented like the BEGIN line; no region at all: the whole cell (nbgrader's rule).
  assert.equal(
    cw.studentSource(cell('function f() {\n    // BEGIN SOLUTION\n    return 1;\n    // END SOLUTION\n}', { solution: true }), 'x'),
    'function f() {\n    ae.notImplemented("1.1");\n}',
  );
  assert.equal(cw.studentSource(cell('const x = 1;', { solution: true }), 'x'), 'ae.notImplemented("1.1");');
});

test('identify: by grade_ids, by first heading, else "notebook from another assignment"', () => {
  const source = fixtureSource();
  assert.equal(core.identify(cw.studentEdition(source.nb), [source], 'anything'), source);
  const headingOnly = { cells: [{ cell_type: 'markdown', metadata: {}, source: `# ${source.heading}` }] };
  assert.equal(core.identify(headingOnly, [source], 'x'), source);
  const other = read(path.join(FIX, 'submissions', 'jack', 'week7.ipynb'));
  assert.throws(
    () => core.identify(other, [source], 'week7'),
    /notebook from another assignment: none of its exercise cells \(grade_ids ex-7\.1-solution, ex-7\.1-tests\), its first heading "Week 7: sorting" or its file name match an instructor notebook \(fixture-assignment\)/,
  );
  assert.throws(() => core.parseSubmission('{"cells": [1'), /not a notebook: the file is not valid JSON/);
  assert.throws(() => core.parseSubmission(''), /the file is empty/);
  assert.throws(() => core.parseSubmission('{"nbformat": 3, "cells": []}'), /nbformat 3, expected 4/);
});

test('assemble: test and locked cells come from the instructor (hidden tests included); deleted and edited ones are restored and flagged', () => {
  const source = fixtureSource();
  const gus = read(path.join(FIX, 'submissions', 'gus', 'fixture-assignment.ipynb'));
  const a = core.assemble(gus, source);
  assert.deepEqual(
    a.nb.cells.map(cw.gradeId).filter(Boolean),
    source.nb.cells.map(cw.gradeId).filter(Boolean),
    'every nbgrader cell, in order',
  );
  assert.equal(src(byId(a.nb, 'ex-F.1-tests')), src(byId(source.nb, 'ex-F.1-tests')), 'the deleted test is back, hidden tests included');
  assert.equal(src(byId(a.nb, 'ex-F.2-tests')), src(byId(source.nb, 'ex-F.2-tests')), "the edited test is the instructor's again");
  assert.match(src(byId(a.nb, 'ex-F.2-solution')), /return 220;/, "the student's solution is kept");
  assert.doesNotMatch(src(byId(a.nb, 'ex-F.3-prompt')), /RUBRIC/, 'markdown is shown as students saw it');
  assert.deepEqual(a.flags, [
    'test cell ex-F.2-tests was edited: restored from the instructor notebook',
    'test cell ex-F.1-tests was deleted: restored from the instructor notebook',
  ]);
  // An untouched student edition is not flagged; trailing spaces are not an edit; stray and copied ids are not graded.
  const s = cw.studentEdition(source.nb);
  assert.deepEqual(core.assemble(s, source).flags, []);
  byId(s, 'ex-F.1-tests').source += '   \n\n';
  const copy = JSON.parse(JSON.stringify(byId(s, 'ex-F.2-tests')));
  const stray = {
    cell_type: 'code',
    metadata: { nbgrader: { grade: true, points: 100, grade_id: 'ex-F.9-tests' } },
    source: '1',
    outputs: [],
  };
  s.cells.push(copy, stray);
  const b = core.assemble(s, source);
  assert.deepEqual(b.flags, [
    'cell 14 repeats the nbgrader id "ex-F.2-tests" (a copied cell?): run as an ordinary cell, not graded',
    'cell 15 has nbgrader id "ex-F.9-tests", which the instructor notebook does not have: run as an ordinary cell, not graded',
  ]);
  assert.equal(b.nb.cells.filter(cw.isGrade).length, 3);
});

test("errorSummary keeps the error and a failed check's expected / got / hint, not node's stack", () => {
  const stderr =
    '/work/main/lib/dist/src/coursework/grading.js:12\n    throw new ExerciseCheckError(exercise, what, a, b, c);\n    ^\n\n' +
    'ExerciseCheckError: ✗ Exercise F.1: the empty list\n    expected: 0 (± 1.00000e-6)\n    got:      NaN\n    hint:     the sum of nothing is 0\n' +
    '    at Object.expectClose (/work/main/lib/dist/src/coursework/grading.js:12:11)\n    at evalmachine.<anonymous>:3:4\n';
  assert.equal(
    core.errorSummary(stderr),
    'ExerciseCheckError: ✗ Exercise F.1: the empty list\n    expected: 0 (± 1.00000e-6)\n    got:      NaN\n    hint:     the sum of nothing is 0',
  );
  assert.equal(core.errorSummary("1:7 - Cannot find name 'answer'.\n"), "1:7 - Cannot find name 'answer'.");
});

test('whose submission: folder, <student>__ prefix or file name; shards are disjoint, deterministic and cover everything', () => {
  const subs = findSubmissions([path.join(FIX, 'submissions')], path.join(os.tmpdir(), 'nowhere'));
  assert.deepEqual(
    subs.map(s => `${s.student}:${s.rule}`),
    [
      'carl:folder',
      'dora:file name prefix',
      'emil:folder',
      'fay:folder',
      'gus:folder',
      'hana:folder',
      'ivan:folder',
      'jack:folder',
      'kim:folder',
    ],
  );
  assert.equal(findSubmissions([INSTRUCTOR], '/nowhere')[0].student, 'fixture-assignment');
  const list = shard =>
    spawnSync(
      process.execPath,
      [path.join(REPO, 'scripts', 'coursework', 'grade.js'), path.join(FIX, 'submissions'), '--source', FIX, '--list', '--shard', shard],
      { encoding: 'utf8' },
    );
  const parts = ['1/3', '2/3', '3/3'].map(s => list(s).stdout.trim().split('\n').filter(Boolean));
  assert.deepEqual(
    parts.map(p => p.length),
    [3, 3, 3],
  );
  assert.deepEqual(parts.flat().sort(), subs.map(s => `${s.student}\t${path.relative(process.cwd(), s.file)}`).sort());
  assert.deepEqual(list('2/3').stdout.trim().split('\n'), parts[1], 'the same slice every time');
  const bad = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'coursework', 'grade.js'), FIX, '--shard', '4/3'], {
    encoding: 'utf8',
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--shard takes i\/n with 1 ≤ i ≤ n, e\.g\. 2\/4; got "4\/3"/);
});

/** The student version nbgrader's generate_assignment makes with the code stub of README "With nbgrader". */
function nbgraderEdition(nb) {
  const stub = ['// YOUR CODE HERE', 'throw new Error("not implemented yet");'];
  const cells = nb.cells.map(c => {
    let text = cw.src(c.source);
    if (cw.isSolution(c))
      text = cw.mapRegions(text, cw.SOLUTION, (r, indent) =>
        c.cell_type === 'code' ? stub.map(l => indent + l) : [indent + cw.TEXT_STUB],
      ).text;
    return { ...c, source: cw.stripRubric(cw.stripHidden(text)) };
  });
  return { ...nb, cells };
}

test('the student-edition check accepts "not implemented yet" in exercise cells only, and explains lost declarations', () => {
  const cell = (source, nbgrader) => ({ cell_type: 'code', source, metadata: nbgrader ? { nbgrader } : {} });
  const nb = {
    cells: [
      cell('let answer: number = NaN;\nanswer = ae.notImplemented("1.1");', { solution: true, grade_id: 'ex-1.1-solution' }),
      cell('check(answer);', { grade: true, locked: true, points: 1, grade_id: 'ex-1.1-tests' }),
      cell('plot(answer);'),
    ],
  };
  const status = (status, stderr) => ({ status, stderr, ename: '', evalue: '' });
  assert.deepEqual(
    checkProblems(nb, {
      cells: [status('error', 'Error: not implemented yet: exercise 1.1'), status('error', 'Error: not implemented yet'), status('ok', '')],
    }),
    [],
  );
  assert.deepEqual(
    checkProblems(nb, {
      cells: [
        status('error', 'Error: not implemented yet'),
        status('error', "1:7 - Cannot find name 'answer'."),
        status('error', 'TypeError: x'),
      ],
    }),
    [
      'cell 2 (ex-1.1-tests) failed with something other than "not implemented yet": 1:7 - Cannot find name \'answer\'. (answer is declared in a solution cell that throws when run with its stub; in tslab a cell that throws loses ALL its declarations, so a solution cell must not run the stub at the top level: no top-level assignment from it, no call of the stubbed function; move such lines to a cell of their own)',
      'cell 3 is not an exercise cell but failed: TypeError: x',
    ],
  );
  assert.deepEqual(checkProblems(nb, { cells: [status('ok', ''), status('ok', ''), status('timeout', '')] }), [
    'cell 2 (ex-1.1-tests) passed with the stub: its visible tests cannot tell an empty answer from a right one',
    'cell 3: timeout',
  ]);
});

/** Runs a node script asynchronously (so several can run at once); resolves { code, stdout, stderr }. */
function run(args) {
  return new Promise(resolve => {
    const p = spawn(process.execPath, args, { cwd: REPO });
    let stdout = '',
      stderr = '';
    p.stdout.on('data', d => {
      stdout += d;
    });
    p.stderr.on('data', d => {
      stderr += d;
    });
    p.on('close', code => resolve({ code, stdout, stderr }));
  });
}

const hashes = dir => {
  const out = {};
  const walk = d => {
    for (const e of fs.readdirSync(d)) {
      const f = path.join(d, e);
      if (fs.statSync(f).isDirectory()) walk(f);
      else out[f] = crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
    }
  };
  walk(dir);
  return out;
};

test('the sandbox shows a project under /tmp (its own /tmp is mounted first, not over the project)', t => {
  const sandbox = require('../coursework/sandbox');
  const d = sandbox.detect();
  if (d.kind === 'none') return t.skip(`no sandbox here: ${d.why}`);
  // A project in /tmp, as a clone in /tmp/x is: every kernel died at start when /tmp hid it.
  const repo = fs.mkdtempSync(path.join('/tmp', 'aelab-sandbox-repo-'));
  for (const dir of ['node_modules', 'lib', 'native', path.join('data', 'results')])
    fs.mkdirSync(path.join(repo, dir), { recursive: true });
  fs.writeFileSync(path.join(repo, 'lib', 'marker'), 'lib is here\n');
  fs.writeFileSync(path.join(repo, 'package.json'), '{}\n');
  fs.writeFileSync(path.join(repo, 'instructor.ipynb'), 'the course\n');
  const args = sandbox.bwrapArgs({ scratchMb: 1, env: { PATH: '/usr/bin:/bin' }, repo });
  const r = spawnSync(
    d.bwrap,
    [
      ...args,
      '--',
      '/bin/sh',
      '-c',
      `cat ${repo}/lib/marker; test -d ${repo}/node_modules && echo modules; test -e ${repo}/instructor.ipynb || echo hidden; pwd`,
    ],
    { encoding: 'utf8', timeout: 20000 },
  );
  fs.rmSync(repo, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `lib is here\nmodules\nhidden\n${path.join(repo, 'out', 'grade-work', 'box')}\n`);
});

test('grading the fixture submissions end to end: two shards in parallel, then --merge', { timeout: 40 * 60 * 1000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-grade-'));
  try {
    const subs = path.join(tmp, 'submissions');
    fs.cpSync(path.join(FIX, 'submissions'), subs, { recursive: true });
    fs.renameSync(path.join(subs, 'hana', 'fixture-assignment.ipynb.corrupt'), path.join(subs, 'hana', 'fixture-assignment.ipynb'));
    fs.copyFileSync(INSTRUCTOR, path.join(subs, 'ada__fixture-assignment.ipynb')); // the instructor edition
    const release = path.join(tmp, 'release');
    const st = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'coursework', 'student.js'), INSTRUCTOR, '--out', release], {
      encoding: 'utf8',
    });
    assert.equal(st.status, 0, st.stderr);
    fs.copyFileSync(path.join(release, 'fixture-assignment.ipynb'), path.join(subs, 'blank__fixture-assignment.ipynb')); // untouched
    fs.writeFileSync(path.join(subs, 'nina__fixture-assignment.ipynb'), JSON.stringify(nbgraderEdition(read(INSTRUCTOR))));

    const before = hashes(subs);
    const common = [
      path.join(REPO, 'scripts', 'coursework', 'grade.js'),
      subs,
      '--source',
      FIX,
      '--timeout-cell',
      CELL_TIMEOUT,
      '--memory-mb',
      '1500',
    ];
    const [one, two] = await Promise.all([
      run([...common, '--shard', '1/2', '--jobs', '2', '--out', path.join(tmp, 'shard1')]),
      run([...common, '--shard', '2/2', '--out', path.join(tmp, 'shard2')]),
    ]);
    const merged = await run([
      path.join(REPO, 'scripts', 'coursework', 'grade.js'),
      '--merge',
      path.join(tmp, 'shard1'),
      path.join(tmp, 'shard2'),
      '--out',
      path.join(tmp, 'all'),
    ]);
    const log = [one, two, merged].map(r => r.stdout + r.stderr).join('\n');
    assert.deepEqual([one.code, two.code, merged.code], [1, 1, 1], `exit 1: some submissions could not be graded\n${log}`);
    assert.deepEqual(hashes(subs), before, 'submission files are never modified');

    const results = read(path.join(tmp, 'all', 'report.json')).results;
    const of = student => results.find(r => r.student === student) || assert.fail(`no result for ${student}\n${log}`);
    const scores = r => Object.fromEntries(r.exercises.map(e => [e.exercise, e.score]));
    const expected = {
      ada: [4, { 'F.1': 2, 'F.2': 2 }],
      blank: [0, { 'F.1': 0, 'F.2': 0 }],
      carl: [2, { 'F.1': 0, 'F.2': 2 }],
      dora: [2, { 'F.1': 2, 'F.2': 0 }],
      emil: [2, { 'F.1': 2, 'F.2': 0 }],
      fay: [4, { 'F.1': 2, 'F.2': 2 }],
      gus: [2, { 'F.1': 2, 'F.2': 0 }],
      kim: [2, { 'F.1': 0, 'F.2': 2 }],
      nina: [0, { 'F.1': 0, 'F.2': 0 }],
    };
    for (const [student, [total, per]] of Object.entries(expected)) {
      const r = of(student);
      assert.equal(r.status, 'graded', `${student}: ${r.error}\n${log}`);
      assert.deepEqual(
        [r.total, r.max, r.manualMax, scores(r)],
        [total, 4, 1, per],
        `${student}: ${JSON.stringify(r.exercises, null, 1)}\n${r.flags}`,
      );
    }
    assert.deepEqual(of('ada').flags, []);
    assert.equal(of('ada').manual[0].answered, true);
    assert.match(of('ada').manual[0].answer, /counted once among the multiples/);
    // The untouched student edition runs to the end and fails only with "not implemented yet".
    const blank = of('blank');
    assert.deepEqual(checkProblems(read(path.join(tmp, 'all', blank.output, 'executed.ipynb')), { cells: blank.cells }), []);
    assert.deepEqual(blank.flags, ['no answer for exercise F.3 (ex-F.3-answer)']);
    // So does the student version nbgrader would make with the code stub the README recommends.
    assert.deepEqual(checkProblems(read(path.join(tmp, 'all', of('nina').output, 'executed.ipynb')), { cells: of('nina').cells }), []);
    assert.match(of('carl').exercises[0].output, /✗ Exercise F\.1: sumOfSquares\(\[1, 2, 3\]\) = 14\n {4}expected: 14/);
    // Hard-coded: the visible check passes, a hidden one fails.
    assert.match(
      of('dora').exercises[1].output,
      /✓ Exercise F\.2: countDivisible\(1000, 7, 11\) is 220\n.*✗ Exercise F\.2: countDivisible\(100, 2, 3\) is 67/s,
    );
    // Infinite loop: that test timed out, the cells after it still ran.
    const emil = of('emil');
    assert.equal(emil.exercises[1].status, 'timeout');
    assert.ok(
      emil.flags.some(f => /\(ex-F\.2-tests\): timed out/.test(f)),
      emil.flags.join('\n'),
    );
    assert.equal(emil.cells[emil.cells.length - 1].status, 'ok', 'the last cell ran after the timeout');
    // Exception at top level in a cell of the student's own: that cell failed, everything else was graded.
    assert.deepEqual(
      of('fay')
        .cells.filter(c => c.status === 'error')
        .map(c => c.index),
      [2],
    );
    assert.deepEqual(of('gus').flags, [
      'test cell ex-F.2-tests was edited: restored from the instructor notebook',
      'test cell ex-F.1-tests was deleted: restored from the instructor notebook',
      'no answer for exercise F.3 (ex-F.3-answer)',
    ]);
    // Memory: the kernel was killed, restarted, earlier cells re-run, and F.2 still graded.
    assert.ok(
      of('kim').flags.some(f => /ex-F\.1-solution\): memory limit/.test(f)) && of('kim').flags.some(f => /kernel restarted 1×/.test(f)),
      of('kim').flags.join('\n'),
    );
    // Files that could not be graded: a clear error naming the file; the rest were graded anyway.
    assert.match(of('hana').error, /hana[/\\]fixture-assignment\.ipynb: not a notebook: the file is not valid JSON/);
    assert.match(of('ivan').error, /ivan[/\\]answers\.txt: not a notebook file/);
    assert.match(of('jack').error, /jack[/\\]week7\.ipynb: notebook from another assignment/);
    assert.equal(results.length, 12);

    // Gradebook, Gradescope results, feedback page.
    const csv = fs
      .readFileSync(path.join(tmp, 'all', 'gradebook.csv'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(csv[0], 'student,notebook,file,status,F.1 (2),F.2 (2),"F.3 (1, manual)",total,max,manual_max,flags');
    assert.equal(csv.length, 13);
    assert.match(
      csv.find(l => l.startsWith('dora,')),
      /^dora,fixture-assignment,[^,]+,graded,2,0,,2,4,1,/,
    );
    assert.match(
      csv.find(l => l.startsWith('jack,')),
      /^jack,,[^,]+,error,,,,,,,".*notebook from another assignment/,
    );
    const gs = read(path.join(tmp, 'all', of('dora').output, 'results.json'));
    assert.equal(gs.score, 2);
    assert.deepEqual(
      gs.tests.map(t => [t.name, t.score, t.max_score, t.visibility]),
      [
        ['Exercise F.1: visible checks', 0, 0, 'visible'],
        ['Exercise F.1: all checks, hidden ones included (ex-F.1-tests)', 2, 2, 'after_due_date'],
        ['Exercise F.2: visible checks', 0, 0, 'visible'],
        ['Exercise F.2: all checks, hidden ones included (ex-F.2-tests)', 0, 2, 'after_due_date'],
      ],
    );
    assert.equal(gs.tests[2].status, 'passed', 'the hard-coded answer passes the visible check');
    assert.match(gs.tests[3].output, /expected: 67/);
    assert.doesNotMatch(gs.tests[2].output, /67/, 'the visible test says nothing of the hidden checks');
    assert.deepEqual(read(path.join(tmp, 'all', of('hana').output, 'results.json')).score, 0);
    const html = fs.readFileSync(path.join(tmp, 'all', of('dora').output, 'feedback.html'), 'utf8');
    assert.match(html, /Autograded score: <b>2 \/ 4<\/b> \(plus 1 point graded by hand\)/);
    assert.match(html, /Exercise F\.2 tests: ✗ not passed — 0 \/ 2 points/);
    assert.match(html, /hidden tests \(2 lines, run by the grader\)/);
    assert.ok(
      !html.includes('countDivisible(50, 5, 7)') && !html.includes('Numbers divisible by both') && !/<script/i.test(html),
      'no hidden test code, rubric or script in feedback',
    );
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

/** Pids and command lines of live processes whose command line contains `marker`. */
function processesWith(marker) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (cmd.includes(marker)) found.push(`${pid} ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return found;
}

test(
  'hand-ins that attack the grader: the run ends with a row for each, tampering earns nothing, the sandbox hides the course, nothing is left running',
  { timeout: 40 * 60 * 1000 },
  async () => {
    const attacks = require('./fixtures/coursework/attacks');
    const sandbox = require('../coursework/sandbox');
    const sandboxed = sandbox.detect().kind !== 'none';
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-attacks-'));
    try {
      const subs = path.join(tmp, 'submissions');
      fs.mkdirSync(subs);
      const edition = cw.studentEdition(read(INSTRUCTOR), 'fixture');
      const recipes = [...attacks.robustness, ...attacks.tampering, ...attacks.sandboxing, ...attacks.honest].filter(
        r => sandboxed || !r.sandboxOnly,
      );
      for (const r of recipes)
        fs.writeFileSync(path.join(subs, `${r.student}__fixture-assignment.ipynb`), JSON.stringify(attacks.notebookFor(edition, r)));
      const out = path.join(tmp, 'out');
      const res = await run([
        path.join(REPO, 'scripts', 'coursework', 'grade.js'),
        subs,
        '--source',
        FIX,
        '--timeout-cell',
        CELL_TIMEOUT,
        '--memory-mb',
        '1500',
        '--scratch-mb',
        '64',
        '--jobs',
        '2',
        '--out',
        out,
      ]);
      const log = res.stdout + res.stderr;
      // The first line says whether hand-ins were sandboxed.
      assert.match(log.split('\n')[0], sandboxed ? /^grade: sandbox: bubblewrap/ : /^grade: WARNING: NOT SANDBOXED/);
      assert.equal(res.code, 0, `every hand-in was graded\n${log}`);
      const results = read(path.join(out, 'report.json')).results;
      assert.equal(read(path.join(out, 'report.json')).sandbox, sandbox.describe());
      assert.equal(results.length, recipes.length, log);
      const csv = fs.readFileSync(path.join(out, 'gradebook.csv'), 'utf8');
      for (const r of recipes) {
        const got = results.find(x => x.student === r.student) || assert.fail(`no result for ${r.student}\n${log}`);
        assert.match(csv, new RegExp(`^${r.student},fixture-assignment,`, 'm'), `${r.student} has a gradebook row`);
        assert.equal(got.status, 'graded', `${r.student} (${r.what}): ${got.error}`);
        // Without the sandbox a hand-in that kills its parent still gets a row, but not every cell runs.
        if (!sandboxed && attacks.robustness.includes(r)) continue;
        for (const f of r.flags || [])
          assert.ok(
            got.flags.some(x => f.test(x)),
            `${r.student}: a flag matching ${f}; flags: ${got.flags.join(' | ')}`,
          );
        if (!r.expect) continue;
        const scores = Object.fromEntries(got.exercises.map(e => [e.exercise, e.score]));
        assert.deepEqual(
          scores,
          r.expect,
          `${r.student} (${r.what}): ${JSON.stringify(got.exercises.map(e => [e.exercise, e.status, e.output.slice(0, 300)]))}\nflags: ${got.flags.join(' | ')}`,
        );
      }
      // Nothing the hand-ins started is still running.
      for (const r of recipes)
        for (const marker of r.orphans || []) assert.deepEqual(processesWith(marker), [], `${r.student} left ${marker} running`);
      // The pass proofs never reach the teacher's or student's eyes.
      for (const r of results) {
        const dir = path.join(out, r.output);
        // (b-console's own cell prints a fake proof of zeros; a real one is an HMAC, and the tokens are in no source shown.)
        for (const f of ['executed.ipynb', 'feedback.html', 'results.json']) {
          assert.doesNotMatch(
            fs.readFileSync(path.join(dir, f), 'utf8'),
            /sealForGrading|__aelabGrader\.(pass|lock)\(\d+, \\?"[0-9a-f]{64}|⟦aelab-pass \d+ (?!0{64})[0-9a-f]{64}⟧/,
            `${r.student}/${f}`,
          );
        }
      }
      // What the snooping hand-in saw: none of the course, its own uid, no grader processes, no grader environment.
      if (sandboxed) {
        const snoop = results.find(x => x.student === 'c-snoop');
        const text = fs.readFileSync(path.join(out, snoop.output, 'executed.ipynb'), 'utf8');
        const seen = JSON.parse(/SNOOP (\{.*?\})\\n/.exec(text)[1].replace(/\\"/g, '"'));
        assert.deepEqual(
          [seen.notebooks, seen.fixture, seen.out, seen.writeLib],
          ['ENOENT', 'ENOENT', 'grade-work', 'EROFS'],
          JSON.stringify(seen),
        );
        assert.ok(seen.processes <= 4, `sees only the sandbox's processes: ${seen.processes}`);
        assert.doesNotMatch(seen.env, /JUPYTER|npm_|INIT_CWD/, 'no grader environment inside');
        if (sandbox.detect().kind === 'bwrap-user') assert.ok(seen.uid >= sandbox.UID_BASE, `runs as its own user: uid ${seen.uid}`);
      }
      // Gradescope: execution_time, output_format, and hidden tests only after the due date.
      const gs = read(path.join(out, results.find(x => x.student === 'h-offbyone').output, 'results.json'));
      assert.equal(typeof gs.execution_time, 'number');
      assert.equal(gs.output_format, 'text');
      assert.deepEqual(
        gs.tests.map(t => [t.number, t.score, t.max_score, t.status, t.visibility]),
        [
          ['F.1.a', 0, 0, 'passed', 'visible'],
          ['F.1.b', 2, 2, 'passed', 'after_due_date'],
          ['F.2.a', 0, 0, 'failed', 'visible'],
          ['F.2.b', 0, 2, 'failed', 'after_due_date'],
        ],
      ); // 0 … n−1 counts 0 as well: 221, already visible
      assert.equal(gs.score, 2);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

test(
  "the exercises on the paper's core ideas tell right answers from the plausible wrong ones (FGSM, J̃, the dual norm, adversarial training, ensembles, shared directions)",
  { timeout: 40 * 60 * 1000 },
  async () => {
    const core = require('./fixtures/coursework/core-ideas');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-core-'));
    try {
      const source = path.join(tmp, 'source'),
        subs = path.join(tmp, 'submissions'),
        out = path.join(tmp, 'out');
      fs.mkdirSync(source);
      fs.mkdirSync(subs);
      const instructor = core.assignment(path.join(REPO, 'notebooks'));
      fs.writeFileSync(path.join(source, 'core-ideas.ipynb'), JSON.stringify(instructor));
      fs.writeFileSync(path.join(subs, 'core-model__core-ideas.ipynb'), JSON.stringify(instructor)); // the model solutions
      const edition = cw.studentEdition(instructor, 'core-ideas');
      fs.writeFileSync(path.join(subs, 'core-blank__core-ideas.ipynb'), JSON.stringify(edition));
      for (const h of core.handIns)
        fs.writeFileSync(path.join(subs, `${h.student}__core-ideas.ipynb`), JSON.stringify(core.notebookFor(edition, h)));
      const res = await run([
        path.join(REPO, 'scripts', 'coursework', 'grade.js'),
        subs,
        '--source',
        source,
        '--timeout-cell',
        String(Math.max(120, Number(CELL_TIMEOUT))),
        '--memory-mb',
        '3000',
        '--jobs',
        '2',
        '--out',
        out,
      ]);
      const log = res.stdout + res.stderr;
      assert.equal(res.code, 0, log);
      const results = read(path.join(out, 'report.json')).results;
      const expected = [
        { student: 'core-model', expect: { 3.1: 2, 5.1: 2, 6.1: 2, 7.2: 2, 8.1: 3, 8.2: 2 } },
        { student: 'core-blank', expect: { 3.1: 0, 5.1: 0, 6.1: 0, 7.2: 0, 8.1: 0, 8.2: 0 } },
        ...core.handIns,
      ];
      for (const h of expected) {
        const r = results.find(x => x.student === h.student) || assert.fail(`no result for ${h.student}\n${log}`);
        assert.equal(r.status, 'graded', `${h.student}: ${r.error}`);
        const scores = Object.fromEntries(r.exercises.map(e => [e.exercise, e.score]));
        assert.deepEqual(
          scores,
          h.expect,
          `${h.student} (${h.what || ''}): ${JSON.stringify(
            r.exercises.map(e => [e.exercise, e.status, e.output.slice(-400)]),
            null,
            1,
          )}\nflags: ${r.flags.join(' | ')}`,
        );
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);
