#!/usr/bin/env node
/**
 * `npm run grade -- <submission.ipynb | folder>... [options]`: autogrades student notebooks.
 *
 *   --out DIR           where results go (default out/grades/)
 *   --source DIR        the instructor notebooks (default notebooks/)
 *   --jobs N            submissions graded at once (default 1; with more, each kernel uses one wasm thread)
 *   --shard i/n         grade only the i-th of n deterministic slices (1-based), for several machines
 *   --timeout-cell S    CPU seconds one cell may use (default 600): the limit does not depend on how
 *                       busy the machine is or on --jobs
 *   --timeout-wall S    wall-clock seconds one cell may take, e.g. waiting (default 10 × --timeout-cell)
 *   --memory-mb M       resident memory the kernel may use (default 4096)
 *   --list              print which submissions (of this shard) would be graded, and stop
 *   --merge DIR...      combine the report.json of shard runs into one gradebook in --out
 *
 * Whose submission: `<student>__<anything>.ipynb` anywhere; otherwise, inside a folder given on the
 * command line, the first folder below it (`submissions/<student>/…/<notebook>.ipynb`); otherwise the
 * file name without `.ipynb`. Which assignment: the instructor notebook in --source that shares the most
 * nbgrader grade_ids with it (else the same first heading or file name).
 *
 *   --scratch-mb M      size of the sandbox's scratch folder, /tmp and data/results (default 512)
 *   --no-seal           do not seal the kernel (for measuring what sealing costs)
 *
 * Each submission runs in a fresh kernel (scripts/coursework/grade_run.py: per-cell time limit, memory limit,
 * allow-errors) inside the sandbox of scripts/coursework/sandbox.js (bubblewrap, own user; the first
 * output line says whether there is one), with locked and test cells restored from the instructor
 * notebook, the hidden tests put back, and the kernel sealed (grade-core.js seal(),
 * lib/src/coursework/harness.ts): a test cell counts only with its proof line. Submission files are only
 * read. Results in --out: gradebook.csv, report.json, and per
 * submission <student>/<file>/ result.json, results.json (Gradescope), feedback.html, executed.ipynb.
 * Exit status: 0 all graded, 1 some submission could not be graded (see the gradebook), 2 bad usage.
 */
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const { REPO, jupyterEnv, TSLAB } = require('../env/paths');
const { writeKernel } = require('../env/kernel');
const { UsageError, parse, resolvePath, wholeNumber } = require('../common/args');
const cw = require('./coursework');
const core = require('./grade-core');
const report = require('./grade-report');
const sandbox = require('./sandbox');

/** @type {string | null} */
let python = null;
/** The runner's Python: the project's .venv/ (npm run setup), else a system one with nbclient and nbformat. */
function runnerPython() {
  if (python === null) python = require('../env/setup').findNbclientPython() || '';
  if (!python)
    throw new UsageError(
      'no Python with nbclient and nbformat to run the hand-ins: run `npm run setup` (it makes .venv/ with them), then grade again.',
    );
  return python;
}
const RUNNER = path.join(__dirname, 'grade_run.py');
const WORK = path.join(REPO, 'out', 'grade-work');
const MAX_RESTARTS = 3;

function parseArgs(argv) {
  const {
    values: v,
    positionals,
    help,
  } = parse(argv, {
    out: { type: 'string' },
    source: { type: 'string' },
    jobs: { type: 'string' },
    'timeout-cell': { type: 'string' },
    'timeout-wall': { type: 'string' },
    'memory-mb': { type: 'string' },
    'scratch-mb': { type: 'string' },
    'no-seal': { type: 'boolean' },
    list: { type: 'boolean' },
    merge: { type: 'boolean' },
    shard: { type: 'string' },
  });
  if (help) throw new UsageError('');
  const int = (name, def) => (v[name] === undefined ? def : wholeNumber(name, v[name]));
  const o = {
    out: resolvePath(v.out ?? path.join(REPO, 'out', 'grades')),
    source: resolvePath(v.source ?? path.join(REPO, 'notebooks')),
    jobs: int('jobs', 1),
    timeoutCell: int('timeout-cell', 600),
    timeoutWall: int('timeout-wall', null),
    memoryMb: int('memory-mb', 4096),
    scratchMb: int('scratch-mb', 512),
    seal: !v['no-seal'],
    list: !!v.list,
    shard: [1, 1],
    inputs: [],
    merge: null,
  };
  if (v.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(v.shard);
    if (!m || +m[1] < 1 || +m[1] > +m[2]) throw new UsageError(`--shard takes i/n with 1 ≤ i ≤ n, e.g. 2/4; got "${v.shard}"`);
    o.shard = [+m[1], +m[2]];
  }
  if (v.merge) o.merge = positionals.map(resolvePath);
  else o.inputs = positionals.map(resolvePath);
  if (o.merge ? !o.merge.length : !o.inputs.length)
    throw new UsageError(o.merge ? '--merge needs the output folders of the shard runs' : 'give submission files or folders');
  for (const p of o.merge || o.inputs) if (!fs.existsSync(p)) throw new UsageError(`${p}: no such file or folder`);
  return o;
}

