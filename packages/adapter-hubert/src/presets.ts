/**
 * Named HuBERT configurations: the real hub checkpoints' dimensions, and one tiny model for tests.
 */
import { specAugmentDefaults } from '@speechfold/adapter-common';
import type { HubertConfig } from './config';

/** Preset ids. */
export type HubertPresetId = 'hubert-tiny' | 'hubert-base' | 'hubert-large';

/** HF's HubertConfig defaults (the hubert-base layout), with the dropouts of the released checkpoints. */
const BASE: HubertConfig = {
  model_type: 'hubert',
  architectures: ['HubertForCTC'],
  vocab_size: 32,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout: 0.1,
  activation_dropout: 0.1,
  attention_dropout: 0.1,
  feat_proj_layer_norm: true,
  feat_proj_dropout: 0.1,
  final_dropout: 0.1,
  layerdrop: 0.1,
  initializer_range: 0.02,
  layer_norm_eps: 1e-5,
  feat_extract_norm: 'group',
  feat_extract_activation: 'gelu',
  conv_dim: [512, 512, 512, 512, 512, 512, 512],
  conv_stride: [5, 2, 2, 2, 2, 2, 2],
  conv_kernel: [10, 3, 3, 3, 3, 2, 2],
  conv_bias: false,
  num_feat_extract_layers: 7,
  num_conv_pos_embeddings: 128,
  num_conv_pos_embedding_groups: 16,
  do_stable_layer_norm: false,
  apply_spec_augment: true,
  ...specAugmentDefaults(),
  ctc_loss_reduction: 'sum',
  ctc_zero_infinity: false,
  use_weighted_layer_sum: false,
  classifier_proj_size: 256,
  pad_token_id: 0,
  bos_token_id: 1,
  eos_token_id: 2,
};

/** facebook/hubert-large-ls960-ft: pre-LN encoder, LayerNorm on every conv layer, conv biases. */
const LARGE: HubertConfig = {
  ...BASE,
  hidden_size: 1024,
  num_hidden_layers: 24,
  num_attention_heads: 16,
  intermediate_size: 4096,
  feat_extract_norm: 'layer',
  conv_bias: true,
  do_stable_layer_norm: true,
};

/**
 * A test model in the hubert-large-ls960-ft layout. The conv stack keeps HF's 7 layers and the
 * kernels/strides (total stride 320: 20 ms frames at 16 kHz) so frame counts match the real models.
 */
const TINY: HubertConfig = {
  ...LARGE,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 64,
  conv_dim: [32, 32, 32, 32, 32, 32, 32],
  num_conv_pos_embeddings: 16,
  num_conv_pos_embedding_groups: 4,
};

/** The presets by id. Treat as read-only; `hubertPreset` hands out copies. */
export const HUBERT_PRESETS: Readonly<Record<HubertPresetId, HubertConfig>> = {
  'hubert-tiny': TINY,
  // facebook/hubert-base-ls960 dimensions with a 32-symbol CTC head added.
  'hubert-base': BASE,
  'hubert-large': LARGE,
};

/** A fresh (deep) copy of a preset, safe to modify. */
export function hubertPreset(id: HubertPresetId): HubertConfig {
  return structuredClone(HUBERT_PRESETS[id]);
}
