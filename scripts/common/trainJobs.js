/**
 * Several recipes at once for `npm run train`: each recipe trains in a process of its own
 * (`node scripts/train.js <name>`), `jobs` at a time, longest first, a recipe that starts from
 * another's weights (`initFrom`) only once that one is saved.
 *
 * Why processes: one training process keeps about 1.5 of 2 cores busy (the products are threaded,
 * the elementwise kernels, tfjs's dispatch and V8 are not), so two recipes side by side, each with
 * one BLAS thread, train more per second than one with two threads. Measured on 2 idle cores of an
 * AMD EPYC (2026-12-02): a 6,000-image maxout-sgd epoch alone took 0.84 s with 2 BLAS threads and
 * 0.85 s with 1; two of them side by side took 1.05 and 1.18 s, 1.4× the throughput.
 * Results do not depend on it: each recipe is seeded on its own, and the native products give the
 * same floats for any thread count (nativeBlas.ts's blasThreadCount; wasm's pool likewise).
 *
 * The schedule is also what `npm run bench` uses to turn per-recipe times into the full-retrain
 * estimate (`makespan`), so the estimate and `npm run train -- --all` run the same plan.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');

/** At most this many recipes at once: beyond that the longest recipe (maxout-sgd-adv) bounds the total. */
const MAX_JOBS = 4;
/** The most threads a job gets: the most the addon and the wasm pool use (MAX_BLAS_THREADS, MAX_WASM_THREADS). */
const MAX_THREADS = 4;
/** Memory per training process, with headroom: the largest peaked at 665 MiB resident in a full retrain (2026-12-02). */
const JOB_MEMORY = 1.5 * 2 ** 30;

/**
 * How many recipes to train at once, and the BLAS / wasm threads each gets: one job per core (at
 * most `MAX_JOBS`, as many as memory allows, no more than there are recipes), the cores shared
 * out between them.
 * @param {number} recipes how many recipes will train
 * @param {{ jobs?: number, cores?: number, memory?: number }} [o] `jobs` as asked for (else automatic)
 */
function planJobs(recipes, o = {}) {
  const cores = o.cores ?? (os.availableParallelism ? os.availableParallelism() : os.cpus().length);
  const memory = o.memory ?? os.totalmem();
  const auto = Math.max(1, Math.min(MAX_JOBS, cores, Math.floor(memory / JOB_MEMORY)));
  const jobs = Math.max(1, Math.min(recipes, o.jobs ?? auto));
  return { jobs, threadsPerJob: Math.max(1, Math.min(MAX_THREADS, Math.floor(cores / jobs))) };
}

/** A recipe's last recorded training time (its saved meta.json), to start the longest first; NaN if never trained. */
function lastTrainingSeconds(name) {
  try {
    return Number(JSON.parse(fs.readFileSync(path.join(require('aelab').modelDir(name), 'meta.json'), 'utf8')).trainingSeconds);
  } catch {
    return NaN;
  }
}

/** The environment of a job's process: its share of the cores, unless the user set the thread counts. */
function jobEnv(threadsPerJob) {
  const env = { ...process.env };
  env.AELAB_BLAS_THREADS ||= String(threadsPerJob);
  env.AELAB_WASM_THREADS ||= String(threadsPerJob);
  return env;
}

/**
 * The order recipes start in: each time a job is free, the recipe with the longest chain ahead of
 * it (its own cost plus the longest chain of the recipes in this run that start from it) whose
 * `initFrom`, if in this run, has finished. `cost(name)` ranks them; unknown costs (NaN) go first,
 * since they may be long. Returns a picker over the remaining names.
 * @param {string[]} names
 * @param {(name: string) => string | undefined} dependsOn the recipe a name starts from, if any
 * @param {(name: string) => number} cost
 */
