/**
 * The exact state-dict of Wav2Vec2ForCTC / Wav2Vec2Model as transformers 5's save_pretrained writes
 * it (modeling_wav2vec2.py): @speechfold/adapter-common's `speechEncoderParameters` under the
 * 'wav2vec2.' prefix, in module order. The positional conv is listed as `weight_g` / `weight_v`;
 * files written by torch >= 2.1 name them `conv.parametrizations.weight.original0` / `original1`, and
 * validation accepts both. A compressed checkpoint (extended export) differs only in its layers' widths.
 */
import {
  defaultSpeechEncoderLayout,
  speechEncoderLayerWidths,
  speechEncoderParameters,
  type LayerWidths,
  type ParameterSpec,
  type SpeechEncoderLayout,
} from '@speechfold/adapter-common';
import type { Wav2Vec2Config } from './config';
import { WAV2VEC2_FAMILY } from './validate';

/**
 * How a checkpoint stores wav2vec2: `prefix` 'wav2vec2.' in Wav2Vec2ForCTC files, '' in Wav2Vec2Model
 * files; `ctcHead` whether lm_head is stored; `layers` one entry of widths per encoder layer.
 */
export type Wav2Vec2Layout = SpeechEncoderLayout;

/**
 * Every parameter the checkpoint stores for this config, in module order. `layout` replaces the
 * default one (Wav2Vec2ForCTC or Wav2Vec2Model as `architectures` says, stock widths).
 */
export function wav2vec2Parameters(config: Wav2Vec2Config, layout?: Wav2Vec2Layout): ParameterSpec[] {
  return speechEncoderParameters(config, layout ?? defaultSpeechEncoderLayout(WAV2VEC2_FAMILY, config));
}

/**
 * The per-layer widths of a wav2vec2 config.json (stock, or an extended export's `speechfold` key),
 * checked; what a runtime builds each layer from. `file` names the config in errors.
 */
export function wav2vec2LayerWidths(config: unknown, file = 'config.json'): LayerWidths[] {
  return speechEncoderLayerWidths(WAV2VEC2_FAMILY, config, file);
}