const rel = f => (path.relative(process.cwd(), f).startsWith('..') ? f : path.relative(process.cwd(), f) || f);

/** The instructor notebooks with exercises in `dir` (90-* galleries excluded). */
function loadSources(dir) {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--source ${dir}: not a folder of instructor notebooks`);
  const sources = [];
  for (const f of fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.ipynb') && !/^90-/.test(f))
    .sort()) {
    let nb, items;
    try {
      nb = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
      items = cw.gradedItems(nb);
      if (items.length) cw.studentEdition(nb, f); // validates the regions and ids; names the cell
    } catch (e) {
      throw new UsageError(`instructor notebook ${path.join(dir, f)}: ${e.message}`);
    }
    if (!items.length) continue;
    sources.push({
      name: f.replace(/\.ipynb$/, ''),
      file: path.join(dir, f),
      nb,
      items,
      heading: cw.firstHeading(nb),
      ids: new Set(nb.cells.map(cw.gradeId).filter(Boolean)),
    });
  }
  if (!sources.length) throw new UsageError(`${dir} has no instructor notebooks with graded exercise cells (nbgrader grade: true)`);
  return sources;
}

/** Submissions under the inputs, sorted, with the student each belongs to. */
function findSubmissions(inputs, outDir) {
  const found = [];
  const studentOf = (file, root) => {
    const base = path.basename(file);
    if (base.includes('__')) return { student: base.slice(0, base.indexOf('__')), rule: 'file name prefix' };
    const parts = root ? path.relative(root, file).split(path.sep) : [];
    if (parts.length > 1) return { student: parts[0], rule: 'folder' };
    return { student: base.replace(/\.ipynb$/, ''), rule: 'file name' };
  };
  const walk = (p, root) => {
    if (path.resolve(p) === path.resolve(outDir)) return; // never grade our own output
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p).sort())
        if (!e.startsWith('.') && e !== '__MACOSX' && e !== 'node_modules') walk(path.join(p, e), root);
    } else if (st.isFile()) found.push({ file: p, ...studentOf(p, root) });
  };
  for (const input of inputs)
    fs.statSync(input).isDirectory() ? walk(input, input) : found.push({ file: input, ...studentOf(input, null) });
  const seen = new Set();
  return found
    .filter(s => (seen.has(s.file) ? false : seen.add(s.file)))
    .sort((a, b) => a.student.localeCompare(b.student) || a.file.localeCompare(b.file));
}

const children = new Set(); // { runner, kernels: Set } of running graders, killed on exit
const killGroup = pid => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
};
function killAll() {
  for (const c of children) {
    killGroup(c.runner.pid);
    c.kernels.forEach(killGroup);
  }
}
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });

/** The environment inside the sandbox: nothing of the grader's own (tokens, credentials), only what a notebook needs. */
function sandboxEnv(o) {
  const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: sandbox.BOX, TMPDIR: '/tmp', LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(process.env)) if (/^AELAB_/.test(k) && !/^AELAB_GRADE/.test(k)) env[k] = v;
  if (o.jobs > 1 && !process.env.AELAB_WASM_THREADS) env.AELAB_WASM_THREADS = '1';
  return env;
}

/**
 * Executes a notebook object with grade_run.py in its own process group, the kernel in the sandbox
 * (scripts/coursework/sandbox.js); resolves { run, executed }. Whatever the notebook does, this
 * resolves: the runner's output goes to files (no pipe a stray process could hold open), and when the
 * runner exits, for whatever reason, every kernel process group it reported is killed.
 */
function execute(nb, o, workDir, slot = 0) {
  const py = runnerPython();
  fs.mkdirSync(workDir, { recursive: true });
  const input = path.join(workDir, 'submission.ipynb'),
    output = path.join(workDir, 'executed.ipynb'),
    result = path.join(workDir, 'run.json');
  fs.writeFileSync(input, JSON.stringify(nb));
  const codeCells = nb.cells.filter(c => c.cell_type === 'code').length;
  const wall = o.timeoutWall || 10 * o.timeoutCell;
  const guardMs = (wall * (codeCells + 2) * (MAX_RESTARTS + 1) + 300) * 1000;
  const jupyterDir = path.join(workDir, 'jupyter');
  const kernel = sandbox.writeKernelSpec({
    jupyterDir,
    boxDir: path.join(workDir, 'box'),
    slot,
    scratchMb: o.scratchMb || 512,
    env: sandboxEnv(o),
    tslab: TSLAB,
  });
  const env = {
    ...jupyterEnv(),
    JUPYTER_PATH: jupyterDir,
    JUPYTER_RUNTIME_DIR: path.join(workDir, 'runtime'),
    ...(o.jobs > 1 && !process.env.AELAB_WASM_THREADS ? { AELAB_WASM_THREADS: '1' } : {}),
  };
  const logFile = path.join(workDir, 'runner.log');
  const log = fs.openSync(logFile, 'w');
  return new Promise(resolve => {
    const runner = spawn(
      py,
      [
        RUNNER,
        input,
        output,
        result,
        '--cwd',
        workDir,
        '--timeout-cell',
        String(o.timeoutCell),
        '--timeout-wall',
        String(wall),
        '--memory-mb',
        String(o.memoryMb),
        '--kernel',
        kernel,
        '--max-restarts',
        String(MAX_RESTARTS),
      ],
      { cwd: REPO, env, detached: true, stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    const child = { runner, kernels: new Set() };
    children.add(child);
    // The kernel's pid, as the runner reports it, so that its group can be killed even if the runner dies.
    const poll = setInterval(() => {
      try {
        for (const m of fs.readFileSync(logFile, 'utf8').matchAll(/kernel-pid (\d+)/g)) child.kernels.add(Number(m[1]));
      } catch {
        /* not yet */
      }
    }, 500);
    let note = '';
    const guard = setTimeout(() => {
      note = `gave up after ${guardMs / 1000} s`;
      killGroup(runner.pid);
    }, guardMs);
    runner.on('exit', (code, signal) => {
      clearTimeout(guard);
      clearInterval(poll);
      try {
        for (const m of fs.readFileSync(logFile, 'utf8').matchAll(/kernel-pid (\d+)/g)) child.kernels.add(Number(m[1]));
      } catch {
        /* none */
      }
      killGroup(runner.pid);
      child.kernels.forEach(killGroup); // whatever the runner left behind
      children.delete(child);
      const tail = () => {
        try {
          return fs
            .readFileSync(logFile, 'utf8')
            .trim()
            .split('\n')
            .filter(l => !/^kernel-pid /.test(l))
            .slice(-5)
            .join(' | ');
        } catch {
          return '';
        }
      };
      let run = null;
      try {
        run = JSON.parse(fs.readFileSync(result, 'utf8'));
      } catch {
        /* the runner died before the first cell */
      }
      let executed = null;
      try {
        executed = JSON.parse(fs.readFileSync(output, 'utf8'));
      } catch {
        /* the runner did not finish */
      }
      if (run && executed && code === 0) {
        resolve({ run, executed });
        return;
      }
      const why = `the notebook runner ${signal ? `was killed (${signal})` : `failed (exit ${code})`}${note ? `, ${note}` : ''}${tail() ? `: ${tail()}` : ''}`;
      // What it recorded before it died still counts: the cells it ran, without their outputs.
      resolve({ run: { cells: [], restarts: [], ...(run || {}), error: why, runnerDied: true }, executed: nb });
    });
  });
}

/** Grades one submission; never throws (a bad file becomes a result with status "error"). */
async function gradeOne(sub, sources, o, k, slot = 0) {
  const t0 = Date.now();
  const base = {
    student: sub.student,
    file: sub.file,
    studentRule: sub.rule,
    notebook: null,
    gradedAt: new Date().toISOString().slice(0, 19) + 'Z',
  };
  let executed = null,
    result;
  try {
    if (!sub.file.endsWith('.ipynb')) throw new Error('not a notebook file (expected a .ipynb file)');
    const nb = core.parseSubmission(fs.readFileSync(sub.file, 'utf8'));
    const source = core.identify(nb, sources, path.basename(sub.file, '.ipynb'));
    const assembled = core.assemble(nb, source);
    const workDir = path.join(WORK, `${process.pid}-${k}`);
    const sealed = o.seal ? core.seal(assembled.nb) : null;
    let run,
      proofs = null;
    try {
      ({ run, executed } = await execute(sealed ? sealed.nb : assembled.nb, o, workDir, slot));
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
    const sealFlags = [];
    if (sealed) {
      const stdoutOf = k =>
        (run.cells[k] && run.cells[k].stdout) ||
        ((executed.cells[k] || {}).outputs || [])
          .filter(x => x.output_type === 'stream' && x.name === 'stdout')
          .map(x => cw.src(x.text))
          .join('');
      proofs = (run.cells || []).map((c, k) => core.passed(sealed.secret, k, stdoutOf(k), sealed.nb.cells[k])).slice(1);
      ({ executed, run } = core.unseal(executed, run, sealed));
      if (run.seal && run.seal.status !== 'ok' && run.seal.status !== 'not-run')
        sealFlags.push(
          `grader: sealing the kernel failed (${core.errorSummary(run.seal.stderr || run.seal.evalue).split('\n')[0]}); no test could be proven`,
        );
    }
    if (run.error && !(run.cells || []).some(c => !['skip', 'not-run'].includes(c.status)))
      throw new Error(`could not be run: ${run.error}`);
    const s = core.score(source, assembled, executed, run, proofs);
    s.flags.unshift(...sealFlags);
    result = {
      ...base,
      status: 'graded',
      notebook: source.name,
      ...s,
      flags: [...assembled.flags, ...s.flags],
      peakRssMb: run.peak_rss_mb,
      cells: run.cells,
    };
  } catch (e) {
    result = { ...base, status: 'error', error: `${rel(sub.file)}: ${e.message}`, flags: [] };
  }
  /** @type {Record<string, any>} */ (result).seconds = Math.round((Date.now() - t0) / 100) / 10;
  return { result, executed };
}

/** Writes one submission's files; returns the folder. */
function writeSubmission(o, { result, executed }, taken) {
  const safe = s => s.replace(/[^\w.@-]+/g, '_') || '_';
  let dir = path.join(o.out, safe(result.student), safe(path.basename(result.file).replace(/\.ipynb$/, '')));
  for (let n = 2; taken.has(dir); n++) dir = dir.replace(/(-\d+)?$/, `-${n}`);
  taken.add(dir);
  fs.mkdirSync(dir, { recursive: true });
  result.output = path.relative(o.out, dir);
  fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify(result, null, 1) + '\n');
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(report.gradescopeResults(result), null, 1) + '\n');
  fs.writeFileSync(path.join(dir, 'feedback.html'), report.feedbackHtml(result, executed));
  if (executed) fs.writeFileSync(path.join(dir, 'executed.ipynb'), JSON.stringify(executed, null, 1) + '\n');
  return dir;
}

function writeGradebook(out, results, extra) {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'gradebook.csv'), report.gradebookCsv(results));
  fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify({ ...extra, results }, null, 1) + '\n');
}

function line(r) {
  if (r.status !== 'graded') return `ERROR   ${r.student}  ${r.error}`;
  const manual = r.manualMax ? ` (+${r.manualMax} by hand)` : '';
  return `graded  ${r.student}  ${r.notebook}  ${r.total}/${r.max}${manual}  ${r.seconds} s${r.flags.length ? `\n        flags: ${r.flags.join('\n               ')}` : ''}`;
}

function merge(o) {
  const results = [],
    shards = [],
    files = new Set();
  for (const dir of o.merge) {
    const f = path.join(dir, 'report.json');
    if (!fs.existsSync(f)) throw new UsageError(`${dir} has no report.json; give the --out folders of the shard runs`);
    const rep = JSON.parse(fs.readFileSync(f, 'utf8'));
    shards.push(rep.shard || '1/1');
    for (const r of rep.results) {
      if (files.has(r.file)) throw new UsageError(`${r.file} was graded in two of the merged runs; were the same shards given twice?`);
      files.add(r.file);
      results.push({ ...r, output: r.output && path.relative(o.out, path.join(dir, r.output)) });
    }
  }
  const n = new Set(shards.map(s => s.split('/')[1]));
  const missing =
    n.size === 1 ? [...Array(Number([...n][0])).keys()].map(i => `${i + 1}/${[...n][0]}`).filter(s => !shards.includes(s)) : [];
  writeGradebook(o.out, results, { merged: o.merge.map(d => path.relative(o.out, d)), shards });
  console.log(
    `grade: merged ${results.length} result(s) from ${o.merge.length} run(s) (shards ${shards.join(', ')}) into ${rel(path.join(o.out, 'gradebook.csv'))}`,
  );
  if (n.size > 1) console.log(`grade: warning: the runs were split differently (${shards.join(', ')})`);
  if (missing.length) console.log(`grade: warning: shard(s) ${missing.join(', ')} missing`);
  return results.some(r => r.status !== 'graded') ? 1 : 0;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.merge) return merge(o);
  const sources = loadSources(o.source);
  const all = findSubmissions(o.inputs, o.out);
  const [i, n] = o.shard;
  const mine = all.filter((_, k) => k % n === i - 1);
  if (o.list) {
    for (const s of mine) console.log(`${s.student}\t${rel(s.file)}`);
    return 0;
  }
  runnerPython(); // fails here, before any hand-in, if there is none
  writeKernel();
  const box = sandbox.describe();
  console.log(`grade: ${box}`);
  console.log(
    `grade: ${mine.length} submission(s)${n > 1 ? ` (shard ${i}/${n} of ${all.length})` : ''} against ${sources.map(s => s.name).join(', ')}; ` +
      `${o.jobs} at a time, cell limit ${o.timeoutCell} s CPU (${o.timeoutWall || 10 * o.timeoutCell} s wall), memory limit ${o.memoryMb} MB; results in ${rel(o.out)}/`,
  );
  const done = new Array(mine.length);
  let next = 0;
  const taken = new Set();
  await Promise.all(
    Array.from({ length: Math.min(o.jobs, mine.length) }, async (_, slot) => {
      while (next < mine.length) {
        const k = next++;
        const graded = await gradeOne(mine[k], sources, o, k, slot);
        writeSubmission(o, graded, taken);
        done[k] = graded.result;
        console.log(line(graded.result));
      }
    }),
  );
  writeGradebook(o.out, done, {
    sandbox: box,
    shard: `${i}/${n}`,
    source: o.source,
    timeoutCell: o.timeoutCell,
    timeoutWall: o.timeoutWall,
    memoryMb: o.memoryMb,
    scratchMb: o.scratchMb,
  });
  const bad = done.filter(r => r.status !== 'graded').length;
  console.log(`grade: ${done.length - bad} graded, ${bad} could not be graded; gradebook ${rel(path.join(o.out, 'gradebook.csv'))}`);
  return bad ? 1 : 0;
}

module.exports = { execute, findSubmissions, loadSources, gradeOne, parseArgs };

if (require.main === module) {
  main().then(
    code => {
      process.exitCode = code;
    },
    e => {
      killAll();
      if (e instanceof UsageError) {
        if (e.message) console.error(`grade: ${e.message}`);
        console.error(
          'usage: npm run grade -- <submission.ipynb | folder>... [--out DIR] [--source DIR] [--jobs N] [--shard i/n] ' +
            '[--timeout-cell S] [--timeout-wall S] [--memory-mb M] [--scratch-mb M] [--no-seal] [--list]\n       npm run grade -- --merge DIR... [--out DIR]',
        );
        process.exitCode = 2;
      } else {
        console.error(`grade: ${e.stack || e.message}`);
        process.exitCode = 1;
      }
    },
  );
}
