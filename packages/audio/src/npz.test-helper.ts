// A minimal reader of numpy .npz files for tests: a zip archive (entries stored or deflated, found
// through the central directory because numpy writes zip64 local headers without sizes) of .npy
// files (little-endian float32/float64, C order).
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/** One array of an .npz file, flattened in C order. */
export interface NpyArray {
  shape: number[];
  data: Float32Array | Float64Array;
}

/** Reads every array of an .npz file, keyed by name without ".npy". */
export function readNpz(file: string): Map<string, NpyArray> {
  const zip = fs.readFileSync(file);
  const arrays = new Map<string, NpyArray>();
  for (const entry of zipEntries(zip)) {
    arrays.set(entry.name.replace(/\.npy$/, ''), parseNpy(entry.data, `${file}:${entry.name}`));
  }
  return arrays;
}

function zipEntries(zip: Buffer): { name: string; data: Buffer }[] {
  // End of central directory: signature 0x06054b50, searched backwards past a possible comment.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: { name: string; data: Buffer }[] = [];
  for (let k = 0; k < count; k++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    let compressedSize = zip.readUInt32LE(p + 20);
    let size = zip.readUInt32LE(p + 24);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    let localOffset = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
    // Zip64 extra field (id 1): 64-bit values for the fields that were saturated at 0xffffffff.
    for (let e = p + 46 + nameLength; e < p + 46 + nameLength + extraLength; ) {
      const id = zip.readUInt16LE(e);
      const length = zip.readUInt16LE(e + 2);
      if (id === 1) {
        let q = e + 4;
        if (size === 0xffffffff) (size = Number(zip.readBigUInt64LE(q))), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = Number(zip.readBigUInt64LE(q))), (q += 8);
        if (localOffset === 0xffffffff) localOffset = Number(zip.readBigUInt64LE(q));
      }
      e += 4 + length;
    }
    // The data follows the local header, whose name and extra lengths may differ from the central ones.
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(start, start + compressedSize);
    const data = method === 0 ? raw : method === 8 ? zlib.inflateRawSync(raw) : undefined;
    if (data === undefined) throw new Error(`${name}: unsupported zip compression method ${method}`);
    if (data.length !== size || zlib.crc32(data) !== crc) throw new Error(`${name}: size or CRC-32 mismatch`);
    entries.push({ name, data });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function parseNpy(npy: Buffer, name: string): NpyArray {
  if (npy.readUInt8(0) !== 0x93 || npy.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${name}: not an .npy file`);
  const major = npy.readUInt8(6);
  const headerLength = major === 1 ? npy.readUInt16LE(8) : npy.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = npy.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran !== 'False' || shapeText === undefined) throw new Error(`${name}: unsupported .npy header ${header}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = npy.subarray(headerStart + headerLength);
  if (descr === '<f4') {
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = body.readFloatLE(4 * i);
    return { shape, data };
  }
  if (descr === '<f8') {
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = body.readDoubleLE(8 * i);
    return { shape, data };
  }
  throw new Error(`${name}: unsupported dtype ${descr}`);
}
