#!/usr/bin/env node
// Trains the models the notebooks load and saves them to data/models/<name>/.
// Usage: npm run train -- <name> [<name> ...] | --all | --list
//        npm run train -- --remeasure <name> ...   (re-evaluate saved models, keep weights)
const ae = require('aelab');
const { UsageError, parse } = require('./common/args');

const USAGE = 'usage: npm run train -- <name> [<name> ...] | --all | --list | --remeasure <name> ...';

async function main() {
  const {
    values: o,
    positionals,
    help,
  } = parse(process.argv.slice(2), { list: { type: 'boolean' }, all: { type: 'boolean' }, remeasure: { type: 'boolean' } });
  if (help) {
    console.log(USAGE);
    return;
  }
  if (o.list || (!o.all && positionals.length === 0)) {
    for (const [k, r] of Object.entries(ae.RECIPES)) console.log(`${k.padEnd(14)} ${r.description} — paper ${r.paper}`);
    if (!o.list) {
      console.log(`\n${USAGE}`);
      process.exitCode = 2;
    }
    return;
  }
  const remeasure = !!o.remeasure;
  const names = o.all ? Object.keys(ae.RECIPES) : positionals;
  for (const n of names) ae.recipe(n); // fail fast on a typo
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
