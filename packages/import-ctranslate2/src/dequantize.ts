/**
 * Decoding stored values to f32 and undoing CTranslate2's weight quantization. CTranslate2 stores
 * q = rint(W * scale): int8 with one scale per output row (127 / max|row|; a conv weight's row is
 * everything after its first dim), int16 with one scale for the whole matrix (2^10 / max|W|). So
 * W ~= q / scale, and a scale of shape [rows] or [] (one value) says which.
 */
import { FormatError, type ErrorSubject } from '@speechfold/core';
import { decodeToFloat32 } from '@speechfold/safetensors';
import { CT2_TO_DTYPE, type Ct2DType } from './format';

/** Stored bytes of `dtype` as f32 (exact for every CTranslate2 dtype but large int32s). */
export function decodeValues(dtype: Ct2DType, bytes: Uint8Array): Float32Array {
  return decodeToFloat32(CT2_TO_DTYPE[dtype], bytes);
}

/** Divides `values` (of `shape`) by `scale` in place: one scale, or one per row of the first dim. */
export function applyScale(
  values: Float32Array,
  shape: readonly number[],
  scale: Float32Array,
  subject: ErrorSubject,
): Float32Array {
  const rows = shape.length > 0 ? shape[0] : 1;
  if (scale.length !== 1 && scale.length !== rows) {
    throw new FormatError(subject, `has ${scale.length} scales; expected 1 or one per row (${rows})`);
  }
  for (const s of scale) {
    // CTranslate2 never writes a zero scale (an all-zero row gets 127 / 127): one would mean Inf/NaN.
    if (!Number.isFinite(s) || s === 0)
      throw new FormatError(subject, `has a scale of ${s}; expected a finite non-zero value`);
  }
  const rowSize = scale.length === 1 ? values.length : values.length / rows;
  for (let r = 0; r < scale.length; r++) {
    const s = scale[r];
    const end = (r + 1) * rowSize;
    // Computed in f64 and rounded once: the same f32 as an IEEE f32 division.
    for (let i = r * rowSize; i < end; i++) values[i] = values[i] / s;
  }
  return values;
}
