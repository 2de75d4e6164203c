/**
 * Checks a parsed wav2vec2 config.json and returns it typed, with HF's defaults for absent optional
 * fields: the fields shared with HuBERT through @speechfold/adapter-common's `readSpeechEncoderConfig`
 * (those that decide shapes required), then wav2vec2's own. What would store tensors this adapter does
 * not describe is refused naming the field: `add_adapter: true` (the convolutional adapter) and a
 * non-null `adapter_attn_dim` (MMS attention adapters). The quantizer / codevector / TDNN fields only
 * matter to Wav2Vec2ForPreTraining and Wav2Vec2ForXVector, so they are tolerated (type-checked).
 */
import {
  asRawConfig,
  fieldError,
  readBool,
  readInt,
  readIntArray,
  readNumber,
  readSpeechEncoderConfig,
  type RawConfig,
  type SpeechEncoderFamily,
} from '@speechfold/adapter-common';
import type { Wav2Vec2Config } from './config';

/** The classes this adapter describes: the CTC model and the bare encoder (no head, no 'wav2vec2.' prefix). */
export const WAV2VEC2_ARCHITECTURES = ['Wav2Vec2ForCTC', 'Wav2Vec2Model'] as const;

/** A field HF stores as `int | None` (None: `fallback`). */
function readOptionalInt(raw: RawConfig, file: string, field: string, fallback: number): number {
  return raw[field] === null ? fallback : readInt(raw, file, field, 1, fallback);
}

/** Validates a parsed config.json (`file` names it in errors) and returns it as a Wav2Vec2Config. */
export function validateWav2Vec2Config(config: unknown, file: string): Wav2Vec2Config {
  const raw = asRawConfig(config, file);
  const shared = readSpeechEncoderConfig(raw, file, 'wav2vec2', WAV2VEC2_ARCHITECTURES);
  if (readBool(raw, file, 'add_adapter', false)) {
    throw fieldError(file, 'add_adapter', 'false (the convolutional adapter on top of the encoder is not supported)', raw.add_adapter);
  }
  if (raw.adapter_attn_dim !== undefined && raw.adapter_attn_dim !== null) {
    throw fieldError(file, 'adapter_attn_dim', 'null (attention adapters, as in MMS, are not supported)', raw.adapter_attn_dim);
  }
  const count = (field: string, fallback: number): number => readInt(raw, file, field, 0, fallback);
  const real = (field: string, fallback: number): number => readNumber(raw, file, field, 0, Number.MAX_VALUE, fallback);
  return {
    ...shared,
    model_type: 'wav2vec2',
    feat_quantizer_dropout: readNumber(raw, file, 'feat_quantizer_dropout', 0, 1, 0),
    num_codevectors_per_group: count('num_codevectors_per_group', 320),
    num_codevector_groups: count('num_codevector_groups', 2),
    contrastive_logits_temperature: real('contrastive_logits_temperature', 0.1),
    num_negatives: count('num_negatives', 100),
    codevector_dim: count('codevector_dim', 256),
    proj_codevector_dim: count('proj_codevector_dim', 256),
    diversity_loss_weight: real('diversity_loss_weight', 0.1),
    tdnn_dim: readIntArray(raw, file, 'tdnn_dim', 1, [512, 512, 512, 512, 1500]),
    tdnn_kernel: readIntArray(raw, file, 'tdnn_kernel', 1, [5, 3, 3, 1, 1]),
    tdnn_dilation: readIntArray(raw, file, 'tdnn_dilation', 1, [1, 2, 3, 1, 1]),
    xvector_output_dim: count('xvector_output_dim', 512),
    add_adapter: false,
    adapter_kernel_size: count('adapter_kernel_size', 3),
    adapter_stride: count('adapter_stride', 2),
    num_adapter_layers: count('num_adapter_layers', 3),
    output_hidden_size: readOptionalInt(raw, file, 'output_hidden_size', shared.hidden_size),
    adapter_attn_dim: null,
  };
}

/** wav2vec2 as a speech encoder family: what the shared architecture, groups, rewrite and adapter need. */
export const WAV2VEC2_FAMILY: SpeechEncoderFamily<Wav2Vec2Config> = {
  modelType: 'wav2vec2',
  ctcArchitecture: 'Wav2Vec2ForCTC',
  bareArchitecture: 'Wav2Vec2Model',
  prefix: 'wav2vec2.',
  readConfig: validateWav2Vec2Config,
};
