// Tiny Whisper models for this package's tests: d_model 16, 2 + 2 layers, 4 heads of 4, FFN 32 (encoder)
// and 24 (decoder, so the two stock fields differ), the real vocabulary size.
import { randomTensors, type TestModel } from '@speechfold/adapter-testkit';
import { whisperParameters } from './architecture';
import type { WhisperConfig } from './config';
import { whisperPreset } from './presets';
import { validateWhisperConfig } from './validate';

const SMALL: Partial<WhisperConfig> = {
  d_model: 16,
  encoder_layers: 2,
  num_hidden_layers: 2,
  decoder_layers: 2,
  encoder_attention_heads: 4,
  decoder_attention_heads: 4,
  encoder_ffn_dim: 32,
  decoder_ffn_dim: 24,
  num_mel_bins: 8,
  max_source_positions: 6,
  max_target_positions: 8,
};

/** The small whisper-tiny variant with `overrides`, validated. */
export function tinyWhisperConfig(overrides: Partial<WhisperConfig> = {}): WhisperConfig {
  return validateWhisperConfig({ ...whisperPreset('whisper-tiny'), ...SMALL, ...overrides }, 'config.json');
}

/** Built models by overrides and seed: the 50k-row embedding takes a moment to fill. */
const cache = new Map<string, TestModel>();

/**
 * A tiny model with random weights, named as HF stores WhisperForConditionalGeneration. Each call
 * returns its own config object and tensor map; the value arrays are shared and must not be written.
 */
export function tinyWhisper(overrides: Partial<WhisperConfig> = {}, seed = 1): TestModel {
  const key = `${seed}:${JSON.stringify(overrides)}`;
  let model = cache.get(key);
  if (model === undefined) {
    const config = tinyWhisperConfig(overrides);
    model = { config: { ...config }, tensors: randomTensors(whisperParameters(config), seed) };
    cache.set(key, model);
  }
  return { config: structuredClone(model.config), tensors: new Map(model.tensors) };
}
