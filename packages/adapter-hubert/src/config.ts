/**
 * The HuBERT config.json as Hugging Face transformers reads it for HubertForCTC and HubertModel. Field
 * names are HF's (snake_case) because this object is written to and read from config.json unchanged.
 */

import type { SpecAugmentFields } from '@speechfold/adapter-common';

/** How the convolutional feature encoder normalises: GroupNorm on layer 0 only, or LayerNorm on every layer. */
export type FeatExtractNorm = 'group' | 'layer';

/**
 * config.json of a HubertForCTC or HubertModel checkpoint, every field HF reads (absent ones take HF's
 * defaults). Of the SpecAugment fields, mask_time_prob and mask_feature_prob decide whether
 * hubert.masked_spec_embed exists.
 */
export interface HubertConfig extends SpecAugmentFields {
  model_type: 'hubert';
  /** HF class names; this adapter knows 'HubertForCTC' and 'HubertModel'. */
  architectures: string[];
  /** Rows of the CTC head (lm_head); HubertModel has no head but HF still writes the field. */
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: string;
  hidden_dropout: number;
  activation_dropout: number;
  attention_dropout: number;
  /** LayerNorm over the conv features before the projection (hubert.feature_projection.layer_norm). */
  feat_proj_layer_norm: boolean;
  feat_proj_dropout: number;
  final_dropout: number;
  layerdrop: number;
  initializer_range: number;
  layer_norm_eps: number;
  feat_extract_norm: FeatExtractNorm;
  feat_extract_activation: string;
  /** Output channels of each conv layer of the feature encoder. */
  conv_dim: number[];
  conv_stride: number[];
  conv_kernel: number[];
  conv_bias: boolean;
  /** HF writes len(conv_dim) here; it must agree. */
  num_feat_extract_layers: number;
  /** Kernel width of the positional convolution. */
  num_conv_pos_embeddings: number;
  num_conv_pos_embedding_groups: number;
  /** Pre-LN encoder (large/xlarge) rather than post-LN (base). Names are the same either way. */
  do_stable_layer_norm: boolean;
  apply_spec_augment: boolean;
  ctc_loss_reduction: 'sum' | 'mean';
  ctc_zero_infinity: boolean;
  use_weighted_layer_sum: boolean;
  classifier_proj_size: number;
  pad_token_id: number;
  bos_token_id: number;
  eos_token_id: number;
  /** Storage dtype HF recorded ('float32', 'float16', 'bfloat16'). */
  torch_dtype?: string;
  transformers_version?: string;
}
