/**
 * The Hugging Face side files of a Whisper checkpoint, as OpenAI's checkpoints on the hub ship them:
 * config.json's fixed fields, generation_config.json, preprocessor_config.json, and the slow
 * WhisperTokenizer's tokenizer_config.json, special_tokens_map.json and merges.txt. Builders return
 * the content; write JSON with writeCheckpointJson (sorted keys, as save_pretrained). Whoever writes a
 * checkpoint (synth, import-ctranslate2) supplies only what differs: dimensions, token ids, suppress
 * lists, alignment heads, the language table.
 */
import { specAugmentDefaults } from '@speechfold/adapter-common';
import type { WhisperConfig } from './config';
import type { WhisperSpecialTokens } from './tokens';

/** HF's rule (WhisperTokenizer, generate): a vocabulary of at least 51865 tokens is multilingual. */
const MULTILINGUAL_VOCAB_SIZE = 51865;

/** The text of Whisper's <|endoftext|>: bos, eos, unk and pad token of the tokenizer. */
export const WHISPER_END_OF_TEXT = '<|endoftext|>';

/** The config.json fields whisperConfigDefaults sets. */
export type WhisperConfigDefaults = Pick<
  WhisperConfig,
  | 'model_type'
  | 'architectures'
  | 'encoder_layerdrop'
  | 'decoder_layerdrop'
  | 'activation_function'
  | 'dropout'
  | 'attention_dropout'
  | 'activation_dropout'
  | 'init_std'
  | 'scale_embedding'
  | 'forced_decoder_ids'
  | 'use_cache'
  | 'is_encoder_decoder'
  | 'use_weighted_layer_sum'
  | 'classifier_proj_size'
  | 'apply_spec_augment'
  | 'mask_time_prob'
  | 'mask_time_length'
  | 'mask_time_min_masks'
  | 'mask_feature_prob'
  | 'mask_feature_length'
  | 'mask_feature_min_masks'
  | 'median_filter_width'
>;

/**
 * The config.json fields every OpenAI Whisper checkpoint has the same value for: the class, exact
 * GELU, unscaled embeddings, HF's defaults for the training-only fields (layer drop, dropouts,
 * SpecAugment, the classifier head) and no forced decoder ids (language and task are chosen at
 * generate() time from generation_config.json). A fresh object per call.
 */
export function whisperConfigDefaults(): WhisperConfigDefaults {
  return {
    model_type: 'whisper',
    architectures: ['WhisperForConditionalGeneration'],
    encoder_layerdrop: 0,
    decoder_layerdrop: 0,
    activation_function: 'gelu',
    dropout: 0,
    attention_dropout: 0,
    activation_dropout: 0,
    init_std: 0.02,
    scale_embedding: false,
    forced_decoder_ids: null,
    use_cache: true,
    is_encoder_decoder: true,
    use_weighted_layer_sum: false,
    classifier_proj_size: 256,
    apply_spec_augment: false,
    ...specAugmentDefaults(),
    median_filter_width: 7,
  };
}

/** The special-token ids generation_config.json names (a WhisperSpecialTokens layout has them all). */
export type WhisperGenerationTokens = Pick<
  WhisperSpecialTokens,
  'endOfText' | 'startOfTranscript' | 'translate' | 'transcribe' | 'startOfPrev' | 'noTimestamps'
>;

/** What generation_config.json holds that neither config.json nor the token ids give. */
export interface WhisperGenerationValues {
  /** Tokens never generated (whisperSuppressTokens for a stock layout). */
  suppressTokens: readonly number[];
  /** Tokens never generated first (whisperBeginSuppressTokens for a stock layout). */
  beginSuppressTokens: readonly number[];
  /** HF's lang_to_id, '<|en|>' -> id (whisperLangToId for a stock layout); written only for a multilingual vocabulary. */
  langToId: Readonly<Record<string, number>>;
  /** [decoder layer, head] pairs for word-level timestamps; the key is left out when absent. */
  alignmentHeads?: readonly (readonly [number, number])[];
  /** transformers release to record; the key is left out when absent. */
  transformersVersion?: string;
}

/** HF's lang_to_id from a layout's languages: '<|en|>' -> 50259, ... */
export function whisperLangToId(languages: readonly { code: string; id: number }[]): Record<string, number> {
  return Object.fromEntries(languages.map((l) => [`<|${l.code}|>`, l.id]));
}

/**
 * generation_config.json. A multilingual vocabulary (vocab_size >= 51865, HF's rule) gets
 * `is_multilingual: true`, lang_to_id and task_to_id; an English-only one (51864) gets
 * `is_multilingual: false` and neither table, as HF writes them.
 */
