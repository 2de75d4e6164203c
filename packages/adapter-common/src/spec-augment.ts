import { readInt, readNumber, type RawConfig } from './config-fields';

/**
 * SpecAugment's config.json fields, which HF's HubertConfig and WhisperConfig share: masking spans of
 * time steps and feature channels during training. Inference ignores them, but checkpoints keep them.
 */

/** The mask_* fields of config.json. */
export interface SpecAugmentFields {
  mask_time_prob: number;
  mask_time_length: number;
  mask_time_min_masks: number;
  mask_feature_prob: number;
  mask_feature_length: number;
  mask_feature_min_masks: number;
}

/** HF's defaults for the mask_* fields, as every HuBERT and Whisper checkpoint on the hub has them; a fresh object. */
export function specAugmentDefaults(): SpecAugmentFields {
  return {
    mask_time_prob: 0.05,
    mask_time_length: 10,
    mask_time_min_masks: 2,
    mask_feature_prob: 0,
    mask_feature_length: 10,
    mask_feature_min_masks: 0,
  };
}

/** Reads the mask_* fields of a config.json, typed, HF's defaults for absent ones; ModelError naming the field. */
export function readSpecAugmentFields(raw: RawConfig, file: string): SpecAugmentFields {
  const d = specAugmentDefaults();
  return {
    mask_time_prob: readNumber(raw, file, 'mask_time_prob', 0, 1, d.mask_time_prob),
    mask_time_length: readInt(raw, file, 'mask_time_length', 1, d.mask_time_length),
    mask_time_min_masks: readInt(raw, file, 'mask_time_min_masks', 0, d.mask_time_min_masks),
    mask_feature_prob: readNumber(raw, file, 'mask_feature_prob', 0, 1, d.mask_feature_prob),
    mask_feature_length: readInt(raw, file, 'mask_feature_length', 1, d.mask_feature_length),
    mask_feature_min_masks: readInt(raw, file, 'mask_feature_min_masks', 0, d.mask_feature_min_masks),
  };
}
