/**
 * The config.json fields of the wav2vec2-style speech encoders: a convolutional feature encoder on
 * the raw waveform, a feature projection, a Transformer encoder with a convolutional positional
 * embedding, and an optional CTC head. HF's Wav2Vec2Config and HubertConfig share every one of these
 * fields with the same defaults (modeling_hubert reuses wav2vec2's modules), so one typed reader
 * serves both adapters; each adds the fields only its family has.
 */
import { ModelError } from '@speechfold/core';
import {
  fieldError,
  readBool,
  readEnum,
  readInt,
  readIntArray,
  readLayerCount,
  readNumber,
  readString,
  readStringArray,
  type RawConfig,
} from './config-fields';
import { readSpecAugmentFields, specAugmentDefaults, type SpecAugmentFields } from './spec-augment';

/** How the convolutional feature encoder normalises: GroupNorm on layer 0 only, or LayerNorm on every layer. */
export type FeatExtractNorm = 'group' | 'layer';

/**
 * The fields of a wav2vec2-style config.json that HF's Wav2Vec2Config and HubertConfig share (HF's
 * field names, since the object is written to and read from config.json unchanged). Of the SpecAugment
 * fields, mask_time_prob and mask_feature_prob decide whether `masked_spec_embed` exists.
 */
export interface SpeechEncoderConfig extends SpecAugmentFields {
  model_type: string;
  /** HF class names; the family's adapter knows its CTC class and its bare encoder class. */
  architectures: string[];
  /** Rows of the CTC head (lm_head); the bare encoder has no head but HF still writes the field. */
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: string;
  hidden_dropout: number;
  activation_dropout: number;
  attention_dropout: number;
  /**
   * LayerNorm over the conv features before the projection (`feature_projection.layer_norm`): a
   * HubertConfig field (default true); wav2vec2 has no such field and always has the norm.
   */
  feat_proj_layer_norm?: boolean;
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
  /** Pre-LN encoder (large models) rather than post-LN (base). The stored names are the same either way. */
  do_stable_layer_norm: boolean;
  apply_spec_augment: boolean;
  ctc_loss_reduction: 'sum' | 'mean';
  ctc_zero_infinity: boolean;
  use_weighted_layer_sum: boolean;
  classifier_proj_size: number;
  pad_token_id: number;
  bos_token_id: number;
  eos_token_id: number;
  /** Storage dtype HF recorded ('float32', 'float16', 'bfloat16'); transformers 5 writes `dtype` instead. */
  torch_dtype?: string;
  transformers_version?: string;
}

/** The shared fields of a preset, i.e. everything but model_type, architectures and the family's own fields. */
export type SpeechEncoderPresetFields = Omit<SpeechEncoderConfig, 'model_type' | 'architectures' | 'feat_proj_layer_norm'>;

/** The sizes every wav2vec2-style family has a preset for. */
export type SpeechEncoderSize = 'tiny' | 'base' | 'large';

/** HF's defaults (the base layout: post-LN, GroupNorm on conv 0, no conv bias), with the released checkpoints' dropouts. */
const BASE: SpeechEncoderPresetFields = {
  vocab_size: 32,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  hidden_dropout: 0.1,
  activation_dropout: 0.1,
  attention_dropout: 0.1,
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

/** The large layout (hubert-large-ls960-ft, wav2vec2-large-960h-lv60-self): pre-LN, LayerNorm on every conv layer, conv biases. */
const LARGE: SpeechEncoderPresetFields = {
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
 * A test model in the large layout. The conv stack keeps HF's 7 layers and the kernels/strides (total
 * stride 320: 20 ms frames at 16 kHz) so frame counts match the real models.
 */
const TINY: SpeechEncoderPresetFields = {
  ...LARGE,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 64,
  conv_dim: [32, 32, 32, 32, 32, 32, 32],
  num_conv_pos_embeddings: 16,
  num_conv_pos_embedding_groups: 4,
};

const SIZES: Readonly<Record<SpeechEncoderSize, SpeechEncoderPresetFields>> = { tiny: TINY, base: BASE, large: LARGE };

/** A fresh (deep) copy of the shared fields of a preset size, safe to modify. */
export function speechEncoderPresetFields(size: SpeechEncoderSize): SpeechEncoderPresetFields {
  return structuredClone(SIZES[size]);
}

/**
 * Reads the shared fields of a wav2vec2-style config.json, typed, with HF's defaults for absent
 * optional fields; the fields that decide tensor shapes are required, since a default there would
 * silently describe a different model. `modelType` and `architectures` are the family's (the config
 * must list at least one of them). Throws core ModelError naming `file` and the field.
 */
export function readSpeechEncoderConfig(
  raw: RawConfig,
  file: string,
  modelType: string,
  knownArchitectures: readonly string[],
): SpeechEncoderConfig {
  if (raw.model_type !== modelType) throw fieldError(file, 'model_type', `'${modelType}'`, raw.model_type);
  const architectures = readStringArray(raw, file, 'architectures');
  if (!knownArchitectures.some((a) => architectures.includes(a))) {
    const choices = knownArchitectures.map((a) => `'${a}'`).join(' or ');
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

  const result: SpeechEncoderConfig = {
    model_type: modelType,
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
    ...readSpecAugmentFields(raw, file),
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
