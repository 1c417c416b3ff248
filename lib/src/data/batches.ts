/**
 * Mini-batches as tensors built from typed-array slices. Slicing one big tensor per batch was
 * 3× slower on wasm, and very large batches crashed wasm's matmul, so batch sizes are bounded.
 * @see notebooks/03-fgsm-on-a-network.ipynb
 */
import * as tf from '@tensorflow/tfjs';
import { Dataset } from './dataset';

/** The largest batch we hand to one kernel call (an 8000-row gradient batch crashed tfjs-wasm). */
export const MAX_BATCH = 2000;

export interface Batch { x: tf.Tensor2D; y: tf.Tensor1D; start: number; size: number }

/**
 * Calls `fn` on consecutive batches of `ds` (in `order` if given), disposing each batch after.
 * Contiguous ranges are zero-copy views; a shuffled order gathers rows into one reused buffer.
 */
export function forEachBatch(ds: Dataset, batchSize: number, fn: (b: Batch) => void, order?: Int32Array): void {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
    throw new Error(`batchSize = ${batchSize}: expected an integer in 1..${MAX_BATCH}.`);
  }
  const d = ds.d;
  const xbuf = order ? new Float32Array(batchSize * d) : null;
  const ybuf = order ? new Int32Array(batchSize) : null;
  for (let start = 0; start < ds.n; start += batchSize) {
    const size = Math.min(batchSize, ds.n - start);
    let xs: Float32Array, ys: Int32Array;
    if (order) {
      for (let i = 0; i < size; i++) {
        const j = order[start + i];
        xbuf!.set(ds.x.subarray(j * d, (j + 1) * d), i * d);
        ybuf![i] = ds.y[j];
      }
      xs = xbuf!.subarray(0, size * d); ys = ybuf!.subarray(0, size);
    } else {
      xs = ds.x.subarray(start * d, (start + size) * d); ys = ds.y.subarray(start, start + size);
    }
    const x = tf.tensor2d(xs, [size, d]), y = tf.tensor1d(ys, 'int32');
    try { fn({ x, y, start, size }); } finally { x.dispose(); y.dispose(); }
  }
}

/** Maps every batch of `ds` to a [size, k] float result and concatenates them into one array. */
export function mapBatches(ds: Dataset, batchSize: number, fn: (b: Batch) => tf.Tensor): Float32Array {
  let out: Float32Array | null = null, width = 0;
  forEachBatch(ds, batchSize, b => {
    const t = fn(b);
    try {
      if (!out) { width = t.size / b.size; out = new Float32Array(ds.n * width); }
      out.set(t.dataSync() as Float32Array, b.start * width);
    } finally { t.dispose(); }
  });
  return out ?? new Float32Array(0);
}
