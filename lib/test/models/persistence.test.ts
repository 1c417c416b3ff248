// Saving and loading models: a round trip predicts identically (custom layers included), and a
// missing or damaged file is a clear error that names the model and the fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as crypto from 'crypto';
import * as tf from '@tensorflow/tfjs';
import {
  initBackend,
  rng,
  Classifier,
  logisticRegression,
  softmaxRegression,
  maxoutNetwork,
  reluMlp,
  rbfNetwork,
  saveClassifier,
  loadClassifier,
  readModelMeta,
  modelDir,
  dataDir,
  logits,
  Maxout,
  SeededDropout,
  RbfLayer,
} from '../../src/internals';

const D = 9;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-models-'));
const savedEnv = process.env.AELAB_DATA_DIR;
before(async () => {
  await initBackend();
  process.env.AELAB_DATA_DIR = tmp;
});
after(() => {
  if (savedEnv === undefined) delete process.env.AELAB_DATA_DIR;
  else process.env.AELAB_DATA_DIR = savedEnv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

const meta = { seed: 1, data: 'synthetic', epochs: 0, testError: 0.1, adversarialError: 0.9, trainingSeconds: 0, recipe: { note: 'test' } };
const inputs = () => {
  const r = rng(3);
  return tf.tensor2d(
    Float32Array.from({ length: 6 * D }, () => r()),
    [6, D],
  );
};
const scores = (c: Classifier) => tf.tidy(() => logits(c, inputs()).dataSync());

test('save → load round trip: same scores, same metadata, every model family', async () => {
  const models: Classifier[] = [
    logisticRegression({ seed: 1, inputSize: D, name: 'rt-logistic' }),
    softmaxRegression({ seed: 2, inputSize: D, classes: 4, name: 'rt-softmax' }),
    maxoutNetwork({ seed: 3, inputSize: D, units: 3, pieces: 4, classes: 4, name: 'rt-maxout' }),
    reluMlp({ seed: 4, inputSize: D, units: 5, classes: 4, name: 'rt-mlp' }),
    rbfNetwork({ seed: 5, inputSize: D, classes: 4, name: 'rt-rbf' }),
  ];
  for (const clf of models) {
    const saved = await saveClassifier(clf, meta);
    const dir = path.join(tmp, 'models', clf.name);
    assert.equal(modelDir(clf.name), dir, 'short names live under $AELAB_DATA_DIR/models');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['meta.json', 'model.json', 'weights.bin']);
    const sha = crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(dir, 'weights.bin')))
      .digest('hex');
    assert.equal(saved.checksum, sha, 'meta.json records the sha256 of weights.bin');
    assert.deepEqual(readModelMeta(clf.name), JSON.parse(JSON.stringify(saved)));
    const { clf: back, meta: m } = await loadClassifier(clf.name);
    assert.equal(back.name, clf.name);
    assert.equal(back.head, clf.head);
    assert.equal(back.inputSize, D);
    assert.equal(back.classes, clf.classes);
    assert.equal(m.testError, 0.1);
    assert.deepEqual(m.recipe, { note: 'test' });
    assert.equal(m.backend, tf.getBackend());
    assert.deepEqual(scores(back), scores(clf), `${clf.name}: identical scores after loading`);
    assert.deepEqual(
      back.net.getWeights().map(w => Array.from(w.dataSync())),
      clf.net.getWeights().map(w => Array.from(w.dataSync())),
    );
  }
});