function scheduler(names, dependsOn, cost) {
  const own = n => {
    const c = cost(n);
    return Number.isFinite(c) ? c : Infinity;
  };
  /** @type {Map<string, number>} */
  const chain = new Map();
  const rank = n => {
    if (!chain.has(n)) chain.set(n, own(n) + Math.max(0, ...names.filter(m => dependsOn(m) === n).map(rank)));
    return /** @type {number} */ (chain.get(n));
  };
  const waiting = [...names].sort((a, b) => rank(b) - rank(a) || names.indexOf(a) - names.indexOf(b));
  const done = new Set();
  const failed = new Set();
  const blocker = n => {
    const d = dependsOn(n);
    return d !== undefined && names.includes(d) && !done.has(d) ? d : undefined;
  };
  return {
    /** The next recipe to start, or undefined when every waiting one waits for a running one. */
    next() {
      const i = waiting.findIndex(n => blocker(n) === undefined);
      return i < 0 ? undefined : waiting.splice(i, 1)[0];
    },
    finished(n, ok) {
      (ok ? done : failed).add(n);
      if (ok) return [];
      // Whatever starts from a failed recipe cannot run: drop it (and what starts from it).
      const dropped = [];
      for (let changed = true; changed;) {
        changed = false;
        for (const w of [...waiting]) {
          const d = dependsOn(w);
          if (d !== undefined && (failed.has(d) || dropped.includes(d))) {
            waiting.splice(waiting.indexOf(w), 1);
            dropped.push(w);
            changed = true;
          }
        }
      }
      return dropped;
    },
    get waiting() {
      return waiting.length;
    },
  };
}

/**
 * The wall time of training `names` on `jobs` at once with `scheduler`'s plan, given how long each
 * takes (`seconds(name)`, which also ranks them), each job on its own core.
 */
function makespan(names, dependsOn, seconds, jobs) {
  const s = scheduler(names, dependsOn, seconds);
  /** @type {{ name: string, end: number }[]} */
  const running = [];
  let now = 0;
  for (;;) {
    while (running.length < jobs) {
      const n = s.next();
      if (n === undefined) break;
      running.push({ name: n, end: now + seconds(n) });
    }
    if (running.length === 0) break;
    running.sort((a, b) => a.end - b.end);
    const first = running.shift();
    now = first.end;
    s.finished(first.name, true);
  }
  return now;
}

/**
 * Trains `names` with `node scripts/train.js <name>`, `jobs` at a time, each line of a job's
 * output prefixed with its name. Resolves to one row per recipe: ok, seconds, and its last
 * output line (the result, or why it failed); recipes dropped because theirs failed say so.
 * @param {string[]} names
 * @param {{ jobs: number, threadsPerJob: number, dependsOn: (n: string) => string | undefined,
 *   cost: (n: string) => number, write?: (s: string) => void }} o
 */
function trainInJobs(names, o) {
  const write = o.write ?? (s => process.stdout.write(s));
  const script = path.join(__dirname, '..', 'train.js');
  const width = Math.max(...names.map(n => n.length));
  const s = scheduler(names, o.dependsOn, o.cost);
  const env = jobEnv(o.threadsPerJob);
  /** @type {Map<string, { ok: boolean, seconds: number, last: string }>} */
  const rows = new Map();
  const children = new Set();
  const onSignal = sig => {
    for (const c of children) c.kill(sig);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return new Promise(resolve => {
    let running = 0;
    const start = () => {
      for (let n; running < o.jobs && (n = s.next()) !== undefined;) launch(n);
      if (running === 0) {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        resolve(names.map(n => ({ name: n, ...(rows.get(n) ?? { ok: false, seconds: 0, last: 'not run' }) })));
      }
    };
    const launch = name => {
      running++;
      const t0 = Date.now();
      const child = spawn(process.execPath, [script, name], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let last = '';
      const tag = `${name.padEnd(width)} │ `;
      for (const stream of [child.stdout, child.stderr]) {
        readline.createInterface({ input: stream }).on('line', line => {
          if (line.trim()) last = line.trim();
          write(`${tag}${line}\n`);
        });
      }
      child.on('close', (code, signal) => {
        children.delete(child);
        running--;
        const ok = code === 0;
        const seconds = (Date.now() - t0) / 1000;
        rows.set(name, { ok, seconds, last: ok ? last : `failed (${signal ?? `exit ${code}`}): ${last}` });
        for (const d of s.finished(name, ok)) {
          rows.set(d, { ok: false, seconds: 0, last: `not trained: it starts from ${o.dependsOn(d)}, which failed` });
          write(`${d.padEnd(width)} │ not trained: it starts from ${o.dependsOn(d)}, which failed\n`);
        }
        start();
      });
    };
    start();
  });
}

module.exports = { planJobs, scheduler, makespan, trainInJobs, jobEnv, lastTrainingSeconds };
