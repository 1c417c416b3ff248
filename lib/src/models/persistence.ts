/**
 * Trained models on disk: `data/models/<name>/` holds the standard tfjs layers format
 * (`model.json` + `weights.bin`) and `meta.json` (how it was trained, what it scored, and a
 * SHA-256 of the weights so a damaged or hand-edited file is caught on load).
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as path from 'path';
import * as crypto from 'crypto';
import { Classifier, Head } from './classifier';
import { LIB_VERSION } from '../core/version';
import { PROJECT_DIR } from '../core/paths';
import './maxout';
import './rbf';
import './dropout'; // register custom layers for deserialization

export interface ModelMeta {
  name: string;
  head: Head;
  inputSize: number;
  classes: number;
  seed: number;
  /** What it was trained on, e.g. "MNIST train, first 50000". */
  data: string;
  epochs: number;
  /** Clean test error and FGSM (ε = .25) test error, as fractions. */
  testError: number;
  adversarialError: number;
  trainingSeconds: number;
  libVersion: string;
  backend: string;
  /** sha256 of weights.bin, hex. */
  checksum: string;
  createdAt: string;
  /** The options the training script used, so `npm run train -- <name>` reproduces it. */
  recipe: Record<string, unknown>;
  /** Anything else worth recording (e.g. validation errors, best epoch). */
  extra?: Record<string, unknown>;
}

/** The project's data folder (`<repo>/data`), or $AELAB_DATA_DIR. */
export function dataDir(): string {
  return process.env.AELAB_DATA_DIR ?? path.join(PROJECT_DIR, 'data');
}
/** The folder of the saved model `name`: `<data dir>/models/<name>/`. */
export function modelDir(name: string): string {
  if (path.isAbsolute(name) || name.includes('/')) return path.resolve(name);
  return path.join(dataDir(), 'models', name);
}

/** Saves weights, topology and metadata (the checksum is computed here). */
export async function saveClassifier(
  clf: Classifier,
  meta: Omit<ModelMeta, 'checksum' | 'libVersion' | 'name' | 'head' | 'inputSize' | 'classes' | 'createdAt' | 'backend'>,
  where = clf.name,
): Promise<ModelMeta> {
  const dir = modelDir(where);
  fs.mkdirSync(dir, { recursive: true });
  let checksum = '';
  await clf.net.save(
    tf.io.withSaveHandler(async (a: tf.io.ModelArtifacts) => {
      const weights = Buffer.from(a.weightData as ArrayBuffer);
      checksum = sha256(weights);
      fs.writeFileSync(path.join(dir, 'weights.bin'), weights);
      fs.writeFileSync(
        path.join(dir, 'model.json'),
        JSON.stringify({
          modelTopology: a.modelTopology,
          format: a.format,
          generatedBy: a.generatedBy,
          convertedBy: a.convertedBy ?? null,
          weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }),
  );
  const full: ModelMeta = {
    name: clf.name,
    head: clf.head,
    inputSize: clf.inputSize,
    classes: clf.classes,
    ...meta,
    libVersion: LIB_VERSION,
    backend: tf.getBackend(),
    checksum,
    createdAt: new Date().toISOString(),
  };
  writeModelMeta(dir, full);
  return full;
}

/** Reads a model's metadata without loading its weights. */
export function readModelMeta(name: string): ModelMeta {
  const file = path.join(modelDir(name), 'meta.json');
  if (!fs.existsSync(file))
    throw new Error(`Model '${name}': ${file} is missing. Train it with \`npm run train -- ${path.basename(name)}\`.`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Rewrites a model's meta.json (e.g. after re-measuring); the checksum must stay the weights'. */
export function writeModelMeta(name: string, meta: ModelMeta): void {
  fs.writeFileSync(path.join(modelDir(name), 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
}

/** Loads a saved classifier, verifying that every file is there and the weights' checksum. */
export async function loadClassifier(name: string): Promise<{ clf: Classifier; meta: ModelMeta }> {
  const dir = modelDir(name),
    short = path.basename(dir);
  const meta = readModelMeta(name);
  for (const f of ['model.json', 'weights.bin']) {
    if (!fs.existsSync(path.join(dir, f)))
      throw new Error(`Model '${short}': ${path.join(dir, f)} is missing. Retrain it with \`npm run train -- ${short}\`.`);
  }
  const weights = fs.readFileSync(path.join(dir, 'weights.bin'));
  const got = sha256(weights);
  if (got !== meta.checksum) {
    throw new Error(
      `Model '${short}': weights.bin has checksum ${got.slice(0, 12)}…, meta.json expects ${meta.checksum.slice(0, 12)}…; the file is damaged or from another run. Retrain with \`npm run train -- ${short}\` or restore it with \`git checkout data/models/${short}\`.`,
    );
  }
  const mj = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const net = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: mj.modelTopology,
      weightSpecs: mj.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  return { clf: { name: meta.name, head: meta.head, net, inputSize: meta.inputSize, classes: meta.classes }, meta };
}

function sha256(b: Uint8Array): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}
