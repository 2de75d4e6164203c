/**
 * Checks a parsed HuBERT config.json and returns it typed, with HF's defaults for absent optional
 * fields. The fields that decide tensor shapes are required, since a default there would silently
 * describe a different model.
 */
import { ModelError } from '@speechfold/core';
import {
  asRawConfig,
  fieldError,
  readBool,
  readEnum,
  readInt,
  readLayerCount,
  readIntArray,
  readNumber,
  readString,
  readStringArray,
} from '@speechfold/adapter-common';
import type { HubertConfig } from './config';

/** The classes this adapter describes: the CTC model and the bare encoder (no head, no 'hubert.' prefix). */
export const HUBERT_ARCHITECTURES = ['HubertForCTC', 'HubertModel'] as const;

/** Validates a parsed config.json (`file` names it in errors) and returns it as a HubertConfig. */
export function validateHubertConfig(config: unknown, file: string): HubertConfig {
  const raw = asRawConfig(config, file);
  if (raw.model_type !== 'hubert') throw fieldError(file, 'model_type', "'hubert'", raw.model_type);
  const architectures = readStringArray(raw, file, 'architectures');
  if (!HUBERT_ARCHITECTURES.some((a) => architectures.includes(a))) {
    const choices = HUBERT_ARCHITECTURES.map((a) => `'${a}'`).join(' or ');
    throw fieldError(file, 'architectures', `a list containing ${choices}`, architectures);
  }

  const hidden = readInt(raw, file, 'hidden_size', 1);
  const heads = readInt(raw, file, 'num_attention_heads', 1);
  if (hidden % heads !== 0) {
    throw new ModelError({ file }, `field 'num_attention_heads': ${heads} does not divide hidden_size ${hidden}`);
  }
  const groups = readInt(raw, file, 'num_conv_pos_embedding_groups', 1, 16);
  if (hidden % groups !== 0) {
    throw new ModelError(
      { file },
      `field 'num_conv_pos_embedding_groups': ${groups} does not divide hidden_size ${hidden}`
    );
  }

  const convDim = readIntArray(raw, file, 'conv_dim', 1);
  const convStride = readIntArray(raw, file, 'conv_stride', 1);
  const convKernel = readIntArray(raw, file, 'conv_kernel', 1);
  for (const [field, list] of [
    ['conv_stride', convStride],
    ['conv_kernel', convKernel],
  ] as const) {
    if (list.length !== convDim.length) {
      throw fieldError(file, field, `${convDim.length} entries (as many as conv_dim)`, list);
    }
  }
  const layers = readLayerCount(raw, file, 'num_feat_extract_layers', 1, convDim.length);
  if (layers !== convDim.length)
    throw fieldError(file, 'num_feat_extract_layers', `${convDim.length} (len(conv_dim))`, layers);

  // Newer HF can swap the positional conv's weight norm for a BatchNorm, which stores other tensors.
  if (raw.conv_pos_batch_norm !== undefined && raw.conv_pos_batch_norm !== false) {
    throw fieldError(
      file,
      'conv_pos_batch_norm',
      'false (batch-norm positional convolution is not supported)',
      raw.conv_pos_batch_norm
    );
  }

  const result: HubertConfig = {
    model_type: 'hubert',
    architectures,
    vocab_size: readInt(raw, file, 'vocab_size', 1),
    hidden_size: hidden,
    num_hidden_layers: readLayerCount(raw, file, 'num_hidden_layers'),
    num_attention_heads: heads,
    intermediate_size: readInt(raw, file, 'intermediate_size', 1),
    hidden_act: readString(raw, file, 'hidden_act', 'gelu'),
    hidden_dropout: readNumber(raw, file, 'hidden_dropout', 0, 1, 0.1),
    activation_dropout: readNumber(raw, file, 'activation_dropout', 0, 1, 0.1),
    attention_dropout: readNumber(raw, file, 'attention_dropout', 0, 1, 0.1),
    feat_proj_layer_norm: readBool(raw, file, 'feat_proj_layer_norm', true),
    feat_proj_dropout: readNumber(raw, file, 'feat_proj_dropout', 0, 1, 0),
    final_dropout: readNumber(raw, file, 'final_dropout', 0, 1, 0.1),
    layerdrop: readNumber(raw, file, 'layerdrop', 0, 1, 0.1),
    initializer_range: readNumber(raw, file, 'initializer_range', 0, Number.MAX_VALUE, 0.02),
    layer_norm_eps: readNumber(raw, file, 'layer_norm_eps', 0, 1, 1e-5),
    feat_extract_norm: readEnum(raw, file, 'feat_extract_norm', ['group', 'layer'] as const),
    feat_extract_activation: readString(raw, file, 'feat_extract_activation', 'gelu'),
    conv_dim: convDim,
    conv_stride: convStride,
    conv_kernel: convKernel,
    conv_bias: readBool(raw, file, 'conv_bias'),
    num_feat_extract_layers: layers,
    num_conv_pos_embeddings: readInt(raw, file, 'num_conv_pos_embeddings', 1),
    num_conv_pos_embedding_groups: groups,
    do_stable_layer_norm: readBool(raw, file, 'do_stable_layer_norm'),
    apply_spec_augment: readBool(raw, file, 'apply_spec_augment', true),
    mask_time_prob: readNumber(raw, file, 'mask_time_prob', 0, 1, 0.05),
    mask_time_length: readInt(raw, file, 'mask_time_length', 1, 10),
    mask_time_min_masks: readInt(raw, file, 'mask_time_min_masks', 0, 2),
    mask_feature_prob: readNumber(raw, file, 'mask_feature_prob', 0, 1, 0),
    mask_feature_length: readInt(raw, file, 'mask_feature_length', 1, 10),
    mask_feature_min_masks: readInt(raw, file, 'mask_feature_min_masks', 0, 0),
    ctc_loss_reduction: readEnum(raw, file, 'ctc_loss_reduction', ['sum', 'mean'] as const, 'sum'),
    ctc_zero_infinity: readBool(raw, file, 'ctc_zero_infinity', false),
    use_weighted_layer_sum: readBool(raw, file, 'use_weighted_layer_sum', false),
    classifier_proj_size: readInt(raw, file, 'classifier_proj_size', 1, 256),
    pad_token_id: readInt(raw, file, 'pad_token_id', 0, 0),
    bos_token_id: readInt(raw, file, 'bos_token_id', 0, 1),
    eos_token_id: readInt(raw, file, 'eos_token_id', 0, 2),
  };
  // The CTC blank is the pad token, so it must be a row of lm_head.
  if (result.pad_token_id >= result.vocab_size) {
    throw fieldError(file, 'pad_token_id', `an id below vocab_size ${result.vocab_size}`, result.pad_token_id);
  }
  if (raw.torch_dtype !== undefined) result.torch_dtype = readString(raw, file, 'torch_dtype');
  if (raw.transformers_version !== undefined)
    result.transformers_version = readString(raw, file, 'transformers_version');
  return result;
}
