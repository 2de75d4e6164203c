/**
 * Element types: the list this package knows, the reference writer's layout order, and whole-array
 * decoding to fp32 / encoding from fp32. Stored bytes are always little-endian.
 */
import { DTYPE_SIZE, FormatError, type DType } from '@speechfold/core';
import { f16BitsToF32Bits, f32BitsToBf16Bits, f32BitsToF16Bits, f8e4m3ToFloat, f8e5m2ToFloat } from './float-bits';

/** Every dtype this package reads. (The reference also has U16/U32/U64; core's DType does not.) */
export const DTYPES: readonly DType[] = [
  'F64',
  'F32',
  'F16',
  'BF16',
  'F8_E4M3',
  'F8_E5M2',
  'I64',
  'I32',
  'I16',
  'I8',
  'U8',
  'BOOL',
];

/** Dtypes that `encodeFromFloat32` produces; the others are written from their bytes. */
export const FLOAT_ENCODABLE: readonly DType[] = ['F64', 'F32', 'F16', 'BF16'];

/** Whether `x` names a known dtype. */
export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

/**
 * Position of each dtype in the reference implementation's Dtype enum, which is declared in
 * increasing alignment. The reference writer lays tensors out by this rank descending, then by
 * name, so every tensor's data stays aligned to its element size; we do the same. (The gaps are
 * the reference's U16, U32 and U64.)
 */
export const LAYOUT_RANK: Readonly<Record<DType, number>> = {
  BOOL: 0,
  U8: 1,
  I8: 2,
  F8_E5M2: 3,
  F8_E4M3: 4,
  I16: 5,
  F16: 7,
  BF16: 8,
  I32: 9,
  F32: 11,
  F64: 12,
  I64: 13,
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let e4m3Table: Float32Array | undefined;
let e5m2Table: Float32Array | undefined;

function f8Table(dtype: 'F8_E4M3' | 'F8_E5M2'): Float32Array {
  if (dtype === 'F8_E4M3') {
    e4m3Table ??= Float32Array.from({ length: 256 }, (_, v) => f8e4m3ToFloat(v));
    return e4m3Table;
  }
  e5m2Table ??= Float32Array.from({ length: 256 }, (_, v) => f8e5m2ToFloat(v));
  return e5m2Table;
}

/** A little-endian int64 (as two 32-bit words) rounded once, to nearest even, to f32. */
function int64ToFloat32(view: DataView, offset: number): number {
  const hi = view.getInt32(offset + 4, true);
  const lo = view.getUint32(offset, true);
  // |v| < 2^53: the double is exact, so Math.fround rounds only once.
  if (hi >= -0x200000 && hi < 0x200000) return Math.fround(hi * 4294967296 + lo);
  // Larger magnitudes: going through a double would round twice. Keep 24 significant bits by hand.
  const v = view.getBigInt64(offset, true);
  const negative = v < 0n;
  const a = negative ? -v : v;
  let bits = 0;
  while (a >> BigInt(bits) > 0n) bits++;
  const shift = BigInt(bits - 24);
  let q = a >> shift;
  const rest = a - (q << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
  const magnitude = Number(q) * 2 ** Number(shift);
  return negative ? -magnitude : magnitude;
}

/** Decodes stored little-endian bytes of `dtype` to f32 (exact where f32 can hold the value). */
export function decodeToFloat32(dtype: DType, bytes: Uint8Array): Float32Array {
  const size = DTYPE_SIZE[dtype];
  if (size === undefined) throw new FormatError({}, `unknown dtype '${String(dtype)}'`);
  if (bytes.length % size !== 0) {
    throw new FormatError({}, `${bytes.length} bytes is not a whole number of ${dtype} elements (${size} bytes each)`);
  }
  const n = bytes.length / size;
  const out = new Float32Array(n);
  const bitsOut = new Uint32Array(out.buffer); // writing bits keeps NaN payloads and -0 exactly
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(bytes);
      else for (let i = 0; i < n; i++) bitsOut[i] = view.getUint32(4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) bitsOut[i] = f16BitsToF32Bits(view.getUint16(2 * i, true));
      break;
    case 'BF16':
      for (let i = 0; i < n; i++) bitsOut[i] = (view.getUint16(2 * i, true) << 16) >>> 0;
      break;
    case 'F8_E4M3':
    case 'F8_E5M2': {
      const table = f8Table(dtype);
      for (let i = 0; i < n; i++) out[i] = table[bytes[i]];
      break;
    }
    case 'I64':
      for (let i = 0; i < n; i++) out[i] = int64ToFloat32(view, 8 * i);
      break;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, true);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'U8':
      out.set(bytes);
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = bytes[i] !== 0 ? 1 : 0;
      break;
  }
  return out;
}

/** Encodes f32 values as little-endian F32/F64/F16/BF16 bytes (F16/BF16: round to nearest even). */
export function encodeFromFloat32(dtype: DType, data: Float32Array): Uint8Array {
  const n = data.length;
  const bits = new Uint32Array(data.buffer, data.byteOffset, n);
  switch (dtype) {
    case 'F32': {
      if (LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
      const out = new Uint8Array(4 * n);
      const view = new DataView(out.buffer);
      for (let i = 0; i < n; i++) view.setUint32(4 * i, bits[i], true);
      return out;
    }
    case 'F64': {
      const out = new Uint8Array(8 * n);
      const view = new DataView(out.buffer);
      for (let i = 0; i < n; i++) view.setFloat64(8 * i, data[i], true);
      return out;
    }
    case 'F16':
    case 'BF16': {
      const narrow = dtype === 'F16' ? f32BitsToF16Bits : f32BitsToBf16Bits;
      const out = new Uint8Array(2 * n);
      const view = new DataView(out.buffer);
      for (let i = 0; i < n; i++) view.setUint16(2 * i, narrow(bits[i]), true);
      return out;
    }
    default:
      throw new FormatError(
        {},
        `cannot encode float32 data as ${String(dtype)}: only ${FLOAT_ENCODABLE.join(
          ', ',
        )} are encoded from float32; ` + 'give integer, BOOL and F8 tensors as their stored bytes (addBytes)',
      );
  }
}
