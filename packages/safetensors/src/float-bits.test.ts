import fc from 'fast-check';
import {
  bf16BitsToFloat,
  f16BitsToFloat,
  f32BitsToBf16Bits,
  f32BitsToF16Bits,
  f8e4m3ToFloat,
  f8e5m2ToFloat,
  float32ToBits,
  floatToBf16Bits,
  floatToF16Bits,
} from './float-bits';

const isNegZero = (x: number): boolean => Object.is(x, -0);

describe('f16 decoding (hand-built bit patterns)', () => {
  it.each([
    [0x0001, 2 ** -24, 'smallest subnormal'],
    [0x03ff, 1023 * 2 ** -24, 'largest subnormal'],
    [0x0400, 2 ** -14, 'smallest normal'],
    [0x7bff, 65504, 'largest finite'],
    [0x3c00, 1, 'one'],
    [0xc000, -2, 'minus two'],
    [0x3555, 0.333251953125, 'nearest to 1/3'],
    [0x7c00, Infinity, '+inf'],
    [0xfc00, -Infinity, '-inf'],
    [0x0000, 0, '+0'],
  ])('0x%s is %s (%s)', (bits, value) => {
    expect(f16BitsToFloat(bits)).toBe(value);
  });

  it('keeps -0 and NaN', () => {
    expect(isNegZero(f16BitsToFloat(0x8000))).toBe(true);
    expect(f16BitsToFloat(0x7e00)).toBeNaN();
    expect(f16BitsToFloat(0xfc01)).toBeNaN();
    expect(isNegZero(f16BitsToFloat(0x0000))).toBe(false);
  });

  it('round-trips every non-NaN bit pattern through f32 and back', () => {
    for (let b = 0; b < 0x10000; b++) {
      const x = f16BitsToFloat(b);
      if (Number.isNaN(x)) {
        expect((b & 0x7c00) === 0x7c00 && (b & 0x3ff) !== 0).toBe(true);
        expect(Number.isNaN(f16BitsToFloat(floatToF16Bits(x)))).toBe(true);
      } else if (floatToF16Bits(x) !== b) {
        throw new Error(`0x${b.toString(16)} -> ${x} -> 0x${floatToF16Bits(x).toString(16)}`);
      }
    }
  });
});

