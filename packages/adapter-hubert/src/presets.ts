/**
 * Named HuBERT configurations: the real hub checkpoints' dimensions, and one tiny model for tests.
 */
import { speechEncoderPresetFields, type SpeechEncoderSize } from '@speechfold/adapter-common';
import type { HubertConfig } from './config';

/** Preset ids. */
export type HubertPresetId = 'hubert-tiny' | 'hubert-base' | 'hubert-large';

/** HubertForCTC in one of the shared sizes (HF's HubertConfig defaults are the base layout). */
function hubertOf(size: SpeechEncoderSize): HubertConfig {
  return { model_type: 'hubert', architectures: ['HubertForCTC'], feat_proj_layer_norm: true, ...speechEncoderPresetFields(size) };
}

/** The presets by id. Treat as read-only; `hubertPreset` hands out copies. */
export const HUBERT_PRESETS: Readonly<Record<HubertPresetId, HubertConfig>> = {
  // A test model in the hubert-large-ls960-ft layout: hidden 32, 2 layers, 4 heads, FFN 64, HF's 7 conv layers.
  'hubert-tiny': hubertOf('tiny'),
  // facebook/hubert-base-ls960 dimensions with a 32-symbol CTC head added.
  'hubert-base': hubertOf('base'),
  // facebook/hubert-large-ls960-ft: pre-LN encoder, LayerNorm on every conv layer, conv biases.
  'hubert-large': hubertOf('large'),
};

/** A fresh (deep) copy of a preset, safe to modify. */
export function hubertPreset(id: HubertPresetId): HubertConfig {
  return structuredClone(HUBERT_PRESETS[id]);
}
