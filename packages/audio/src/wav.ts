import { FormatError } from '@speechfold/core';

/** Decoded PCM before downmixing: one array per channel, values in [-1, 1). */
export interface PcmAudio {
  channels: Float32Array[];
  sampleRate: number;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** True when the bytes start with a RIFF/WAVE header. */
export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0) === 'RIFF' && ascii(bytes, 8) === 'WAVE';
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/**
 * Parses a 16-bit PCM WAV file (plain PCM or WAVE_FORMAT_EXTENSIBLE with a PCM sub-format). Other
 * encodings are a FormatError: evaluation audio is 16-bit, and guessing at float or 24-bit layouts
 * would hide a conversion mistake upstream.
 */
export function parseWav(bytes: Uint8Array, file: string): PcmAudio {
  if (!isWav(bytes)) throw new FormatError({ file }, 'not a WAV file: it does not start with RIFF....WAVE');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw new FormatError({ file }, `WAV 'fmt ' chunk of ${size} bytes is too short or runs past the end`);
      let tag = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
      if (tag === WAVE_FORMAT_EXTENSIBLE && size >= 40) tag = view.getUint16(body + 24, true);
      format = {
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
      if (tag !== WAVE_FORMAT_PCM) throw new FormatError({ file }, `WAV format tag ${tag} is not supported: only 16-bit PCM (tag 1)`);
      if (format.bitsPerSample !== 16) throw new FormatError({ file }, `WAV has ${format.bitsPerSample} bits per sample: only 16-bit PCM is supported`);
      if (format.channels < 1 || format.blockAlign !== 2 * format.channels) throw new FormatError({ file }, `WAV declares ${format.channels} channels with block align ${format.blockAlign}`);
      if (format.sampleRate === 0) throw new FormatError({ file }, 'WAV declares a sample rate of 0');
    } else if (id === 'data') {
      if (format === undefined) throw new FormatError({ file }, "WAV 'data' chunk comes before any 'fmt ' chunk");
      if (body + size > bytes.length) {
        throw new FormatError({ file }, `truncated WAV: the 'data' chunk declares ${size} bytes, only ${bytes.length - body} are present`);
      }
      return { channels: deinterleave(view, body, size, format.channels), sampleRate: format.sampleRate };
    }
    offset = body + size + (size & 1); // chunks are padded to an even length
  }
  throw new FormatError({ file }, "WAV file has no 'data' chunk");
}

function deinterleave(view: DataView, start: number, size: number, channelCount: number): Float32Array[] {
  const frames = Math.floor(size / (2 * channelCount));
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) channels[c][i] = view.getInt16(start + 2 * (i * channelCount + c), true) / 32768;
  }
  return channels;
}

/**
 * Encodes samples as a 16-bit PCM WAV file (one array per channel, equal lengths). Values are scaled
 * by 32768 and rounded, clipping to [-32768, 32767], so decoding returns exactly the values `parseWav`
 * produced.
 */
export function encodeWav(channels: Float32Array[], sampleRate: number): Uint8Array {
  const channelCount = channels.length;
  const frames = channelCount > 0 ? channels[0].length : 0;
  if (channelCount === 0 || channels.some((c) => c.length !== frames)) {
    throw new FormatError({}, 'encodeWav needs at least one channel and channels of equal length');
  }
  const dataSize = frames * channelCount * 2;
  const bytes = new Uint8Array(44 + dataSize);
  const view = new DataView(bytes.buffer);
  const writeAscii = (at: number, text: string): void => {
    for (let i = 0; i < 4; i++) bytes[at + i] = text.charCodeAt(i);
  };
  writeAscii(0, 'RIFF');
  view.setUint32(4, 36 + dataSize, true);
  writeAscii(8, 'WAVE');
  writeAscii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channelCount * 2, true);
  view.setUint16(32, channelCount * 2, true);
  view.setUint16(34, 16, true);
  writeAscii(36, 'data');
  view.setUint32(40, dataSize, true);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channelCount; c++) {
      const value = Math.max(-32768, Math.min(32767, Math.round(channels[c][i] * 32768)));
      view.setInt16(44 + 2 * (i * channelCount + c), value, true);
    }
  }
  return bytes;
}
