/**
 * Named wav2vec2 configurations: the real hub checkpoints' dimensions, and one tiny model for tests.
 */
import { speechEncoderPresetFields, type SpeechEncoderSize } from '@speechfold/adapter-common';
import type { Wav2Vec2Config } from './config';

/** Preset ids. */
export type Wav2Vec2PresetId = 'wav2vec2-tiny' | 'wav2vec2-base' | 'wav2vec2-large';

/** Wav2Vec2ForCTC in one of the shared sizes, with HF's defaults for wav2vec2's own fields. */
function wav2vec2Of(size: SpeechEncoderSize): Wav2Vec2Config {
  const shared = speechEncoderPresetFields(size);
  return {
    model_type: 'wav2vec2',
    architectures: ['Wav2Vec2ForCTC'],
    ...shared,
    feat_quantizer_dropout: 0,
    num_codevectors_per_group: 320,
    num_codevector_groups: 2,
    contrastive_logits_temperature: 0.1,
    num_negatives: 100,
    codevector_dim: 256,
    proj_codevector_dim: 256,
    diversity_loss_weight: 0.1,
    tdnn_dim: [512, 512, 512, 512, 1500],
    tdnn_kernel: [5, 3, 3, 1, 1],
    tdnn_dilation: [1, 2, 3, 1, 1],
    xvector_output_dim: 512,
    add_adapter: false,
    adapter_kernel_size: 3,
    adapter_stride: 2,
    num_adapter_layers: 3,
    output_hidden_size: shared.hidden_size,
    adapter_attn_dim: null,
  };
}

/** The presets by id. Treat as read-only; `wav2vec2Preset` hands out copies. */
export const WAV2VEC2_PRESETS: Readonly<Record<Wav2Vec2PresetId, Wav2Vec2Config>> = {
  // A test model in the large layout: hidden 32, 2 layers, 4 heads, FFN 64, HF's 7 conv layers.
  'wav2vec2-tiny': wav2vec2Of('tiny'),
  // facebook/wav2vec2-base-960h: post-LN encoder, GroupNorm on conv 0, no conv bias.
  'wav2vec2-base': wav2vec2Of('base'),
  // facebook/wav2vec2-large-960h-lv60-self: pre-LN encoder (do_stable_layer_norm), LayerNorm on every conv, conv biases.
  'wav2vec2-large': wav2vec2Of('large'),
};

/** A fresh (deep) copy of a preset, safe to modify. */
export function wav2vec2Preset(id: Wav2Vec2PresetId): Wav2Vec2Config {
  return structuredClone(WAV2VEC2_PRESETS[id]);
}
