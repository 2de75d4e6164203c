import { readFile } from 'node:fs/promises';
import type { FLACDecoder } from '@wasm-audio-decoders/flac';
import { FormatError, PathError, type ProgressListener } from '@speechfold/core';
import { parseFlacHeader, isFlac, type FlacStreamInfo } from './flac-header';
import { splitFlacFrames } from './flac-frames';
import { isWav, parseWav, type PcmAudio } from './wav';
import { resample } from './resample';

/** The sample rate every model here expects. */
export const TARGET_SAMPLE_RATE = 16000;

/** Mono audio ready for feature extraction. */
export interface DecodedAudio {
  /** Mono samples in [-1, 1). */
  samples: Float32Array;
  sampleRate: number;
  /** The file it was read from, as given. */
  file: string;
}

/** Options of `decodeAudioFile` / `decodeAudio`. */
export interface DecodeOptions {
  /** Resample to 16 kHz when the file has another rate; without it, another rate is a FormatError. */
  resample?: boolean;
  /** Receives an 'info' event when a FLAC file had to be re-decoded frame by frame. */
  onProgress?: ProgressListener;
}

/** A decoded FLAC file before downmixing, with what its header declared. */
export interface FlacDecodeResult extends PcmAudio {
  info: FlacStreamInfo;
  /** True when the first decode came back short and the frame-by-frame decode was used. */
  repaired: boolean;
}

/** Reads a FLAC or 16-bit PCM WAV file, downmixes to mono and checks (or converts) the rate. */
export async function decodeAudioFile(file: string, options: DecodeOptions = {}): Promise<DecodedAudio> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new PathError(file, `cannot read audio: ${(cause as Error).message}`, { cause });
  }
  return decodeAudio(bytes, file, options);
}

/** Like `decodeAudioFile` for bytes already in memory; `file` names them in errors. */
export async function decodeAudio(bytes: Uint8Array, file: string, options: DecodeOptions = {}): Promise<DecodedAudio> {
  let pcm: PcmAudio;
  if (isFlac(bytes)) {
    const result = await decodeFlac(bytes, file);
    if (result.repaired) {
      options.onProgress?.({ type: 'info', message: `${file}: the FLAC decoder lost the last frame(s); re-decoded frame by frame to the ${result.info.totalSamples} samples of the header` });
    }
    pcm = result;
  } else if (isWav(bytes)) {
    pcm = parseWav(bytes, file);
  } else {
    throw new FormatError({ file }, 'unsupported audio: neither FLAC ("fLaC") nor WAV (RIFF/WAVE)');
  }
  let samples = downmix(pcm.channels);
  let sampleRate = pcm.sampleRate;
  if (sampleRate !== TARGET_SAMPLE_RATE) {
    if (!options.resample) {
      throw new FormatError({ file }, `sample rate is ${sampleRate} Hz, models expect ${TARGET_SAMPLE_RATE} Hz (enable resampling to convert)`);
    }
    samples = resample(samples, sampleRate, TARGET_SAMPLE_RATE);
    sampleRate = TARGET_SAMPLE_RATE;
  }
  return { samples, sampleRate, file };
}

/** Averages the channels into one (a copy even for mono, so callers may modify it). */
export function downmix(channels: Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0].slice();
  const out = new Float32Array(channels[0].length);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (const channel of channels) sum += channel[i];
    out[i] = sum / channels.length;
  }
  return out;
}

/**
 * Decodes a FLAC file with @wasm-audio-decoders/flac and checks the sample count against STREAMINFO.
 *
 * That decoder's frame parser (codec-parser) needs several bytes of look-ahead to accept a frame
 * header, so a tiny final frame (an 11-13 byte constant-silence frame on the shared files) is not seen as a frame: it is
 * glued to the frame before it (their concatenation still passes the CRC-16 check, as the CRC of a
 * whole frame is zero) and libFLAC, which decodes one frame per call, drops it. When the count comes
 * back short we split the frames ourselves (header CRC-8 + footer CRC-16) and decode them one per
 * call; if that does not give exactly the header's count either, the file is truncated or corrupt.
 */
export async function decodeFlac(bytes: Uint8Array, file: string): Promise<FlacDecodeResult> {
  const info = parseFlacHeader(bytes, file);
  const decoder = await createFlacDecoder();
  try {
    const first = await decoder.decodeFile(bytes);
    checkDecoderErrors(first.errors, file);
    // A total of 0 means "unknown" in STREAMINFO: nothing to check against.
    if (info.totalSamples === 0 || first.samplesDecoded === info.totalSamples) {
      return { channels: rescaleToUnit(first.channelData, info.bitsPerSample), sampleRate: info.sampleRate, info, repaired: false };
    }
    const frames = splitFlacFrames(bytes, info.framesOffset);
    if (frames === undefined) {
      throw new FormatError({ file }, `truncated or corrupt FLAC: decoded ${first.samplesDecoded} samples, the header declares ${info.totalSamples}, and the frames cannot all be delimited by their CRCs`);
    }
    const again = await decoder.decodeFrames(frames.map((frame) => frame.bytes));
    checkDecoderErrors(again.errors, file);
    if (again.samplesDecoded !== info.totalSamples) {
      throw new FormatError({ file }, `FLAC sample count mismatch: decoded ${first.samplesDecoded} samples (${again.samplesDecoded} frame by frame), the header declares ${info.totalSamples}`);
    }
    return { channels: rescaleToUnit(again.channelData, info.bitsPerSample), sampleRate: info.sampleRate, info, repaired: true };
  } finally {
    decoder.free();
  }
}

/**
 * The wasm decoder divides by 2^(bits-1) - 1 (so -32768 becomes -1.00003); soundfile, torchaudio and
 * Hugging Face divide by 2^(bits-1), giving [-1, 1). Up to 16 bits the float32 output still pins down
 * the integer exactly, so we recover it and divide again: the samples then equal soundfile's bit for
 * bit. Deeper formats are only rescaled (float32 cannot hold their integers exactly anyway).
 */
function rescaleToUnit(channels: Float32Array[], bitsPerSample: number): Float32Array[] {
  const decoderScale = 2 ** (bitsPerSample - 1) - 1;
  const fullScale = 2 ** (bitsPerSample - 1);
  return channels.map((channel) => {
    const out = new Float32Array(channel.length);
    if (bitsPerSample <= 16) {
      for (let i = 0; i < channel.length; i++) out[i] = Math.round(channel[i] * decoderScale) / fullScale;
    } else {
      for (let i = 0; i < channel.length; i++) out[i] = (channel[i] * decoderScale) / fullScale;
    }
    return out;
  });
}

function checkDecoderErrors(errors: ReadonlyArray<{ message: string }>, file: string): void {
  if (errors.length > 0) throw new FormatError({ file }, `FLAC decoder reported ${errors.length} error(s), first: ${errors[0].message}`);
}

/**
 * One decoder per file: the decoder is stateful and `decodeFile` resets it asynchronously, so sharing
 * one between concurrent calls would interleave. The package is ESM-only: it is loaded on first use
 * (Node >= 20.19 can require ESM) so that merely importing this package never loads it.
 */
async function createFlacDecoder(): Promise<FLACDecoder> {
  const { FLACDecoder: Decoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new Decoder();
  await decoder.ready;
  return decoder;
}
