import { OptionError } from '@speechfold/core';
import { melFilterBank, type MelFilterBank } from './mel-filters';

/**
 * Whisper's log-mel input, as OpenAI's `log_mel_spectrogram` and Hugging Face's
 * WhisperFeatureExtractor compute it: 30 s of 16 kHz audio (zero-padded or truncated), a 400-point
 * STFT with hop 160 and a periodic Hann window, frames centred by reflect padding (torch.stft
 * center=True), power spectrum, Slaney mel filterbank, the last frame dropped, then
 * log10(max(x, 1e-10)), clamped to (max - 8) and mapped by (x + 4) / 4.
 */

export const WHISPER_SAMPLE_RATE = 16000;
export const WHISPER_N_FFT = 400;
export const WHISPER_HOP_LENGTH = 160;
/** 30 s at 16 kHz: every input is padded or truncated to this many samples. */
export const WHISPER_CHUNK_SAMPLES = 480000;
/** Frames of one chunk after dropping the last STFT frame. */
export const WHISPER_N_FRAMES = WHISPER_CHUNK_SAMPLES / WHISPER_HOP_LENGTH;

/** A log-mel matrix, mel-major: `data[m * nFrames + t]`, the layout of HF `input_features[0]`. */
export interface LogMel {
  nMels: number;
  nFrames: number;
  data: Float32Array;
}

/** Options of `whisperLogMel`. */
export interface LogMelOptions {
  /** 80 (Whisper up to large-v2) or 128 (large-v3); default 80. */
  nMels?: number;
}

const N_FREQS = WHISPER_N_FFT / 2 + 1;
const filterCache = new Map<number, MelFilterBank>();
let dftTables: { cos: Float64Array; sin: Float64Array; window: Float64Array } | undefined;

/** Computes Whisper's log-mel features of 16 kHz mono samples (see the module comment). */
export function whisperLogMel(samples: Float32Array, options: LogMelOptions = {}): LogMel {
  const nMels = options.nMels ?? 80;
  if (nMels !== 80 && nMels !== 128) throw new OptionError('nMels', `Whisper uses 80 or 128 mel bins, got ${nMels}`);
  const filters = cachedFilters(nMels);
  const tables = getDftTables();
  const padded = centredChunk(samples);

  const nFrames = WHISPER_N_FRAMES;
  const melPower = new Float64Array(nMels * nFrames); // zero for silent frames, clamped below
  const frame = new Float64Array(WHISPER_N_FFT);
  const power = new Float64Array(N_FREQS);
  for (let t = 0; t < nFrames; t++) {
    const start = t * WHISPER_HOP_LENGTH;
    let silent = true;
    for (let n = 0; n < WHISPER_N_FFT; n++) {
      frame[n] = padded[start + n] * tables.window[n];
      if (frame[n] !== 0) silent = false;
    }
    // Frames inside the zero padding have zero power: skipping their DFT saves most of the time
    // for utterances much shorter than 30 s.
    if (silent) continue;
    realDftPower(frame, tables, power);
    for (let m = 0; m < nMels; m++) {
      const row = m * N_FREQS;
      let sum = 0;
      for (let k = 0; k < N_FREQS; k++) sum += filters.weights[row + k] * power[k];
      melPower[m * nFrames + t] = sum;
    }
  }

  const data = new Float32Array(nMels * nFrames);
  let max = -Infinity;
  for (let i = 0; i < melPower.length; i++) {
    const value = Math.log10(Math.max(melPower[i], 1e-10));
    melPower[i] = value;
    if (value > max) max = value;
  }
  const floor = max - 8;
  for (let i = 0; i < melPower.length; i++) data[i] = (Math.max(melPower[i], floor) + 4) / 4;
  return { nMels, nFrames, data };
}

/**
 * The 30 s chunk with `WHISPER_N_FFT / 2` reflected samples on each side, as torch.stft's centre
 * padding with mode 'reflect' (the edge sample itself is not repeated).
 */
function centredChunk(samples: Float32Array): Float64Array {
  const pad = WHISPER_N_FFT / 2;
  const n = WHISPER_CHUNK_SAMPLES;
  const out = new Float64Array(n + 2 * pad);
  const length = Math.min(samples.length, n);
  for (let i = 0; i < length; i++) out[pad + i] = samples[i];
  for (let j = 1; j <= pad; j++) {
    out[pad - j] = out[pad + j];
    out[pad + n - 1 + j] = out[pad + n - 1 - j];
  }
  return out;
}

/**
 * |X_k|^2 for k = 0..200 of a 400-point real frame, by a direct DFT with precomputed twiddles
 * (400 is not a power of two; 3000 x 400 x 201 multiply-adds per chunk is fast enough).
 */
function realDftPower(frame: Float64Array, tables: { cos: Float64Array; sin: Float64Array }, power: Float64Array): void {
  for (let k = 0; k < N_FREQS; k++) {
    const row = k * WHISPER_N_FFT;
    let re = 0;
    let im = 0;
    for (let n = 0; n < WHISPER_N_FFT; n++) {
      re += frame[n] * tables.cos[row + n];
      im += frame[n] * tables.sin[row + n];
    }
    power[k] = re * re + im * im;
  }
}

function getDftTables(): { cos: Float64Array; sin: Float64Array; window: Float64Array } {
  if (dftTables === undefined) {
    const cos = new Float64Array(N_FREQS * WHISPER_N_FFT);
    const sin = new Float64Array(N_FREQS * WHISPER_N_FFT);
    for (let k = 0; k < N_FREQS; k++) {
      for (let n = 0; n < WHISPER_N_FFT; n++) {
        // (k * n) mod N keeps the angle small, so the twiddles are as exact as Math.cos allows.
        const angle = (2 * Math.PI * ((k * n) % WHISPER_N_FFT)) / WHISPER_N_FFT;
        cos[k * WHISPER_N_FFT + n] = Math.cos(angle);
        sin[k * WHISPER_N_FFT + n] = Math.sin(angle);
      }
    }
    // Periodic Hann (torch.hann_window(400) default periodic=True): the period is N, not N - 1.
    const window = new Float64Array(WHISPER_N_FFT);
    for (let n = 0; n < WHISPER_N_FFT; n++) window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / WHISPER_N_FFT);
    dftTables = { cos, sin, window };
  }
  return dftTables;
}

function cachedFilters(nMels: number): MelFilterBank {
  let filters = filterCache.get(nMels);
  if (filters === undefined) {
    filters = melFilterBank(nMels, { sampleRate: WHISPER_SAMPLE_RATE, nFft: WHISPER_N_FFT });
    filterCache.set(nMels, filters);
  }
  return filters;
}
