import { readFile } from 'node:fs/promises';
import { FormatError, PathError } from '@speechfold/core';

/**
 * HuBERT / wav2vec 2.0 input values, as Hugging Face's Wav2Vec2FeatureExtractor prepares a single
 * utterance: the raw 16 kHz waveform, zero-mean unit-variance normalised over the utterance when the
 * checkpoint's preprocessor_config.json says `do_normalize` (HuBERT-large fine-tuned checkpoints do,
 * hubert-base does not).
 */

/** The fields of preprocessor_config.json that matter for HuBERT input. */
export interface HubertPreprocessorConfig {
  doNormalize: boolean;
  samplingRate: number;
}

/** Hugging Face's epsilon inside the square root: (x - mean) / sqrt(var + 1e-7). */
const NORMALIZE_EPSILON = 1e-7;

/** Reads preprocessor_config.json (Wav2Vec2FeatureExtractor); absent fields take HF's defaults. */
export async function readHubertPreprocessorConfig(file: string): Promise<HubertPreprocessorConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new PathError(file, `cannot read preprocessor config: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new FormatError({ file }, `preprocessor config is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseHubertPreprocessorConfig(json, file);
}

/** Validates a parsed preprocessor_config.json; `file` names it in errors. */
export function parseHubertPreprocessorConfig(json: unknown, file: string): HubertPreprocessorConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FormatError({ file }, 'preprocessor config must be a JSON object');
  const record = json as Record<string, unknown>;
  const doNormalize = record.do_normalize ?? true; // Wav2Vec2FeatureExtractor's default
  const samplingRate = record.sampling_rate ?? 16000;
  if (typeof doNormalize !== 'boolean') throw new FormatError({ file }, `do_normalize must be true or false, got ${JSON.stringify(doNormalize)}`);
  if (typeof samplingRate !== 'number' || !Number.isInteger(samplingRate) || samplingRate <= 0) {
    throw new FormatError({ file }, `sampling_rate must be a positive integer, got ${JSON.stringify(samplingRate)}`);
  }
  return { doNormalize, samplingRate };
}

/** The model input for one utterance: normalised per `config.doNormalize`, else a copy of the raw samples. */
export function hubertInput(samples: Float32Array, config: Pick<HubertPreprocessorConfig, 'doNormalize'>): Float32Array {
  if (!config.doNormalize) return samples.slice();
  return zeroMeanUnitVariance(samples);
}

/** (x - mean) / sqrt(var + 1e-7) with the population variance, accumulated in float64. */
export function zeroMeanUnitVariance(samples: Float32Array): Float32Array {
  const n = samples.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += samples[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (samples[i] - mean) ** 2;
  const scale = 1 / Math.sqrt(squares / n + NORMALIZE_EPSILON);
  for (let i = 0; i < n; i++) out[i] = (samples[i] - mean) * scale;
  return out;
}
