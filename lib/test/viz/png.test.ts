import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'zlib';
import { Dataset, digitStrip, grayPng } from '../../src/internals';

/** Splits PNG bytes into chunks, checking the signature and each chunk's CRC with zlib's crc32. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at),
      type = png.subarray(at + 4, at + 8).toString('ascii');
    const data = png.subarray(at + 8, at + 8 + len);
    assert.equal(png.readUInt32BE(at + 8 + len), zlib.crc32(png.subarray(at + 4, at + 8 + len)), `${type} CRC`);
    out.push({ type, data });
    at += 12 + len;
  }
  return out;
}

test('grayPng writes a valid 8-bit grayscale PNG whose rows decode to the pixels', () => {
  const pixels = Uint8Array.from([0, 64, 128, 255, 10, 20]);
  const c = chunks(grayPng(pixels, 3, 2));
  assert.deepEqual(
    c.map(k => k.type),
    ['IHDR', 'IDAT', 'IEND'],
  );
  assert.equal(c[0].data.readUInt32BE(0), 3);
  assert.equal(c[0].data.readUInt32BE(4), 2);
  assert.equal(c[0].data[8], 8, 'bit depth');
  assert.equal(c[0].data[9], 0, 'colour type gray');
  assert.deepEqual([...zlib.inflateSync(c[1].data)], [0, 0, 64, 128, 0, 255, 10, 20], 'filter byte 0, then each row');
  assert.throws(() => grayPng(pixels, 4, 2), /grayPng: 6 pixels for a 4×2 image/);
});

test('digitStrip puts images side by side, dark ink on white, and checks its inputs', () => {
  const ds: Dataset = {
    x: Float32Array.from([1, 0, 0, 1, 0.5, 0.5, 0.5, 0.5]),
    y: Int32Array.from([0, 1]),
    n: 2,
    d: 4,
    classes: 2,
    side: 2,
    description: 'tiny',
  };
  const url = digitStrip(ds, 2);
  assert.match(url, /^data:image\/png;base64,/);
  const c = chunks(Buffer.from(url.split(',')[1], 'base64'));
  assert.deepEqual([...zlib.inflateSync(c[1].data)], [0, 0, 255, 128, 128, 0, 255, 0, 128, 128]);
  assert.throws(() => digitStrip(ds, 3), /count = 3, expected an integer in 1..2/);
  assert.throws(() => digitStrip({ ...ds, side: 3 }, 1), /not square images/);
});
