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