test('custom layers survive serialization with their settings', async () => {
  const clf = maxoutNetwork({
    seed: 6,
    inputSize: D,
    units: 2,
    pieces: 3,
    classes: 3,
    inputDropout: 0.3,
    hiddenDropout: 0.4,
    name: 'rt-custom',
  });
  await saveClassifier(clf, meta);
  const { clf: back } = await loadClassifier('rt-custom');
  const summary = (c: Classifier) =>
    c.net.layers.map(l => {
      const cfg = l.getConfig() as Record<string, unknown>;
      return [l.getClassName(), cfg.pieces, cfg.rate, cfg.seed];
    });
  assert.deepEqual(summary(back), summary(clf));
  assert.ok(
    back.net.layers.some(l => l instanceof Maxout),
    'Maxout restored as our class',
  );
  assert.equal(back.net.layers.filter(l => l instanceof SeededDropout).length, 3);
  // Same dropout seeds: the first training-mode pass of each fresh copy draws the same masks.
  const fresh = maxoutNetwork({ seed: 6, inputSize: D, units: 2, pieces: 3, classes: 3, inputDropout: 0.3, hiddenDropout: 0.4 });
  const trainingScores = (c: Classifier) => tf.tidy(() => logits(c, inputs(), true).dataSync());
  assert.deepEqual(trainingScores(back), trainingScores(fresh));
  const rbf = rbfNetwork({ seed: 7, inputSize: D, classes: 3, sigma: 0.5, name: 'rt-rbf-custom' });
  await saveClassifier(rbf, meta);
  const { clf: rbfBack } = await loadClassifier('rt-rbf-custom');
  const layer = rbfBack.net.layers.find(l => l instanceof RbfLayer) as RbfLayer;
  assert.ok(layer, 'RbfLayer restored as our class');
  assert.equal(layer.units, 3);
  assert.equal(layer.sigma, 0.5);
});

test('absolute paths work as names', async () => {
  const where = path.join(tmp, 'elsewhere', 'abs-model');
  const clf = softmaxRegression({ seed: 8, inputSize: D, classes: 2, name: 'abs' });
  await saveClassifier(clf, meta, where);
  assert.ok(fs.existsSync(path.join(where, 'weights.bin')));
  const { clf: back } = await loadClassifier(where);
  assert.deepEqual(scores(back), scores(clf));
});

test('a missing meta.json, a missing weights.bin and a modified weights.bin are clear errors', async () => {
  const name = 'broken';
  const dir = path.join(tmp, 'models', name);
  const clf = softmaxRegression({ seed: 9, inputSize: D, classes: 3, name });
  await saveClassifier(clf, meta);
  const weightsFile = path.join(dir, 'weights.bin'),
    metaFile = path.join(dir, 'meta.json');
  const good = fs.readFileSync(weightsFile);

  const damaged = Buffer.from(good);
  damaged[7] ^= 0x01;
  fs.writeFileSync(weightsFile, damaged);
  await assert.rejects(loadClassifier(name), (e: Error) => {
    assert.match(
      e.message,
      /^Model 'broken': weights\.bin has checksum [0-9a-f]{12}…, meta\.json expects [0-9a-f]{12}…; the file is damaged or from another run\./,
    );
    assert.match(e.message, /Retrain with `npm run train -- broken` or restore it with `git checkout data\/models\/broken`\.$/);
    return true;
  });

  fs.rmSync(weightsFile);
  await assert.rejects(loadClassifier(name), {
    message: `Model 'broken': ${weightsFile} is missing. Retrain it with \`npm run train -- broken\`.`,
  });

  fs.writeFileSync(weightsFile, good);
  assert.ok(await loadClassifier(name), 'restoring the file fixes it');
  fs.rmSync(metaFile);
  await assert.rejects(loadClassifier(name), {
    message: `Model 'broken': ${metaFile} is missing. Train it with \`npm run train -- broken\`.`,
  });
  assert.throws(
    () => readModelMeta('never-trained'),
    /^Error: Model 'never-trained': .*never-trained\/meta\.json is missing\. Train it with `npm run train -- never-trained`\.$/,
  );
});

test('dataDir honours AELAB_DATA_DIR and defaults to <repo>/data', () => {
  assert.equal(dataDir(), tmp);
  delete process.env.AELAB_DATA_DIR;
  try {
    const repo = path.dirname(dataDir());
    assert.equal(path.basename(dataDir()), 'data');
    assert.equal(
      JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')).name,
      'adversarial-examples-lab',
      `${repo} is the repository root`,
    );
  } finally {
    process.env.AELAB_DATA_DIR = tmp;
  }
});
