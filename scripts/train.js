#!/usr/bin/env node
// Trains the models the notebooks load and saves them to data/models/<name>/.
// Usage: npm run train -- <name> [<name> ...] | --all | --list
//        npm run train -- --remeasure <name> ...   (re-evaluate saved models, keep weights)
const ae = require('aelab');

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--list') || args.length === 0) {
    for (const [k, r] of Object.entries(ae.RECIPES)) console.log(`${k.padEnd(14)} ${r.description} — paper ${r.paper}`);
    if (args.length === 0) { console.log('\nUsage: npm run train -- <name> [...] | --all'); process.exitCode = 2; }
    return;
  }
  await ae.setup({ seed: 0 });
  const remeasure = args.includes('--remeasure');
  const names = args.includes('--all') ? Object.keys(ae.RECIPES) : args.filter(a => !a.startsWith('--'));
  if (remeasure) {
    // Re-evaluates saved models with the current library (e.g. after an attack fix) without retraining.
    for (const n of names) {
      const meta = await ae.remeasureModel(n);
      console.log(`${n}: test error ${(100 * meta.testError).toFixed(2)}%, FGSM(.25) error ${(100 * meta.adversarialError).toFixed(2)}% (re-measured)`);
    }
    return;
  }
  for (const n of names) ae.recipe(n);   // fail fast on a typo
  for (const n of names) {
    const { meta } = await ae.trainRecipe(n);
    console.log(`${n}: test error ${(100 * meta.testError).toFixed(2)}%, FGSM(.25) error ${(100 * meta.adversarialError).toFixed(2)}% → ${ae.modelDir(n)}/`);
  }
}
main().catch(e => { console.error(e.message); process.exit(1); });
