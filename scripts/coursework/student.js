#!/usr/bin/env node
/**
 * `npm run student [-- options] [notebooks...]`: writes the student edition of the notebooks.
 *
 *   npm run student                       notebooks/NN-*.ipynb (not 90-*) → release/
 *   npm run student -- --out DIR          another folder (e.g. the notebooks/ of a student repository)
 *   npm run student -- --check            also run each written notebook and check it behaves
 *   options: --timeout-cell S (default 600, with --check), --jobs N (notebooks checked at once)
 *
 * In the student edition (scripts/coursework/coursework.js): every `// BEGIN SOLUTION` … `// END SOLUTION`
 * region becomes its `// STUB: …` line (default `ae.notImplemented("N.k");`), every Markdown
 * `<!-- BEGIN SOLUTION -->` region becomes YOUR ANSWER HERE, hidden tests and rubrics are removed,
 * outputs cleared, locked cells made read-only and undeletable (solution cells undeletable); the
 * nbgrader metadata stays (as in nbgrader's own student version), so the grader can match cells.
 *
 * --check runs each student edition top to bottom with allow-errors and fails unless it gets to the
 * end and the only errors are "not implemented yet" in exercise cells, and every test cell fails
 * (a test that passes on the stub cannot tell an empty answer from a right one).
 * Exit status: 0 ok, 1 a notebook could not be converted or failed the check, 2 bad usage.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { REPO } = require('../env/paths');
const { writeKernel } = require('../env/kernel');
const cw = require('./coursework');
const { UsageError, parse, resolvePath, wholeNumber } = require('../common/args');
const { serializeNotebook } = require('../notebooks/check');
const { errorSummary } = require('./grade-core');

function usage(msg) {
  if (msg) console.error(`student: ${msg}`);
  console.error('usage: npm run student [-- [--out DIR] [--check] [--timeout-cell S] [--jobs N] [notebook.ipynb ...]]');
  process.exit(2);
}

function parseArgs(argv) {
  let r;
  try {
    r = parse(argv, { out: { type: 'string' }, check: { type: 'boolean' }, 'timeout-cell': { type: 'string' }, jobs: { type: 'string' } });
    if (r.help) usage();
    const v = r.values;
    return finish({
      out: resolvePath(v.out ?? path.join(REPO, 'release')),
      check: !!v.check,
      timeoutCell: v['timeout-cell'] === undefined ? 600 : wholeNumber('timeout-cell', v['timeout-cell']),
      jobs: v.jobs === undefined ? 1 : wholeNumber('jobs', v.jobs),
      memoryMb: 4096,
      notebooks: r.positionals.map(resolvePath),
    });
  } catch (e) {
    if (e instanceof UsageError) usage(e.message);
    throw e;
  }
}

function finish(o) {
  if (!o.notebooks.length) {
    const dir = path.join(REPO, 'notebooks');
    o.notebooks = fs
      .readdirSync(dir)
      .filter(f => /^\d\d-.*\.ipynb$/.test(f) && !/^90-/.test(f))
      .sort()
      .map(f => path.join(dir, f));
  }
  for (const f of o.notebooks) if (!f.endsWith('.ipynb') || !fs.existsSync(f)) usage(`${f}: not an existing .ipynb file`);
  return o;
}

/**
 * Problems with an executed student edition (grade_run.py's result `run`, edition `nb`), as sentences;
 * none when it ran to the end and failed only where an exercise is not done yet.
 */
function checkProblems(nb, run) {
  const problems = [];
  if (run.error) problems.push(run.error);
  nb.cells.forEach((cell, i) => {
    const info = (run.cells || [])[i] || { status: 'not-run' };
    const where = `cell ${i + 1}${cw.gradeId(cell) ? ` (${cw.gradeId(cell)})` : ''}`;
    const text = `${info.stderr || ''}\n${info.ename}: ${info.evalue}`;
    const exerciseCell = cw.isSolution(cell) || cw.isTest(cell);
    if (info.status === 'error') {
      if (!exerciseCell) problems.push(`${where} is not an exercise cell but failed: ${errorSummary(text).split('\n')[0]}`);
      else if (!/not implemented yet/.test(text)) {
        const missing = (/Cannot find name '([\w$]+)'/.exec(text) || [])[1];
        const declaredInSolution =
          missing &&
          nb.cells.some(
            c => cw.isSolution(c) && new RegExp(`^\\s*(let|const|var|function|class)\\s+${missing}\\b`, 'm').test(cw.src(c.source)),
          );
        const hint = declaredInSolution
          ? ` (${missing} is declared in a solution cell that throws when run with its stub; in tslab a cell that throws loses ALL its declarations, so a solution cell must not run the stub at the top level: no top-level assignment from it, no call of the stubbed function; move such lines to a cell of their own)`
          : '';
        problems.push(`${where} failed with something other than "not implemented yet": ${errorSummary(text).split('\n')[0]}${hint}`);
      }
    } else if (['timeout', 'memory', 'died', 'not-run'].includes(info.status))
      problems.push(`${where}: ${info.status} ${info.evalue || ''}`.trim());
    else if (info.status === 'ok' && cw.isTest(cell))
      problems.push(`${where} passed with the stub: its visible tests cannot tell an empty answer from a right one`);
  });
  return problems;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  fs.mkdirSync(o.out, { recursive: true });
  const written = [];
  let failed = 0;
  for (const f of o.notebooks) {
    const name = path.basename(f);
    try {
      const nb = JSON.parse(fs.readFileSync(f, 'utf8'));
      const edition = cw.studentEdition(nb, name);
      const dest = path.join(o.out, name);
      fs.writeFileSync(dest, serializeNotebook(edition));
      const items = cw.gradedItems(nb);
      console.log(
        `student: wrote ${path.relative(process.cwd(), dest) || dest} (${items.length} graded item(s), ${items.reduce((a, x) => a + x.points, 0)} points)`,
      );
      written.push({ name, edition, dest });
    } catch (e) {
      failed++;
      console.error(`student: ${name}: ${e.message}`);
    }
  }
  if (o.check && written.length) {
    writeKernel();
    const { execute } = require('./grade');
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(o.jobs, written.length) }, async () => {
        while (next < written.length) {
          const w = written[next++];
          const t0 = Date.now();
          const workDir = path.join(REPO, 'out', 'grade-work', `student-${process.pid}-${w.name}`);
          let run;
          try {
            ({ run } = await execute(w.edition, o, workDir));
          } finally {
            fs.rmSync(workDir, { recursive: true, force: true });
          }
          const problems = checkProblems(w.edition, run);
          const stubbed = w.edition.cells.filter((c, i) => cw.isTest(c) && (run.cells[i] || {}).status === 'error').length;
          const secs = ((Date.now() - t0) / 1000).toFixed(1);
          if (problems.length) {
            failed++;
            console.log(`FAIL  ${w.name}  ${secs} s\n${problems.map(p => `      ${p}`).join('\n')}`);
          } else
            console.log(
              `PASS  ${w.name}  ${secs} s: runs to the end; ${stubbed} test cell(s) fail with "not implemented yet", nothing else fails`,
            );
        }
      }),
    );
  }
  return failed ? 1 : 0;
}

module.exports = { checkProblems };

if (require.main === module) {
  main().then(
    code => {
      process.exitCode = code;
    },
    e => {
      console.error(`student: ${e.stack || e.message}`);
      process.exitCode = 1;
    },
  );
}
