#!/usr/bin/env node
// Trains the models the notebooks load and saves them to data/models/<name>/.
// Usage: npm run train -- <name> [<name> ...] | --all | --list
//        npm run train -- --remeasure <name> ...   (re-evaluate saved models, keep weights)
const ae = require('aelab');

function lineReporter(name) {
  const tty = process.stdout.isTTY;
  let last = 0;
  return {
    update(f) {
      if (!tty || Date.now() - last < 250) return;
      last = Date.now();
      const eta = f.elapsed / ((f.epoch - 1) + f.batch / f.batches) * (f.epochs - (f.epoch - 1) - f.batch / f.batches);
      process.stdout.write(`\r${name} epoch ${f.epoch}/${f.epochs} batch ${f.batch}/${f.batches} loss ${f.loss.toFixed(4)} ` +
        `elapsed ${f.elapsed.toFixed(0)}s eta ${eta.toFixed(0)}s   `);
    },
    epochEnd(r) {
      const pct = v => (v === undefined || Number.isNaN(v)) ? '—' : (100 * v).toFixed(2) + '%';
      process.stdout.write(`${tty ? '\r' : ''}${name} epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)} train-err ${pct(r.trainError)}` +
        `${r.valError !== undefined ? ` val-err ${pct(r.valError)}` : ''} lr ${r.learningRate.toExponential(2)} ${r.seconds.toFixed(1)}s (total ${r.elapsed.toFixed(0)}s)\n`);
    },
    done(h) { console.log(`${name}: trained ${h.epochs.length} epochs in ${h.seconds.toFixed(0)} s`); },
  };
}

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
    const { meta } = await ae.trainRecipe(n, { reporter: lineReporter(n) });
    console.log(`${n}: test error ${(100 * meta.testError).toFixed(2)}%, FGSM(.25) error ${(100 * meta.adversarialError).toFixed(2)}% → data/models/${n}/`);
  }
}
main().catch(e => { console.error(e.message); process.exit(1); });
