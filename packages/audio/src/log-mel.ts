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
const filterCache = new Map<number, SparseFilters>();
let dftTables: DftTables | undefined;

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
      // Only the triangle's non-zero bins: the zeros add nothing to the sum.
      let sum = 0;
      for (let k = filters.support[2 * m]; k < filters.support[2 * m + 1]; k++) sum += filters.bank.weights[row + k] * power[k];
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

/** Twiddles of the folded DFT and the analysis window. */
interface DftTables {
  /** cos / sin(2 pi k n / N) for k = 0..N/4, n = 0..N/2 - 1, row k at k * N/2. */
  cos: Float64Array;
  sin: Float64Array;
  window: Float64Array;
  /** Scratch rows: x[n] + x[N - n] and x[n] - x[N - n]. */
  sum: Float64Array;
  diff: Float64Array;
}

const HALF = WHISPER_N_FFT / 2;
const QUARTER = WHISPER_N_FFT / 4;

/**
 * |X_k|^2 for k = 0..200 of a 400-point real frame, by a direct DFT in float64 folded twice (400 is not
 * a power of two): x[n] and x[N - n] share cos and (up to sign) sin, so the sums run over
 * x[n] +- x[N - n] for n < N/2; and bin N/2 - k reuses bin k's twiddles with the odd n negated, so
 * one pass over n gives both. A quarter of the plain DFT's multiply-adds.
 */
function realDftPower(frame: Float64Array, tables: DftTables, power: Float64Array): void {
  const { cos, sin, sum, diff } = tables;
  for (let n = 1; n < HALF; n++) {
    sum[n] = frame[n] + frame[WHISPER_N_FFT - n];
    diff[n] = frame[n] - frame[WHISPER_N_FFT - n];
  }
  for (let k = 0; k <= QUARTER; k++) {
    const row = k * HALF;
    let cosEven = 0;
    let cosOdd = 0;
    let sinEven = 0;
    let sinOdd = 0;
    for (let n = 1; n < HALF; n += 2) {
      cosOdd += sum[n] * cos[row + n];
      sinOdd += diff[n] * sin[row + n];
    }
    for (let n = 2; n < HALF; n += 2) {
      cosEven += sum[n] * cos[row + n];
      sinEven += diff[n] * sin[row + n];
    }
    // x[0] and x[N/2] are their own mirror images: cos is 1 and (-1)^k, for bin N/2 - k as well.
    const ends = frame[0] + (k % 2 === 0 ? frame[HALF] : -frame[HALF]);
    if (k < QUARTER) power[HALF - k] = (ends + cosEven - cosOdd) ** 2 + (sinEven - sinOdd) ** 2;
    power[k] = (ends + cosEven + cosOdd) ** 2 + (sinEven + sinOdd) ** 2;
  }
}

function getDftTables(): DftTables {
  if (dftTables === undefined) {
    const cos = new Float64Array((QUARTER + 1) * HALF);
    const sin = new Float64Array((QUARTER + 1) * HALF);
    for (let k = 0; k <= QUARTER; k++) {
      for (let n = 0; n < HALF; n++) {
        // (k * n) mod N keeps the angle small, so the twiddles are as exact as Math.cos allows.
        const angle = (2 * Math.PI * ((k * n) % WHISPER_N_FFT)) / WHISPER_N_FFT;
        cos[k * HALF + n] = Math.cos(angle);
        sin[k * HALF + n] = Math.sin(angle);
      }
    }
    // Periodic Hann (torch.hann_window(400) default periodic=True): the period is N, not N - 1.
    const window = new Float64Array(WHISPER_N_FFT);
    for (let n = 0; n < WHISPER_N_FFT; n++) window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / WHISPER_N_FFT);
    dftTables = { cos, sin, window, sum: new Float64Array(HALF), diff: new Float64Array(HALF) };
  }
  return dftTables;
}

/** A filterbank and, per mel, the bins [start, end) where its weights are non-zero. */
interface SparseFilters {
  bank: MelFilterBank;
  support: Int32Array;
}

function cachedFilters(nMels: number): SparseFilters {
  let filters = filterCache.get(nMels);
  if (filters === undefined) {
    const bank = melFilterBank(nMels, { sampleRate: WHISPER_SAMPLE_RATE, nFft: WHISPER_N_FFT });
    const support = new Int32Array(2 * nMels);
    for (let m = 0; m < nMels; m++) {
      const row = bank.weights.subarray(m * N_FREQS, (m + 1) * N_FREQS);
      let start = 0;
      let end = N_FREQS;
      while (start < end && row[start] === 0) start++;
      while (end > start && row[end - 1] === 0) end--;
      support[2 * m] = start;
      support[2 * m + 1] = end;
    }
    filters = { bank, support };
    filterCache.set(nMels, filters);
  }
  return filters;
}
