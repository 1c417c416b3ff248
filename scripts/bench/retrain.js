/**
 * `npm run bench`'s full-retrain estimate, for the plan `npm run train -- --all` runs
 * (scripts/common/trainJobs.js: recipes side by side in `jobs` processes, longest first).
 *
 * Each recipe is timed on a slice of its training set inside worker processes that run side by
 * side, as many as the plan's jobs and with its threads, so each is timed next to a busy core
 * (scripts/bench/retrain_worker.js). Its whole recipe is then counted from those per-image times:
 * every epoch of both phases (phase 1 on the training split, phase 2 on all of it), the
 * validation set's evaluation after every epoch (clean, and FGSM when the recipe monitors or
 * trains adversarially), and the final test-set evaluation (clean and FGSM). Early stopping is
 * assumed not to happen, so this is an upper bound on that count. The estimate is the plan's wall
 * time over those recipe times (`makespan`).
 */
'use strict';
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');
const ae = require('aelab').internals;
const { jobEnv, lastTrainingSeconds, makespan, planJobs } = require('../common/trainJobs');

/** How many images of each kind one run of recipe `name` goes through (see the header). */
function recipeWork(name) {
  const r = ae.recipe(name);
  const { train, test } = r.data();
  const o = /** @type {Record<string, any>} */ (r.options);
  const v = r.validation;
  if (!v) return { train: o.epochs * train.n, clean: test.n, adversarial: test.n };
  const nVal = Math.max(1, Math.round(train.n * v.fraction));
  const advVal = v.monitor === 'adversarialError' || !!o.adversarial || !!o.adversarialExamples;
  return {
    train: o.epochs * (train.n - nVal) + v.thenFullEpochs * train.n,
    clean: o.epochs * nVal + test.n,
    adversarial: (advVal ? o.epochs * nVal : 0) + test.n,
  };
}

/**
 * Times every recipe in `names` in the plan's worker processes and estimates the retrain.
 * @param {string[]} names
 * @param {{ trainImages: number, evalImages: number, all: string[], say: (s: string) => void }} o
 */
async function retrainEstimate(names, o) {
  const plan = planJobs(names.length);
  const last = new Map(names.map(n => [n, lastTrainingSeconds(n) || 0]));
  const order = [...names].sort((a, b) => last.get(b) - last.get(a));
  const shares = Array.from({ length: plan.jobs }, (_, i) => order.filter((_, k) => k % plan.jobs === i));
  o.say(`retrain estimate: ${names.length} recipes timed in ${plan.jobs} processes side by side (${plan.threadsPerJob} thread(s) each)`);
  const env = jobEnv(plan.threadsPerJob);
  const rows = await new Promise((resolve, reject) => {
    const got = [];
    let done = 0,
      settled = false;
    const children = shares.map(share => {
      const c = spawn(
        process.execPath,
        [path.join(__dirname, 'retrain_worker.js'), String(o.trainImages), String(o.evalImages), ...share],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let err = '';
      c.stderr.on('data', d => (err += d));
      readline.createInterface({ input: c.stdout }).on('line', line => {
        if (line.startsWith('ROW ')) got.push(JSON.parse(line.slice(4)));
        else if (line === 'DONE' && ++done === shares.length) {
          settled = true;
          children.forEach(k => k.kill());
          resolve(got);
        }
      });
      c.on('exit', (code, signal) => {
        if (settled) return;
        settled = true;
        children.forEach(k => k.kill());
        reject(new Error(`bench: a retrain worker stopped (${signal ?? `exit ${code}`}) before timing its recipes:\n${err}`));
      });
      return c;
    });
  });
  const recipes = names.map(name => {
    const t = rows.find(x => x.model === name);
    const w = recipeWork(name);
    const sum = p => w.train * p.train + w.clean * p.clean + w.adversarial * p.adversarial;
    return {
      model: name,
      work: w,
      timed: { images: t.images, evalImages: t.evalImages },
      seconds: sum(t.perImage),
      cpuSeconds: sum(t.perImageCpu),
    };
  });
  const seconds = n => recipes.find(x => x.model === n).seconds;
  const wall = makespan(names, n => ae.recipe(n).initFrom, seconds, plan.jobs);
  return {
    models: names,
    complete: o.all.every(n => names.includes(n)),
    jobs: plan.jobs,
    threadsPerJob: plan.threadsPerJob,
    recipes: recipes.map(x => ({ ...x, seconds: Math.round(x.seconds * 10) / 10, cpuSeconds: Math.round(x.cpuSeconds * 10) / 10 })),
    estimatedMinutes: Math.round((wall / 60) * 10) / 10,
    estimatedCpuMinutes: Math.round((recipes.reduce((s, x) => s + x.cpuSeconds, 0) / 60) * 10) / 10,
  };
}

module.exports = { retrainEstimate, recipeWork };