describe('f16 encoding rounds to nearest, ties to even', () => {
  it.each([
    [1, 0x3c00],
    [1 + 2 ** -11, 0x3c00], // tie between 0x3c00 (even) and 0x3c01
    [1 + 3 * 2 ** -11, 0x3c02], // tie between 0x3c01 and 0x3c02 (even)
    [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
    [2 ** -24, 0x0001],
    [2 ** -25, 0x0000], // tie between 0 (even) and the smallest subnormal
    [3 * 2 ** -25, 0x0002], // tie between 1 and 2 units
    [2 ** -25 * (1 + 2 ** -23), 0x0001],
    [1023.5 * 2 ** -24, 0x0400], // largest subnormal + half rounds up into the normals
    [65504, 0x7bff],
    [65519.99, 0x7bff],
    [65520, 0x7c00], // halfway to 2^16: overflows to inf
    [1e6, 0x7c00],
    [-1e6, 0xfc00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [-0, 0x8000],
    [1e-30, 0x0000],
    [-1e-30, 0x8000],
  ])('%s -> 0x%s', (x, bits) => {
    expect(floatToF16Bits(x)).toBe(bits);
  });

  it('keeps NaN a NaN, including NaNs whose payload is only in the low bits', () => {
    expect(f16BitsToFloat(floatToF16Bits(NaN))).toBeNaN();
    expect(f16BitsToFloat(f32BitsToF16Bits(0x7f800001))).toBeNaN();
    expect(f16BitsToFloat(f32BitsToF16Bits(0xff800001))).toBeNaN();
  });

  it('picks the nearest half (ties to even) for random f32 values', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (x) => {
        const h = floatToF16Bits(x);
        const v = f16BitsToFloat(h);
        const err = Math.abs(x - v);
        // Neighbours one unit either side (along the same sign) must not be closer.
        for (const n of [h - 1, h + 1]) {
          if ((n & 0x7fff) > 0x7bff || (n & 0x8000) !== (h & 0x8000) || n < 0) continue;
          const d = Math.abs(x - f16BitsToFloat(n));
          if (d < err) return false;
          if (d === err && (h & 1) === 1) return false;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('bf16', () => {
  it.each([
    [0x3f80, 1, 'one'],
    [0x0001, 2 ** -133, 'smallest subnormal'],
    [0x007f, 127 * 2 ** -133, 'largest subnormal'],
    [0x0080, 2 ** -126, 'smallest normal'],
    [0x7f7f, (2 - 2 ** -7) * 2 ** 127, 'largest finite'],
    [0x7f80, Infinity, '+inf'],
    [0xff80, -Infinity, '-inf'],
    [0xc000, -2, 'minus two'],
  ])('decodes 0x%s to %s (%s)', (bits, value) => {
    expect(bf16BitsToFloat(bits)).toBe(value);
  });

  it('keeps -0 and NaN', () => {
    expect(isNegZero(bf16BitsToFloat(0x8000))).toBe(true);
    expect(bf16BitsToFloat(0x7fc0)).toBeNaN();
    expect(bf16BitsToFloat(floatToBf16Bits(NaN))).toBeNaN();
    expect(bf16BitsToFloat(f32BitsToBf16Bits(0x7f800001))).toBeNaN(); // truncation alone would give inf
  });

  it.each([
    [1 + 2 ** -8, 0x3f80], // tie, to even
    [1 + 3 * 2 ** -8, 0x3f82], // tie, to even
    [1 + 2 ** -8 + 2 ** -20, 0x3f81],
    [-0, 0x8000],
    [3.4028234663852886e38, 0x7f80], // f32 max rounds past the largest bf16: inf
    [(2 - 2 ** -7) * 2 ** 127, 0x7f7f],
  ])('encodes %s to 0x%s', (x, bits) => {
    expect(floatToBf16Bits(x)).toBe(bits);
  });

  it('round-trips every non-NaN bit pattern', () => {
    for (let b = 0; b < 0x10000; b++) {
      const x = bf16BitsToFloat(b);
      if (!Number.isNaN(x) && floatToBf16Bits(x) !== b) throw new Error(`0x${b.toString(16)}`);
    }
  });

  it('decodes exactly to the top half of the f32 bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (b) => {
        const x = bf16BitsToFloat(b);
        return Number.isNaN(x) || float32ToBits(x) === (b << 16) >>> 0;
      }),
    );
  });
});

describe('fp8', () => {
  it('decodes E4M3 (FN: no inf; 0x7F and 0xFF are NaN)', () => {
    expect(f8e4m3ToFloat(0x7e)).toBe(448);
    expect(f8e4m3ToFloat(0xfe)).toBe(-448);
    expect(f8e4m3ToFloat(0x7f)).toBeNaN();
    expect(f8e4m3ToFloat(0xff)).toBeNaN();
    expect(f8e4m3ToFloat(0x78)).toBe(256); // exponent 15 is finite in the FN variant
    expect(f8e4m3ToFloat(0x01)).toBe(2 ** -9);
    expect(f8e4m3ToFloat(0x07)).toBe(7 * 2 ** -9);
    expect(f8e4m3ToFloat(0x08)).toBe(2 ** -6);
    expect(f8e4m3ToFloat(0x38)).toBe(1);
    expect(isNegZero(f8e4m3ToFloat(0x80))).toBe(true);
    let nans = 0;
    for (let b = 0; b < 256; b++) if (Number.isNaN(f8e4m3ToFloat(b))) nans++;
    expect(nans).toBe(2);
  });

  it('decodes E5M2 as the top byte of an IEEE half', () => {
    for (let b = 0; b < 256; b++) {
      const a = f8e5m2ToFloat(b);
      const h = f16BitsToFloat(b << 8);
      expect(Number.isNaN(a) ? 'NaN' : a).toStrictEqual(Number.isNaN(h) ? 'NaN' : h);
    }
    expect(f8e5m2ToFloat(0x7b)).toBe(57344);
    expect(f8e5m2ToFloat(0x7c)).toBe(Infinity);
    expect(f8e5m2ToFloat(0xfc)).toBe(-Infinity);
    expect(f8e5m2ToFloat(0x7d)).toBeNaN();
    expect(f8e5m2ToFloat(0x01)).toBe(2 ** -16);
  });
});
