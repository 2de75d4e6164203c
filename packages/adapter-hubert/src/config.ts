/**
 * The HuBERT config.json as Hugging Face transformers reads it for HubertForCTC and HubertModel. Field
 * names are HF's (snake_case) because this object is written to and read from config.json unchanged.
 */
import type { FeatExtractNorm, SpeechEncoderConfig } from '@speechfold/adapter-common';

export type { FeatExtractNorm };

/**
 * config.json of a HubertForCTC or HubertModel checkpoint, every field HF reads (absent ones take HF's
 * defaults): the fields HubertConfig shares with Wav2Vec2Config (`SpeechEncoderConfig` of
 * @speechfold/adapter-common), and HuBERT's own switch for the feature projection's LayerNorm.
 */
export interface HubertConfig extends SpeechEncoderConfig {
  model_type: 'hubert';
  /** LayerNorm over the conv features before the projection (hubert.feature_projection.layer_norm). */
  feat_proj_layer_norm: boolean;
}
