/**
 * What Wav2Vec2FeatureExtractor does to a waveform before HuBERT sees it: only an optional
 * per-utterance normalisation to zero mean and unit variance (HubertForCTC takes raw samples).
 */
import { ModelError } from '@speechfold/core';
import { isObject } from './json-files';

/** The preprocessor_config.json settings the runtime uses. */
export interface HubertPreprocessor {
  /** (x - mean) / sqrt(var + 1e-7) per utterance (HF's zero_mean_unit_var_norm). */
  doNormalize: boolean;
  /** Sample rate the model expects (16000 for every released HuBERT). */
  samplingRate: number;
}

/** HF's Wav2Vec2FeatureExtractor defaults, used when preprocessor_config.json is absent. */
export const DEFAULT_PREPROCESSOR: Readonly<HubertPreprocessor> = { doNormalize: true, samplingRate: 16000 };

/** The preprocessor settings of a parsed preprocessor_config.json (undefined: the defaults). */
export function readPreprocessor(raw: unknown, file = 'preprocessor_config.json'): HubertPreprocessor {
  if (raw === undefined) return { ...DEFAULT_PREPROCESSOR };
  if (!isObject(raw)) throw new ModelError({ file }, 'expected a JSON object');
  const doNormalize = raw.do_normalize ?? DEFAULT_PREPROCESSOR.doNormalize;
  const samplingRate = raw.sampling_rate ?? DEFAULT_PREPROCESSOR.samplingRate;
  if (typeof doNormalize !== 'boolean') throw new ModelError({ file }, `field 'do_normalize': expected a boolean, got ${JSON.stringify(doNormalize)}`);
  if (typeof samplingRate !== 'number' || !Number.isInteger(samplingRate) || samplingRate < 1) {
    throw new ModelError({ file }, `field 'sampling_rate': expected a positive integer, got ${JSON.stringify(samplingRate)}`);
  }
  return { doNormalize, samplingRate };
}

/** Variance floor of HF's zero_mean_unit_var_norm. */
const NORM_EPS = 1e-7;

/**
 * The model input for a mono waveform at preprocessor.samplingRate: a normalised copy when
 * doNormalize, else the samples themselves (a copy). Mean and variance are computed in double.
 */
export function prepareInput(samples: Float32Array, preprocessor: HubertPreprocessor = DEFAULT_PREPROCESSOR): Float32Array {
  const out = new Float32Array(samples);
  if (!preprocessor.doNormalize || samples.length === 0) return out;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i];
  const mean = sum / samples.length;
  let sq = 0;
  for (let i = 0; i < samples.length; i++) {
    const d = samples[i] - mean;
    sq += d * d;
  }
  const inv = 1 / Math.sqrt(sq / samples.length + NORM_EPS);
  for (let i = 0; i < out.length; i++) out[i] = (samples[i] - mean) * inv;
  return out;
}
