// The committed linear models load, pass their checksum, and reproduce the test errors their
// meta.json records (so a notebook that loads them shows the numbers the repository claims).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, RECIPES, recipe, getModel, loadMnist, digits, evaluate, fgsmDataset } from '../../src/internals';

before(async () => {
  await initBackend();
  delete process.env.AELAB_DATA_DIR;
});

test('every recipe names its paper section, a seed and training options', () => {
  for (const [name, r] of Object.entries(RECIPES)) {
    assert.ok(r.description.length > 10 && r.paper.length > 3, name);
    assert.ok(Number.isInteger(r.seed) && r.seed >= 0, `${name}: seed`);
    assert.ok(Number.isInteger(r.options.epochs) && r.options.epochs >= 1, `${name}: epochs`);
  }
  for (const name of ['softmax', 'logistic-3v7', 'maxout', 'maxout-adv', 'mlp', 'rbf']) assert.ok(RECIPES[name], `recipe ${name}`);
  assert.throws(() => recipe('nope'), /^Error: No model recipe 'nope'\. Known: softmax, logistic-3v7, /);
});

test('getModel loads softmax and logistic-3v7 and they reproduce their recorded errors', async t => {
  const m = loadMnist();
  for (const [name, testSet] of [
    ['softmax', m.test],
    ['logistic-3v7', digits(m.test, [3, 7])],
  ] as const) {
    const t0 = Date.now();
    const { clf, meta } = await getModel(name);
    assert.equal(clf.name, name);
    assert.equal(meta.name, name);
    assert.equal(clf.inputSize, 784);
    assert.equal(clf.classes, name === 'softmax' ? 10 : 2);
    const err = evaluate(clf, testSet).error,
      adv = evaluate(clf, fgsmDataset(clf, testSet, 0.25)).error;
    // Backends may round a borderline example differently: allow one example either way.
    assert.ok(Math.abs(err - meta.testError) <= 1 / testSet.n + 1e-12, `${name}: test error ${err}, meta.json says ${meta.testError}`);
    assert.ok(
      Math.abs(adv - meta.adversarialError) <= 1 / testSet.n + 1e-12,
      `${name}: FGSM error ${adv}, meta.json says ${meta.adversarialError}`,
    );
    t.diagnostic(`${name}: ${(100 * err).toFixed(2)} % clean, ${(100 * adv).toFixed(2)} % FGSM (ε = .25) in ${Date.now() - t0} ms`);
    clf.net.dispose();
  }
});
