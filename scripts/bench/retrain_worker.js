#!/usr/bin/env node
/**
 * One of `npm run bench`'s retrain workers (scripts/bench/retrain.js): times each recipe named on
 * the command line as `npm run train -- --all` would run it in one of its jobs, and writes one
 * `ROW <json>` line per recipe. Then it keeps training until it is killed, so that the other
 * workers are timed beside a busy core, as they would be in the real run.
 *   node scripts/bench/retrain_worker.js <train images> <eval images> <name> [<name> ...]
 */
'use strict';
const ae = require('aelab').internals;
const M = require('./measure');

/** The recipe `name`'s pieces, per image: a training step (with its attack), a clean evaluation, FGSM + its evaluation. */
function timeRecipe(name, images, evalImages) {
  const r = ae.recipe(name);
  const { train: full, test } = r.data();
  const n = Math.min(images, full.n);
  const ds = n === full.n ? full : ae.sample(full, n, 1);
  const clf = r.build(r.seed, ds);
  const { validation, ...opts } = /** @type {Record<string, any>} */ (r.options);
  const step = M.timed(() => ae.train(clf, ds, { ...opts, epochs: 1, seed: r.seed }));
  const probe = ae.firstN(test, Math.min(evalImages, test.n));
  const clean = M.timed(() => ae.evaluate(clf, probe));
  const adv = M.timed(() => ae.evaluate(clf, ae.fgsmDataset(clf, probe, 0.25)));
  clf.net.dispose();
  return {
    model: name,
    images: n,
    evalImages: probe.n,
    trainSeconds: step.seconds,
    trainCpuSeconds: step.cpuSeconds,
    perImage: { train: step.seconds / n, clean: clean.seconds / probe.n, adversarial: adv.seconds / probe.n },
    perImageCpu: { train: step.cpuSeconds / n, clean: clean.cpuSeconds / probe.n, adversarial: adv.cpuSeconds / probe.n },
  };
}

async function main() {
  const [images, evalImages, ...names] = process.argv.slice(2);
  await ae.setup({ seed: 0, quiet: true });
  // Untimed first: without it the first recipe each worker timed (maxout-sgd, maxout-sgd-adv) came out
  // 40 and 25 % over what the real run took; with it, 22 and 10 % (2026-12-02).
  timeRecipe(names[0] ?? 'maxout', Math.min(Number(images), 1000), Math.min(Number(evalImages), 500));
  for (const name of names) process.stdout.write(`ROW ${JSON.stringify(timeRecipe(name, Number(images), Number(evalImages)))}\n`);
  process.stdout.write('DONE\n');
  // Stay busy until the bench has every worker's rows (it kills us then).
  for (;;) timeRecipe(names[names.length - 1] ?? 'maxout', Number(images), Number(evalImages));
}
main().catch(e => {
  console.error(e.stack || e.message);
  process.exit(1);
});
