/**
 * CTranslate2's model.bin layout (binary versions 4 to 6), as its Python writer and C++ reader
 * define it. Little-endian throughout; a string is a u16 length that counts a trailing NUL, then
 * the UTF-8 bytes and the NUL.
 *
 *   u32 binary version, string spec name, u32 spec revision, u32 variable count,
 *   per variable: string name, u8 rank, u32 dims[rank], u8 dtype id, u32 byte count, raw bytes,
 *   u32 alias count, per alias: string alias, string target variable.
 *
 * Versions 1-3 stored an item size instead of a dtype id (and 1 had no spec name); no Whisper
 * model was ever written in them, so they are refused rather than guessed at. Version 5 changed
 * only how the runtime rounds when it quantizes, and 6 is the current one: the bytes are the same.
 */
import type { DType } from '@speechfold/core';

/** Oldest binary version read: the first with a dtype id and a byte count per variable. */
export const MIN_BINARY_VERSION = 4;
/** Newest binary version known (CTranslate2 4.x writes 6). */
export const MAX_BINARY_VERSION = 6;

/** Element types of model.bin; the index in CT2_DTYPES is the stored type id. */
export type Ct2DType = 'float32' | 'int8' | 'int16' | 'int32' | 'float16' | 'bfloat16';

/** Type ids in CTranslate2's DataType enum order. */
export const CT2_DTYPES: readonly Ct2DType[] = ['float32', 'int8', 'int16', 'int32', 'float16', 'bfloat16'];

/** The safetensors-style dtype with the same bytes. */
export const CT2_TO_DTYPE: Readonly<Record<Ct2DType, DType>> = {
  float32: 'F32',
  int8: 'I8',
  int16: 'I16',
  int32: 'I32',
  float16: 'F16',
  bfloat16: 'BF16',
};

/** Bytes per element. */
export const CT2_DTYPE_SIZE: Readonly<Record<Ct2DType, number>> = {
  float32: 4,
  int8: 1,
  int16: 2,
  int32: 4,
  float16: 2,
  bfloat16: 2,
};

/** Suffix of the variable holding a quantized weight's scale: W ~= stored / scale. */
export const SCALE_SUFFIX = '_scale';

/** One stored variable: where its bytes are, counted from the start of the (joined) file. */
export interface Ct2Variable {
  name: string;
  dtype: Ct2DType;
  shape: number[];
  offset: number;
  byteLength: number;
}

/** Everything model.bin says besides the variables' bytes. */
export interface Ct2Header {
  binaryVersion: number;
  /** The model spec's name, e.g. 'WhisperSpec'. */
  spec: string;
  revision: number;
  /** In stored order. */
  variables: Ct2Variable[];
  /** Alias name -> name of the stored variable it shares. */
  aliases: Map<string, string>;
}
