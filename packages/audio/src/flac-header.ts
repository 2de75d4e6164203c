import { FormatError } from '@speechfold/core';

/** What a FLAC file's STREAMINFO block declares, plus where the audio frames begin. */
export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 means "unknown" (the format allows it, encoders rarely write it). */
  totalSamples: number;
  minBlockSize: number;
  maxBlockSize: number;
  /** Byte offset of the first audio frame (just after the last metadata block). */
  framesOffset: number;
}

const STREAMINFO = 0;
const STREAMINFO_LENGTH = 34;

/** True when the bytes start with the FLAC stream marker "fLaC". */
export function isFlac(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x66 && bytes[1] === 0x4c && bytes[2] === 0x61 && bytes[3] === 0x43;
}

/**
 * Parses "fLaC" and the metadata blocks of a FLAC file: STREAMINFO must come first (the format says
 * so); the other blocks are skipped by their lengths so that `framesOffset` points at the first frame.
 */
export function parseFlacHeader(bytes: Uint8Array, file: string): FlacStreamInfo {
  if (!isFlac(bytes)) throw new FormatError({ file }, 'not a FLAC file: it does not start with "fLaC"');
  let offset = 4;
  let info: Omit<FlacStreamInfo, 'framesOffset'> | undefined;
  for (let isLast = false; !isLast; ) {
    if (offset + 4 > bytes.length) {
      throw new FormatError({ file }, `truncated FLAC metadata: block header at byte ${offset} runs past the end (${bytes.length} bytes)`);
    }
    isLast = (bytes[offset] & 0x80) !== 0;
    const type = bytes[offset] & 0x7f;
    const length = (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
    const body = offset + 4;
    if (body + length > bytes.length) {
      throw new FormatError({ file }, `truncated FLAC metadata: block of type ${type} at byte ${offset} needs ${length} bytes, the file ends first`);
    }
    if (info === undefined) {
      if (type !== STREAMINFO || length !== STREAMINFO_LENGTH) {
        throw new FormatError({ file }, `the first FLAC metadata block must be STREAMINFO of ${STREAMINFO_LENGTH} bytes, got type ${type} of ${length} bytes`);
      }
      info = parseStreamInfo(bytes.subarray(body, body + length));
    }
    offset = body + length;
  }
  if (info === undefined) throw new FormatError({ file }, 'FLAC file has no STREAMINFO block');
  if (info.sampleRate === 0) throw new FormatError({ file }, 'FLAC STREAMINFO declares a sample rate of 0');
  return { ...info, framesOffset: offset };
}

/** Reads the bit-packed STREAMINFO fields (FLAC format, section METADATA_BLOCK_STREAMINFO). */
function parseStreamInfo(b: Uint8Array): Omit<FlacStreamInfo, 'framesOffset'> {
  const minBlockSize = (b[0] << 8) | b[1];
  const maxBlockSize = (b[2] << 8) | b[3];
  // Bytes 4..9: minimum and maximum frame sizes (24 bits each), not needed here.
  // Bytes 10..17: sample rate (20 bits), channels - 1 (3), bits per sample - 1 (5), total samples (36).
  const sampleRate = (b[10] << 12) | (b[11] << 4) | (b[12] >> 4);
  const channels = ((b[12] >> 1) & 0x07) + 1;
  const bitsPerSample = (((b[12] & 0x01) << 4) | (b[13] >> 4)) + 1;
  // 36 bits do not fit a 32-bit bitwise result: the top 4 bits are added as a multiple of 2^32.
  const totalSamples = (b[13] & 0x0f) * 2 ** 32 + ((b[14] << 24) >>> 0) + (b[15] << 16) + (b[16] << 8) + b[17];
  return { sampleRate, channels, bitsPerSample, totalSamples, minBlockSize, maxBlockSize };
}
