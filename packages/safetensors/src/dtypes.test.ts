import { DTYPE_SIZE, FormatError } from '@speechfold/core';
import { DTYPES, LAYOUT_RANK, decodeToFloat32, encodeFromFloat32, isDType } from './dtypes';

function le(bytesPerValue: number, write: (view: DataView, offset: number, i: number) => void, n: number): Uint8Array {
  const out = new Uint8Array(bytesPerValue * n);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) write(view, bytesPerValue * i, i);
  return out;
}

describe('decodeToFloat32', () => {
  it('decodes F32, F64, F16 and BF16 little-endian bytes', () => {
    const f32 = [1.5, -0, Infinity, 3.4028234663852886e38];
    expect(
      Array.from(
        decodeToFloat32(
          'F32',
          le(4, (v, o, i) => v.setFloat32(o, f32[i], true), 4),
        ),
      ),
    ).toEqual(f32);
    expect(
      Array.from(
        decodeToFloat32(
          'F64',
          le(8, (v, o, i) => v.setFloat64(o, [0.1, -2][i], true), 2),
        ),
      ),
    ).toEqual([Math.fround(0.1), -2]);
    expect(Array.from(decodeToFloat32('F16', new Uint8Array([0x00, 0x3c, 0x01, 0x00, 0x00, 0x80])))).toEqual([
      1,
      2 ** -24,
      -0,
    ]);
    expect(Array.from(decodeToFloat32('BF16', new Uint8Array([0x80, 0x3f, 0x80, 0xff])))).toEqual([1, -Infinity]);
  });

  it('decodes integers and BOOL exactly', () => {
    expect(
      Array.from(
        decodeToFloat32(
          'I32',
          le(4, (v, o, i) => v.setInt32(o, [-7, 2 ** 31 - 1][i], true), 2),
        ),
      ),
    ).toEqual([-7, Math.fround(2 ** 31 - 1)]);
    expect(
      Array.from(
        decodeToFloat32(
          'I16',
          le(2, (v, o, i) => v.setInt16(o, [-32768, 32767][i], true), 2),
        ),
      ),
    ).toEqual([-32768, 32767]);
    expect(Array.from(decodeToFloat32('I8', new Uint8Array([0xff, 0x80, 0x7f])))).toEqual([-1, -128, 127]);
    expect(Array.from(decodeToFloat32('U8', new Uint8Array([0, 128, 255])))).toEqual([0, 128, 255]);
    expect(Array.from(decodeToFloat32('BOOL', new Uint8Array([0, 1, 2])))).toEqual([0, 1, 1]);
  });

  it('rounds I64 once to f32 (no double rounding through f64)', () => {
    const values = [
      -1n,
      2n ** 53n + 1n,
      2n ** 62n + 2n ** 38n + 1n, // just above an f32 tie; a detour through f64 lands on the tie and rounds down
      -(2n ** 62n + 2n ** 38n + 1n),
      2n ** 62n + 2n ** 38n, // an exact tie: to even
      2n ** 63n - 1n,
      -(2n ** 63n),
    ];
    const bytes = le(8, (v, o, i) => v.setBigInt64(o, values[i], true), values.length);
    expect(Array.from(decodeToFloat32('I64', bytes))).toEqual([
      -1,
      2 ** 53,
      2 ** 62 + 2 ** 39,
      -(2 ** 62 + 2 ** 39),
      2 ** 62,
      2 ** 63,
      -(2 ** 63),
    ]);
  });

  it('decodes F8 bytes through their tables', () => {
    expect(Array.from(decodeToFloat32('F8_E4M3', new Uint8Array([0x38, 0x7e, 0x80])))).toEqual([1, 448, -0]);
    expect(Array.from(decodeToFloat32('F8_E5M2', new Uint8Array([0x3c, 0x7c])))).toEqual([1, Infinity]);
  });

  it('accepts unaligned views', () => {
    const buf = new Uint8Array(9);
    new DataView(buf.buffer).setFloat32(1, 2.5, true);
    new DataView(buf.buffer).setFloat32(5, -1, true);
    expect(Array.from(decodeToFloat32('F32', buf.subarray(1)))).toEqual([2.5, -1]);
  });

  it('refuses a length that is not a whole number of elements', () => {
    expect(() => decodeToFloat32('F32', new Uint8Array(6))).toThrow(FormatError);
    expect(() => decodeToFloat32('F32', new Uint8Array(6))).toThrow(/6 bytes is not a whole number of F32 elements/);
  });
});

describe('encodeFromFloat32', () => {
  const data = new Float32Array([1, -0, 65520, NaN, 2 ** -25, 1 + 2 ** -11]);

  it('round-trips F32 and F64 exactly', () => {
    for (const dtype of ['F32', 'F64'] as const) {
      const bytes = encodeFromFloat32(dtype, data);
      expect(bytes.length).toBe(data.length * DTYPE_SIZE[dtype]);
      expect(Array.from(decodeToFloat32(dtype, bytes))).toEqual(Array.from(data));
    }
  });

  it('rounds F16 and BF16 to nearest even', () => {
    expect(Array.from(decodeToFloat32('F16', encodeFromFloat32('F16', data)))).toEqual([1, -0, Infinity, NaN, 0, 1]);
    expect(Array.from(encodeFromFloat32('BF16', new Float32Array([1, 1 + 3 * 2 ** -8])))).toEqual([
      0x80, 0x3f, 0x82, 0x3f,
    ]);
  });

  it('writes little-endian bytes', () => {
    expect(Array.from(encodeFromFloat32('F32', new Float32Array([1])))).toEqual([0, 0, 0x80, 0x3f]);
    expect(Array.from(encodeFromFloat32('F16', new Float32Array([1])))).toEqual([0x00, 0x3c]);
  });

  it('refuses integer, BOOL and F8 targets with a typed error', () => {
    for (const dtype of ['I64', 'I32', 'I16', 'I8', 'U8', 'BOOL', 'F8_E4M3', 'F8_E5M2'] as const) {
      expect(() => encodeFromFloat32(dtype, data)).toThrow(FormatError);
    }
  });
});

describe('dtype table', () => {
  it('knows every core dtype and orders them like the reference enum', () => {
    expect(DTYPES.every((d) => isDType(d) && DTYPE_SIZE[d] > 0)).toBe(true);
    expect(isDType('U16')).toBe(false);
    const ascending = [...DTYPES].sort((a, b) => LAYOUT_RANK[a] - LAYOUT_RANK[b]);
    expect(ascending).toEqual([
      'BOOL',
      'U8',
      'I8',
      'F8_E5M2',
      'F8_E4M3',
      'I16',
      'F16',
      'BF16',
      'I32',
      'F32',
      'F64',
      'I64',
    ]);
  });
});
