/**
 * Scalar conversions between JS numbers and the bit patterns of the small float formats
 * (IEEE half, bfloat16, and the two OCP fp8 formats). Decoding is exact; encoding rounds to
 * nearest, ties to even, overflows to infinity and keeps NaN a NaN.
 */

// One shared scratch word: a Float32Array and a Uint32Array over the same bytes reinterpret a
// float's bits in the host's own byte order, so this is endian-independent.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The IEEE f32 bit pattern of `x` (x is rounded to f32 first). */
export function float32ToBits(x: number): number {
  scratchF32[0] = x;
  return scratchU32[0];
}

/** The f32 value of an IEEE f32 bit pattern. */
export function bitsToFloat32(bits: number): number {
  scratchU32[0] = bits >>> 0;
  return scratchF32[0];
}

/** Widens IEEE half bits to the f32 bits of the same value (exact, including subnormals, inf, NaN payload). */
export function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // A half subnormal is a normal f32: shift the leading 1 into the implicit position.
  let e = 113; // f32 exponent field of 2^-14, the scale of half subnormals
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

/** Narrows f32 bits to IEEE half bits: round to nearest even, overflow to inf, NaN stays NaN. */
export function f32BitsToF16Bits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  if (exp >= 143) return sign | 0x7c00; // |x| >= 2^16: infinite in half whatever the rounding
  if (exp >= 113) {
    // Normal half. A carry out of the mantissa bumps the exponent, up to 0x7c00 (inf): that is
    // exactly the IEEE overflow rule, so no special case is needed.
    let h = ((exp - 112) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    return sign | h;
  }
  // Subnormal half (units of 2^-24). The value is m * 2^(exp-150) with the implicit bit restored.
  const shift = 126 - exp;
  if (shift > 25) return sign; // below half of the smallest subnormal: rounds to (signed) zero
  const m = mant | 0x800000;
  let h = m >>> shift;
  const rest = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h++;
  return sign | h;
}

/** Narrows f32 bits to bfloat16 bits: round to nearest even, overflow to inf, NaN stays NaN. */
export function f32BitsToBf16Bits(b: number): number {
  if ((b & 0x7fffffff) > 0x7f800000) {
    // Truncating a NaN whose payload sits in the low bits would give inf: force the quiet bit.
    return ((b >>> 16) | 0x0040) & 0xffff;
  }
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The value of IEEE half bits. */
export function f16BitsToFloat(bits: number): number {
  return bitsToFloat32(f16BitsToF32Bits(bits & 0xffff));
}

/** IEEE half bits of `x` taken as f32: round to nearest even, overflow to inf, NaN kept. */
export function floatToF16Bits(x: number): number {
  return f32BitsToF16Bits(float32ToBits(x));
}

/** The value of bfloat16 bits. */
export function bf16BitsToFloat(bits: number): number {
  return bitsToFloat32((bits & 0xffff) << 16);
}

/** bfloat16 bits of `x` taken as f32: round to nearest even, overflow to inf, NaN kept. */
export function floatToBf16Bits(x: number): number {
  return f32BitsToBf16Bits(float32ToBits(x));
}

/** The value of an F8_E4M3 byte (the "FN" variant: bias 7, no infinities, 0x7F/0xFF are NaN). */
export function f8e4m3ToFloat(v: number): number {
  const sign = v & 0x80 ? -1 : 1;
  const exp = (v >>> 3) & 0xf;
  const mant = v & 0x7;
  if (exp === 0xf && mant === 0x7) return NaN;
  if (exp === 0) return sign * mant * 2 ** -9;
  return sign * (1 + mant / 8) * 2 ** (exp - 7);
}

/** The value of an F8_E5M2 byte (IEEE-like: bias 15, exponent 31 is inf or NaN). */
export function f8e5m2ToFloat(v: number): number {
  const sign = v & 0x80 ? -1 : 1;
  const exp = (v >>> 2) & 0x1f;
  const mant = v & 0x3;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  if (exp === 0) return sign * mant * 2 ** -16;
  return sign * (1 + mant / 4) * 2 ** (exp - 15);
}
