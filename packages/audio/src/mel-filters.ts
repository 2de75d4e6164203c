import { OptionError } from '@speechfold/core';

/**
 * Mel filterbank as librosa.filters.mel(sr, n_fft, n_mels) with its defaults (fmin 0, fmax sr/2,
 * Slaney mel scale, Slaney area normalisation), which is what OpenAI's Whisper ships in
 * mel_filters.npz and what Hugging Face's WhisperFeatureExtractor recomputes.
 */

/** Options of `melFilterBank`; the defaults are Whisper's. */
export interface MelFilterOptions {
  sampleRate?: number;
  nFft?: number;
}

/** A filterbank: `weights[m * nFreqs + k]` weighs FFT bin k (0..nFft/2) into mel band m. */
export interface MelFilterBank {
  nMels: number;
  nFreqs: number;
  weights: Float32Array;
}

// Slaney's scale: linear below 1 kHz (3 mels per 200 Hz), logarithmic above (27 mels per factor 6.4).
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

/** Hertz to Slaney mels (librosa.hz_to_mel with htk=False). */
export function hzToMel(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

/** Slaney mels to hertz (librosa.mel_to_hz with htk=False). */
export function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/**
 * Triangular filters between consecutive mel points, each scaled by 2 / (its width in Hz) so that
 * every filter has the same area. Computed in float64, stored as float32 like librosa's default.
 */
export function melFilterBank(nMels: number, options: MelFilterOptions = {}): MelFilterBank {
  const sampleRate = options.sampleRate ?? 16000;
  const nFft = options.nFft ?? 400;
  if (!Number.isInteger(nMels) || nMels < 1) throw new OptionError('nMels', `must be a positive integer, got ${nMels}`);
  if (!Number.isInteger(nFft) || nFft < 2) throw new OptionError('nFft', `must be an integer >= 2, got ${nFft}`);
  const nFreqs = Math.floor(nFft / 2) + 1;

  // Centre frequencies of the FFT bins (numpy.fft.rfftfreq).
  const fftFreqs = new Float64Array(nFreqs);
  for (let k = 0; k < nFreqs; k++) fftFreqs[k] = (k * sampleRate) / nFft;

  // nMels + 2 points evenly spaced in mels from 0 to the Nyquist frequency (librosa.mel_frequencies).
  const maxMel = hzToMel(sampleRate / 2);
  const melPoints = new Float64Array(nMels + 2);
  for (let i = 0; i < nMels + 2; i++) melPoints[i] = melToHz((maxMel * i) / (nMels + 1));

  const weights = new Float32Array(nMels * nFreqs);
  for (let m = 0; m < nMels; m++) {
    const left = melPoints[m];
    const centre = melPoints[m + 1];
    const right = melPoints[m + 2];
    const norm = 2 / (right - left);
    for (let k = 0; k < nFreqs; k++) {
      const rising = (fftFreqs[k] - left) / (centre - left);
      const falling = (right - fftFreqs[k]) / (right - centre);
      weights[m * nFreqs + k] = Math.max(0, Math.min(rising, falling)) * norm;
    }
  }
  return { nMels, nFreqs, weights };
}
