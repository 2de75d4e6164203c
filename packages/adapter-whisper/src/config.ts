/**
 * The Whisper config.json as Hugging Face transformers reads it for WhisperForConditionalGeneration.
 * Field names are HF's (snake_case) because this object is written to and read from config.json unchanged.
 */

import type { SpecAugmentFields } from '@speechfold/adapter-common';

/** One forced decoder position: [index, token id] (HF allows a null id to leave a slot free). */
export type ForcedDecoderId = [number, number | null];

/**
 * config.json of a WhisperForConditionalGeneration checkpoint, every field HF reads (absent ones take
 * HF's defaults), SpecAugment's mask_* fields included.
 */
export interface WhisperConfig extends SpecAugmentFields {
  model_type: 'whisper';
  /** HF class names; this adapter knows 'WhisperForConditionalGeneration'. */
  architectures: string[];
  /** Decoder vocabulary: 51865 for the multilingual models up to large-v2, 51866 for large-v3. */
  vocab_size: number;
  /** Input channels of the log-mel features: 80, or 128 for large-v3. */
  num_mel_bins: number;
  d_model: number;
  encoder_layers: number;
  encoder_attention_heads: number;
  decoder_layers: number;
  decoder_attention_heads: number;
  encoder_ffn_dim: number;
  decoder_ffn_dim: number;
  encoder_layerdrop: number;
  decoder_layerdrop: number;
  /** HF mirrors encoder_layers here. */
  num_hidden_layers: number;
  activation_function: string;
  dropout: number;
  attention_dropout: number;
  activation_dropout: number;
  init_std: number;
  scale_embedding: boolean;
  /** Encoder frames after the stride-2 conv: 1500 for 30 s of audio. */
  max_source_positions: number;
  /** Decoder context: 448 tokens. */
  max_target_positions: number;
  pad_token_id: number;
  bos_token_id: number;
  eos_token_id: number;
  decoder_start_token_id: number;
  begin_suppress_tokens: number[] | null;
  suppress_tokens: number[] | null;
  forced_decoder_ids: ForcedDecoderId[] | null;
  use_cache: boolean;
  is_encoder_decoder: boolean;
  /** proj_out shares embed_tokens (always so for OpenAI's models); when false proj_out.weight is stored. */
  tie_word_embeddings: boolean;
  use_weighted_layer_sum: boolean;
  classifier_proj_size: number;
  apply_spec_augment: boolean;
  median_filter_width: number;
  /** Legacy generation default kept in the hub configs. */
  max_length?: number;
  /** Storage dtype HF recorded ('float32', 'float16', 'bfloat16'). */
  torch_dtype?: string;
  transformers_version?: string;
}
