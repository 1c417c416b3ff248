#!/usr/bin/env node
// Trains the models the notebooks load and saves them to data/models/<name>/.
// Usage: npm run train -- <name> [<name> ...] | --all | --list   [--jobs N]
//        npm run train -- --remeasure <name> ...   (re-evaluate saved models, keep weights)
// Several recipes train side by side, each in its own process (scripts/common/trainJobs.js): by
// default one per core (at most 4); --jobs 1 trains them one after another in this process.
const ae = require('aelab');
const { UsageError, parse, wholeNumber } = require('./common/args');
const { lastTrainingSeconds, planJobs, trainInJobs } = require('./common/trainJobs');

const USAGE = 'usage: npm run train -- <name> [<name> ...] | --all | --list   [--jobs N]\n       npm run train -- --remeasure <name> ...';

const minutes = s => `${(s / 60).toFixed(1)} min`;

async function main() {
  const {
    values: o,
    positionals,
    help,
  } = parse(process.argv.slice(2), {
    list: { type: 'boolean' },
    all: { type: 'boolean' },
    remeasure: { type: 'boolean' },
    jobs: { type: 'string' },
  });
  if (help) {
    console.log(USAGE);
    return;
  }
  if (o.list || (!o.all && positionals.length === 0)) {
    for (const [k, r] of Object.entries(ae.RECIPES)) console.log(`${k.padEnd(18)} ${r.description} — paper ${r.paper}`);
    if (!o.list) {
      console.log(`\n${USAGE}`);
      process.exitCode = 2;
    }
    return;
  }
  const remeasure = !!o.remeasure;
  if (o.all && positionals.length) throw new UsageError(`--all trains every recipe; drop ${positionals.join(' ')} or --all`);
  const names = o.all ? Object.keys(ae.RECIPES) : [...new Set(positionals)];
  for (const n of names) ae.recipe(n); // fail fast on a typo
  const jobsAsked = o.jobs === undefined ? undefined : wholeNumber('jobs', o.jobs);
  if (remeasure && jobsAsked !== undefined) throw new UsageError('--remeasure runs in one process; drop --jobs');
  const plan = planJobs(names.length, { jobs: jobsAsked });

  if (!remeasure && plan.jobs > 1) {
    const t0 = Date.now();
    console.log(
      `train: ${names.length} recipes, ${plan.jobs} at a time, each in its own process with ${plan.threadsPerJob} thread${plan.threadsPerJob > 1 ? 's' : ''} (--jobs 1: one after another)`,
    );
    const rows = await trainInJobs(names, {
      ...plan,
      dependsOn: n => ae.recipe(n).initFrom,
      cost: lastTrainingSeconds,
    });
    const failed = rows.filter(r => !r.ok);
    const width = Math.max(...rows.map(r => r.name.length));
    console.log(
      `\ntrain: ${rows.length - failed.length} of ${rows.length} recipes trained in ${minutes((Date.now() - t0) / 1000)} (${plan.jobs} at a time)`,
    );
    for (const r of rows) console.log(`  ${r.name.padEnd(width)}  ${(r.ok ? minutes(r.seconds) : '').padStart(9)}  ${r.last}`);
    if (failed.length) {
      console.error(`train: ${failed.map(r => r.name).join(', ')} not trained (see each one's lines above)`);
      process.exitCode = 1;
    }
    return;
  }

  await ae.setup({ seed: 0 });
  if (remeasure) {
    // Re-evaluates saved models with the current library (e.g. after an attack fix) without retraining.
    for (const n of names) {
      const meta = await ae.remeasureModel(n);
      console.log(
        `${n}: test error ${(100 * meta.testError).toFixed(2)}%, FGSM(.25) error ${(100 * meta.adversarialError).toFixed(2)}% (re-measured)`,
      );
    }
    return;
  }
  for (const n of names) {
    const { meta } = await ae.trainRecipe(n);
    console.log(
      `${n}: test error ${(100 * meta.testError).toFixed(2)}%, FGSM(.25) error ${(100 * meta.adversarialError).toFixed(2)}% → ${ae.modelDir(n)}/`,
    );
  }
}
main().catch(e => {
  console.error(e instanceof UsageError ? `train: ${e.message}\n${USAGE}` : e.message);
  process.exit(e instanceof UsageError ? 2 : 1);
});