export function whisperGenerationConfig(
  config: Pick<WhisperConfig, 'vocab_size' | 'max_target_positions'>,
  t: WhisperGenerationTokens,
  values: WhisperGenerationValues
): Record<string, unknown> {
  const multilingual = config.vocab_size >= MULTILINGUAL_VOCAB_SIZE;
  const { alignmentHeads, transformersVersion } = values;
  return {
    ...(alignmentHeads ? { alignment_heads: alignmentHeads.map(([layer, head]) => [layer, head]) } : {}),
    begin_suppress_tokens: [...values.beginSuppressTokens],
    bos_token_id: t.endOfText,
    decoder_start_token_id: t.startOfTranscript,
    eos_token_id: t.endOfText,
    forced_decoder_ids: null,
    is_multilingual: multilingual,
    ...(multilingual
      ? { lang_to_id: { ...values.langToId }, task_to_id: { transcribe: t.transcribe, translate: t.translate } }
      : {}),
    max_initial_timestamp_index: 50,
    max_length: config.max_target_positions,
    no_timestamps_token_id: t.noTimestamps,
    pad_token_id: t.endOfText,
    prev_sot_token_id: t.startOfPrev,
    return_timestamps: false,
    suppress_tokens: [...values.suppressTokens],
    ...(transformersVersion !== undefined ? { transformers_version: transformersVersion } : {}),
  };
}

/** preprocessor_config.json: WhisperFeatureExtractor's 30 s windows of 16 kHz audio, 10 ms hops, 25 ms FFT. */
export function whisperPreprocessorConfig(config: Pick<WhisperConfig, 'num_mel_bins'>): Record<string, unknown> {
  return {
    chunk_length: 30,
    feature_extractor_type: 'WhisperFeatureExtractor',
    feature_size: config.num_mel_bins,
    hop_length: 160,
    n_fft: 400,
    n_samples: 480000,
    nb_max_frames: 3000,
    padding_side: 'right',
    padding_value: 0.0,
    processor_class: 'WhisperProcessor',
    return_attention_mask: false,
    sampling_rate: 16000,
  };
}

/** A token added after the BPE vocabulary; absent flags take HF's AddedToken defaults (normalized = !special). */
export interface WhisperAddedToken {
  id: number;
  content: string;
  special: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  single_word?: boolean;
}

/** HF's additional_special_tokens: the special added tokens other than <|endoftext|>, in id order. */
export function whisperAdditionalSpecialTokens(added: readonly WhisperAddedToken[]): string[] {
  return added
    .filter((t) => t.special && t.content !== WHISPER_END_OF_TEXT)
    .sort((a, b) => a.id - b.id)
    .map((t) => t.content);
}

/** special_tokens_map.json: <|endoftext|> as bos/eos/unk/pad, and the other special tokens. */
export function whisperSpecialTokensMap(added: readonly WhisperAddedToken[]): Record<string, unknown> {
  return {
    additional_special_tokens: whisperAdditionalSpecialTokens(added),
    bos_token: WHISPER_END_OF_TEXT,
    eos_token: WHISPER_END_OF_TEXT,
    pad_token: WHISPER_END_OF_TEXT,
    unk_token: WHISPER_END_OF_TEXT,
  };
}

/** Settings of tokenizer_config.json that differ between checkpoints. */
export interface WhisperTokenizerOptions {
  /**
   * OpenAI's hub files say true (the transformers 4 default); OpenAI's decoder never strips spaces
   * before punctuation, which is false (transformers 5 ignores it for BPE and warns when true).
   */
  cleanUpTokenizationSpaces: boolean;
}

/** tokenizer_config.json: WhisperTokenizer with <|endoftext|> as bos/eos/unk/pad, every added token described. */
export function whisperTokenizerConfig(
  added: readonly WhisperAddedToken[],
  options: WhisperTokenizerOptions
): Record<string, unknown> {
  const decoder: Record<string, unknown> = {};
  for (const t of added) {
    decoder[String(t.id)] = {
      content: t.content,
      lstrip: t.lstrip ?? false,
      normalized: t.normalized ?? !t.special,
      rstrip: t.rstrip ?? false,
      single_word: t.single_word ?? false,
      special: t.special,
    };
  }
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: decoder,
    additional_special_tokens: whisperAdditionalSpecialTokens(added),
    bos_token: WHISPER_END_OF_TEXT,
    clean_up_tokenization_spaces: options.cleanUpTokenizationSpaces,
    eos_token: WHISPER_END_OF_TEXT,
    errors: 'replace',
    model_max_length: 1024,
    pad_token: WHISPER_END_OF_TEXT,
    processor_class: 'WhisperProcessor',
    return_attention_mask: false,
    tokenizer_class: 'WhisperTokenizer',
    unk_token: WHISPER_END_OF_TEXT,
  };
}

/** merges.txt from "left right" lines in rank order: HF's slow reader drops the version header and the empty last line. */
export function whisperMergesText(merges: readonly string[]): string {
  return `#version: 0.2\n${merges.join('\n')}\n`;
}
