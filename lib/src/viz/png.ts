/**
 * Grayscale PNG files without a plotting library: the image check of notebook 00 shows digits as a
 * plain <img>, so it works even where plotly does not load.
 * @see notebooks/00-getting-started.ipynb
 */
import * as zlib from 'zlib';
import { Dataset } from '../data/dataset';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4),
    crc = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes a grayscale image (row-major bytes, 0 = black) as PNG file bytes. */
export function grayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || pixels.length !== width * height) {
    throw new Error(
      `grayPng: ${pixels.length} pixels for a ${width}×${height} image; expected width·height bytes and positive integer sizes.`,
    );
  }
  const header = Buffer.alloc(13); // width, height, 8 bits per pixel, color type 0 = gray
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  const rows = Buffer.alloc((width + 1) * height); // each row: filter byte 0, then its pixels
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The first `count` images of `ds` side by side, dark ink on white, as a PNG data URL. */
export function digitStrip(ds: Dataset, count: number): string {
  if (!(ds.side > 0 && ds.side * ds.side === ds.d))
    throw new Error(`digitStrip: ${ds.description} is not square images (d = ${ds.d}, side = ${ds.side}).`);
  if (!(Number.isInteger(count) && count >= 1 && count <= ds.n))
    throw new Error(`digitStrip: count = ${count}, expected an integer in 1..${ds.n}.`);
  const s = ds.side,
    width = s * count;
  const pixels = new Uint8Array(width * s);
  for (let i = 0; i < count; i++)
    for (let r = 0; r < s; r++)
      for (let c = 0; c < s; c++) pixels[r * width + i * s + c] = Math.round(255 * (1 - ds.x[i * ds.d + r * s + c]));
  return 'data:image/png;base64,' + grayPng(pixels, width, s).toString('base64');
}
