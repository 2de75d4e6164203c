/**
 * Splits the audio part of a FLAC file into its frames, each checked by the header CRC-8 and the
 * footer CRC-16. The decode module uses it to re-decode a file frame by frame when the wasm decoder's
 * own parser lost the last frame (see decode.ts).
 */

/** One frame: its bytes (header to CRC-16 footer) and the block size its header declares. */
export interface FlacFrame {
  offset: number;
  bytes: Uint8Array;
  blockSize: number;
}

/** A frame header as far as splitting needs it. */
interface FrameHeader {
  length: number;
  blockSize: number;
  variableBlockSize: boolean;
  /** Frame number (fixed block size) or first sample number (variable block size). */
  number: number;
}

const CRC8_TABLE = makeCrcTable(0x07, 8);
const CRC16_TABLE = makeCrcTable(0x8005, 16);

/** MSB-first CRC table for the FLAC polynomials (CRC-8 0x07 for headers, CRC-16 0x8005 for frames). */
function makeCrcTable(poly: number, bits: 8 | 16): Uint16Array {
  const top = 1 << (bits - 1);
  const mask = (1 << bits) - 1;
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << (bits - 8);
    for (let k = 0; k < 8; k++) crc = crc & top ? ((crc << 1) ^ poly) & mask : (crc << 1) & mask;
    table[i] = crc;
  }
  return table;
}

/** Block size from the 4-bit code of a frame header; -1 / -2 mean "8 / 16 bits at the header's end". */
function blockSizeFromCode(code: number): number {
  if (code === 1) return 192;
  if (code >= 2 && code <= 5) return 576 << (code - 2);
  if (code === 6) return -1;
  if (code === 7) return -2;
  if (code >= 8) return 256 << (code - 8);
  return 0; // reserved
}

/**
 * Parses a frame header at `at` and checks its CRC-8; returns undefined when the bytes there are not
 * a valid header (this is also how a false sync code inside frame data is told apart).
 */
function readFrameHeader(b: Uint8Array, at: number): FrameHeader | undefined {
  if (at + 6 > b.length || b[at] !== 0xff || (b[at + 1] & 0xfe) !== 0xf8) return undefined;
  const blockCode = b[at + 2] >> 4;
  const rateCode = b[at + 2] & 0x0f;
  const channelCode = b[at + 3] >> 4;
  const sizeCode = (b[at + 3] >> 1) & 0x07;
  if (blockCode === 0 || rateCode === 0x0f || channelCode > 10 || sizeCode === 3 || (b[at + 3] & 1) !== 0) return undefined;
  // The frame or sample number is coded like UTF-8 (up to 7 bytes for 36-bit sample numbers).
  let p = at + 4;
  const first = b[p++];
  let extra = 0;
  let number = first;
  if (first >= 0x80) {
    if (first >= 0xfe) return first === 0xfe ? readLong(b, p, at) : undefined;
    let mask = 0x40;
    while (first & mask) {
      extra++;
      mask >>= 1;
    }
    if (extra === 0) return undefined; // 10xxxxxx is a continuation byte, never a first byte
    number = first & (mask - 1);
    for (let k = 0; k < extra; k++) {
      if (p >= b.length || (b[p] & 0xc0) !== 0x80) return undefined;
      number = number * 64 + (b[p++] & 0x3f);
    }
  }
  return finishHeader(b, at, p, blockCode, rateCode, number);
}

/** The 7-byte (0xFE-led) coded number: only sample numbers of huge variable-block streams use it. */
function readLong(b: Uint8Array, p: number, at: number): FrameHeader | undefined {
  let number = 0;
  for (let k = 0; k < 6; k++) {
    if (p >= b.length || (b[p] & 0xc0) !== 0x80) return undefined;
    number = number * 64 + (b[p++] & 0x3f);
  }
  return finishHeader(b, at, p, b[at + 2] >> 4, b[at + 2] & 0x0f, number);
}

/** Reads the optional block size and sample rate fields, then checks the CRC-8. */
function finishHeader(b: Uint8Array, at: number, p: number, blockCode: number, rateCode: number, number: number): FrameHeader | undefined {
  let blockSize = blockSizeFromCode(blockCode);
  if (blockSize === -1) {
    if (p + 1 > b.length) return undefined;
    blockSize = b[p++] + 1;
  } else if (blockSize === -2) {
    if (p + 2 > b.length) return undefined;
    blockSize = ((b[p] << 8) | b[p + 1]) + 1;
    p += 2;
  }
  if (rateCode === 12) p += 1;
  else if (rateCode === 13 || rateCode === 14) p += 2;
  if (p >= b.length) return undefined;
  let crc = 0;
  for (let i = at; i < p; i++) crc = CRC8_TABLE[crc ^ b[i]];
  if (crc !== b[p]) return undefined;
  return { length: p + 1 - at, blockSize, variableBlockSize: (b[at + 1] & 1) === 1, number };
}

/**
 * Splits `bytes[start..]` into frames. A frame ends where the next valid header begins (and carries
 * the expected frame or sample number) and the CRC-16 over the frame so far is zero, or at the end of
 * the file under the same CRC condition. Returns undefined if some frame cannot be delimited, which
 * means the file is truncated or corrupt.
 */
export function splitFlacFrames(bytes: Uint8Array, start: number): FlacFrame[] | undefined {
  const frames: FlacFrame[] = [];
  let at = start;
  while (at < bytes.length) {
    const header = readFrameHeader(bytes, at);
    if (header === undefined) return undefined;
    const expectedNext = header.number + (header.variableBlockSize ? header.blockSize : 1);
    // CRC-16 of a whole frame including its own footer is zero: run it over the bytes and test each
    // candidate end. The shortest frame is a header plus a 1-byte subframe and the 2-byte footer.
    let crc = 0;
    let end = -1;
    for (let p = at; p < bytes.length; p++) {
      crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[(crc >> 8) ^ bytes[p]];
      const next = p + 1;
      if (crc !== 0 || next < at + header.length + 3) continue;
      if (next === bytes.length) {
        end = next;
        break;
      }
      const following = readFrameHeader(bytes, next);
      if (following !== undefined && following.number === expectedNext) {
        end = next;
        break;
      }
    }
    if (end < 0) return undefined;
    frames.push({ offset: at, bytes: bytes.subarray(at, end), blockSize: header.blockSize });
    at = end;
  }
  return frames;
}
