/**
 * Checks a parsed Whisper config.json and returns it typed, with HF's defaults for absent optional
 * fields. The fields that decide tensor shapes are required, since a default there would silently
 * describe a different model.
 */
import { ModelError } from '@speechfold/core';
import {
  asRawConfig,
  fieldError,
  readBool,
  readInt,
  readLayerCount,
  readNumber,
  readString,
  readSpecAugmentFields,
  readStringArray,
  type RawConfig,
} from '@speechfold/adapter-common';
import type { ForcedDecoderId, WhisperConfig } from './config';

const SUPPORTED_ARCHITECTURE = 'WhisperForConditionalGeneration';

/** A token-id list that HF also accepts as null (absent). */
function readIdList(raw: RawConfig, file: string, field: string, fallback: number[] | null): number[] | null {
  const value = raw[field];
  if (value === undefined) return fallback === null ? null : [...fallback];
  if (value === null) return null;
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v) && v >= 0)) {
    throw fieldError(file, field, 'null or an array of token ids', value);
  }
  return [...(value as number[])];
}

function readForcedDecoderIds(raw: RawConfig, file: string): ForcedDecoderId[] | null {
  const value = raw.forced_decoder_ids;
  if (value === undefined || value === null) return null;
  const ok =
    Array.isArray(value) &&
    value.every(
      (pair) =>
        Array.isArray(pair) &&
        pair.length === 2 &&
        Number.isInteger(pair[0]) &&
        (pair[1] === null || Number.isInteger(pair[1]))
    );
  if (!ok) throw fieldError(file, 'forced_decoder_ids', 'null or a list of [position, token id] pairs', value);
  return (value as ForcedDecoderId[]).map(([i, id]) => [i, id]);
}

function readHeads(raw: RawConfig, file: string, field: string, d: number): number {
  const heads = readInt(raw, file, field, 1);
  if (d % heads !== 0) throw new ModelError({ file }, `field '${field}': ${heads} does not divide d_model ${d}`);
  return heads;
}

/** Validates a parsed config.json (`file` names it in errors) and returns it as a WhisperConfig. */
export function validateWhisperConfig(config: unknown, file: string): WhisperConfig {
  const raw = asRawConfig(config, file);
  if (raw.model_type !== 'whisper') throw fieldError(file, 'model_type', "'whisper'", raw.model_type);
  const architectures = readStringArray(raw, file, 'architectures');
  if (!architectures.includes(SUPPORTED_ARCHITECTURE)) {
    throw fieldError(file, 'architectures', `a list containing '${SUPPORTED_ARCHITECTURE}'`, architectures);
  }
  const d = readInt(raw, file, 'd_model', 1);
  const encoderLayers = readLayerCount(raw, file, 'encoder_layers');
  const vocab = readInt(raw, file, 'vocab_size', 1);
  const tokenId = (field: string, fallback: number): number => {
    const id = readInt(raw, file, field, 0, fallback);
    if (id >= vocab) throw fieldError(file, field, `a token id below vocab_size ${vocab}`, id);
    return id;
  };

  const result: WhisperConfig = {
    model_type: 'whisper',
    architectures,
    vocab_size: vocab,
    num_mel_bins: readInt(raw, file, 'num_mel_bins', 1),
    d_model: d,
    encoder_layers: encoderLayers,
    encoder_attention_heads: readHeads(raw, file, 'encoder_attention_heads', d),
    decoder_layers: readLayerCount(raw, file, 'decoder_layers'),
    decoder_attention_heads: readHeads(raw, file, 'decoder_attention_heads', d),
    encoder_ffn_dim: readInt(raw, file, 'encoder_ffn_dim', 1),
    decoder_ffn_dim: readInt(raw, file, 'decoder_ffn_dim', 1),
    encoder_layerdrop: readNumber(raw, file, 'encoder_layerdrop', 0, 1, 0),
    decoder_layerdrop: readNumber(raw, file, 'decoder_layerdrop', 0, 1, 0),
    num_hidden_layers: readLayerCount(raw, file, 'num_hidden_layers', 1, encoderLayers),
    activation_function: readString(raw, file, 'activation_function', 'gelu'),
    dropout: readNumber(raw, file, 'dropout', 0, 1, 0),
    attention_dropout: readNumber(raw, file, 'attention_dropout', 0, 1, 0),
    activation_dropout: readNumber(raw, file, 'activation_dropout', 0, 1, 0),
    init_std: readNumber(raw, file, 'init_std', 0, Number.MAX_VALUE, 0.02),
    scale_embedding: readBool(raw, file, 'scale_embedding', false),
    max_source_positions: readInt(raw, file, 'max_source_positions', 1),
    max_target_positions: readInt(raw, file, 'max_target_positions', 1),
    pad_token_id: tokenId('pad_token_id', 50256),
    bos_token_id: tokenId('bos_token_id', 50257),
    eos_token_id: tokenId('eos_token_id', 50256),
    decoder_start_token_id: tokenId('decoder_start_token_id', 50257),
    begin_suppress_tokens: readIdList(raw, file, 'begin_suppress_tokens', [220, 50256]),
    suppress_tokens: readIdList(raw, file, 'suppress_tokens', null),
    forced_decoder_ids: readForcedDecoderIds(raw, file),
    use_cache: readBool(raw, file, 'use_cache', true),
    is_encoder_decoder: readBool(raw, file, 'is_encoder_decoder', true),
    tie_word_embeddings: readBool(raw, file, 'tie_word_embeddings', true),
    use_weighted_layer_sum: readBool(raw, file, 'use_weighted_layer_sum', false),
    classifier_proj_size: readInt(raw, file, 'classifier_proj_size', 1, 256),
    apply_spec_augment: readBool(raw, file, 'apply_spec_augment', false),
    ...readSpecAugmentFields(raw, file),
    median_filter_width: readInt(raw, file, 'median_filter_width', 1, 7),
  };
  if (result.num_hidden_layers !== encoderLayers) {
    throw fieldError(
      file,
      'num_hidden_layers',
      `${encoderLayers} (HF mirrors encoder_layers)`,
      result.num_hidden_layers
    );
  }
  if (raw.max_length !== undefined) result.max_length = readInt(raw, file, 'max_length', 1);
  if (raw.torch_dtype !== undefined) result.torch_dtype = readString(raw, file, 'torch_dtype');
  if (raw.transformers_version !== undefined)
    result.transformers_version = readString(raw, file, 'transformers_version');
  return result;
}
