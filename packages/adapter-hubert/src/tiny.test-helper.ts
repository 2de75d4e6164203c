// Tiny HuBERT models for this package's tests (hidden 32, 2 layers, 4 heads of 8, FFN 64).
import { randomTensors, type TestModel } from '@speechfold/adapter-testkit';
import { hubertParameters } from './architecture';
import type { HubertConfig } from './config';
import { hubertPreset } from './presets';
import { validateHubertConfig } from './validate';

/** hubert-tiny (HubertForCTC, pre-LN) with `overrides`, validated. */
export function tinyHubertConfig(overrides: Partial<HubertConfig> = {}): HubertConfig {
  return validateHubertConfig({ ...hubertPreset('hubert-tiny'), ...overrides }, 'config.json');
}

/** A tiny model with random weights as HF would store it for the config's architecture. */
export function tinyHubert(overrides: Partial<HubertConfig> = {}, seed = 1): TestModel {
  const config = tinyHubertConfig(overrides);
  return { config: { ...config }, tensors: randomTensors(hubertParameters(config), seed) };
}

/** The bare-encoder variant: HubertModel, post-LN, GroupNorm conv (facebook/hubert-base-ls960's layout). */
export const HUBERT_MODEL_OVERRIDES: Partial<HubertConfig> = {
  architectures: ['HubertModel'],
  do_stable_layer_norm: false,
  feat_extract_norm: 'group',
  conv_bias: false,
};
