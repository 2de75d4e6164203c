/**
 * Checks a parsed HuBERT config.json and returns it typed, with HF's defaults for absent optional
 * fields. The fields that decide tensor shapes are required, since a default there would silently
 * describe a different model. The fields HuBERT shares with wav2vec2 are read by
 * @speechfold/adapter-common's `readSpeechEncoderConfig`.
 */
import type { SpeechEncoderFamily } from '@speechfold/adapter-common';
import { asRawConfig, fieldError, readBool, readSpeechEncoderConfig } from '@speechfold/adapter-common';
import type { HubertConfig } from './config';

/** The classes this adapter describes: the CTC model and the bare encoder (no head, no 'hubert.' prefix). */
export const HUBERT_ARCHITECTURES = ['HubertForCTC', 'HubertModel'] as const;

/** Validates a parsed config.json (`file` names it in errors) and returns it as a HubertConfig. */
export function validateHubertConfig(config: unknown, file: string): HubertConfig {
  const raw = asRawConfig(config, file);
  const shared = readSpeechEncoderConfig(raw, file, 'hubert', HUBERT_ARCHITECTURES);
  // Newer HF can swap the positional conv's weight norm for a BatchNorm, which stores other tensors.
  if (raw.conv_pos_batch_norm !== undefined && raw.conv_pos_batch_norm !== false) {
    throw fieldError(
      file,
      'conv_pos_batch_norm',
      'false (batch-norm positional convolution is not supported)',
      raw.conv_pos_batch_norm
    );
  }
  return { ...shared, model_type: 'hubert', feat_proj_layer_norm: readBool(raw, file, 'feat_proj_layer_norm', true) };
}

/** HuBERT as a wav2vec2-style speech encoder family: what the shared architecture, groups and rewrite need. */
export const HUBERT_FAMILY: SpeechEncoderFamily<HubertConfig> = {
  modelType: 'hubert',
  ctcArchitecture: 'HubertForCTC',
  bareArchitecture: 'HubertModel',
  prefix: 'hubert.',
  readConfig: validateHubertConfig,
};
