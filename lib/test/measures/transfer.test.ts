// Transfer of FGSM examples between models: the diagonal is each model's own FGSM error, every
// entry equals evaluating the target on the source's examples, and an exact copy agrees fully.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, Classifier, Dataset, transferMatrix, evaluate, fgsmDataset, softmaxRegression, reluMlp } from '../../src/internals';
import { syntheticDataset } from '../helpers';

before(async () => {
  await initBackend();
});

const D = 10,
  C = 3;
const data = () => syntheticDataset(60, D, C, 1);

test("transferMatrix: one entry per (source, target), diagonal = own FGSM error, entries = evaluate on the source's examples", () => {
  const ds = data(),
    eps = 0.2;
  const a = softmaxRegression({ seed: 1, inputSize: D, classes: C, name: 'a' });
  const b = reluMlp({ seed: 2, inputSize: D, units: 6, layers: 1, classes: C, name: 'b' });
  const copy: Classifier = { ...softmaxRegression({ seed: 1, inputSize: D, classes: C }), name: 'a-copy' };
  const models = [a, b, copy];
  const m = transferMatrix(models, ds, eps);
  assert.equal(m.length, 9);
  assert.deepEqual(
    m.map(r => `${r.source}→${r.target}`),
    ['a→a', 'a→b', 'a→a-copy', 'b→a', 'b→b', 'b→a-copy', 'a-copy→a', 'a-copy→b', 'a-copy→a-copy'],
  );
  for (const src of models) {
    const adv = fgsmDataset(src, ds, eps),
      own = evaluate(src, adv);
    for (const tgt of models) {
      const r = m.find(e => e.source === src.name && e.target === tgt.name)!;
      const ev = evaluate(tgt, adv);
      assert.equal(r.error, ev.error, `${src.name}→${tgt.name}: error`);
      assert.equal(r.sourceError, own.error, `${src.name}→${tgt.name}: source error`);
      if (src === tgt) assert.equal(r.error, r.sourceError, "diagonal: the model's own FGSM error");
      let both = 0,
        same = 0;
      for (let i = 0; i < ds.n; i++)
        if (own.predictions[i] !== ds.y[i] && ev.predictions[i] !== ds.y[i]) {
          both++;
          if (own.predictions[i] === ev.predictions[i]) same++;
        }
      assert.ok(both > 0, `${src.name}→${tgt.name}: some examples fool both`);
      assert.equal(r.sameWrongClass, same / both);
      assert.ok(
        Object.is(r.meanConfidenceOnErrors, ev.meanConfidenceOnErrors) ||
          Math.abs(r.meanConfidenceOnErrors - ev.meanConfidenceOnErrors) < 1e-12,
      );
    }
  }
  const ac = m.find(e => e.source === 'a' && e.target === 'a-copy')!;
  assert.equal(ac.error, ac.sourceError, 'an identical copy is fooled exactly as often');
  assert.equal(ac.sameWrongClass, 1, 'and picks the same wrong class every time');
  assert.ok(
    m.filter(r => r.source === r.target).every(r => r.error > 0.3),
    'ε = .2 fools these untrained models often',
  );
});

test('a model that no example fools gives NaN for sameWrongClass', () => {
  const ds = data();
  const a = softmaxRegression({ seed: 1, inputSize: D, classes: C, name: 'a' });
  const m = transferMatrix([a], ds, 0);
  assert.equal(m.length, 1);
  const clean = evaluate(a, ds).error;
  assert.equal(m[0].error, clean, 'ε = 0 is the clean error');
  if (clean === 0) assert.ok(Number.isNaN(m[0].sameWrongClass));
  else assert.equal(m[0].sameWrongClass, 1);
  tf.tidy(() => a.net.setWeights([tf.zeros([D, C]), tf.tensor1d([5, 0, 0])])); // always predicts class 0
  const only0: Dataset = { ...ds, y: new Int32Array(ds.n) };
  const r = transferMatrix([a], only0, 0.3)[0];
  assert.equal(r.error, 0);
  assert.ok(Number.isNaN(r.sameWrongClass));
});
