/**
 * The side files a Whisper checkpoint needs besides its weights: config, generation config, feature
 * extractor settings, and a byte-level BPE tokenizer that HF's WhisperTokenizer loads.
 */
import type { WhisperConfig, WhisperSpecialTokens } from '@speechfold/adapter-whisper';
import { whisperSuppressTokens } from '@speechfold/adapter-whisper';
import { writeJsonFile, writeTextFile } from './json-files';
import { buildWhisperVocabulary, type WhisperVocabulary } from './whisper-vocab';

/** WhisperFeatureExtractor's settings: 30 s windows of 16 kHz audio, 10 ms hops, 25 ms FFT. */
function preprocessorConfig(config: WhisperConfig): Record<string, unknown> {
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

/**
 * generation_config.json as OpenAI's checkpoints ship it (alignment heads left out: the weights are
 * random); English-only ones have no language or task tables.
 */
function generationConfig(
  config: WhisperConfig,
  t: WhisperSpecialTokens,
  transformersVersion: string
): Record<string, unknown> {
  return {
    begin_suppress_tokens: [220, t.endOfText],
    bos_token_id: t.endOfText,
    decoder_start_token_id: t.startOfTranscript,
    eos_token_id: t.endOfText,
    forced_decoder_ids: null,
    is_multilingual: t.multilingual,
    ...(t.multilingual ? { lang_to_id: Object.fromEntries(t.languages.map((l) => [`<|${l.code}|>`, l.id])) } : {}),
    max_initial_timestamp_index: 50,
    max_length: config.max_target_positions,
    no_timestamps_token_id: t.noTimestamps,
    pad_token_id: t.endOfText,
    prev_sot_token_id: t.startOfPrev,
    return_timestamps: false,
    suppress_tokens: whisperSuppressTokens(t),
    ...(t.multilingual ? { task_to_id: { transcribe: t.transcribe, translate: t.translate } } : {}),
    transformers_version: transformersVersion,
  };
}

/** tokenizer_config.json: WhisperTokenizer with <|endoftext|> as bos/eos/unk/pad, and every added token described. */
function tokenizerConfig(v: WhisperVocabulary): Record<string, unknown> {
  const decoder: Record<string, unknown> = {};
  for (const t of v.added) {
    decoder[String(t.id)] = {
      content: t.content,
      lstrip: false,
      normalized: !t.special,
      rstrip: false,
      single_word: false,
      special: t.special,
    };
  }
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: decoder,
    additional_special_tokens: v.additionalSpecial,
    bos_token: '<|endoftext|>',
    clean_up_tokenization_spaces: true,
    eos_token: '<|endoftext|>',
    errors: 'replace',
    model_max_length: 1024,
    pad_token: '<|endoftext|>',
    processor_class: 'WhisperProcessor',
    return_attention_mask: false,
    tokenizer_class: 'WhisperTokenizer',
    unk_token: '<|endoftext|>',
  };
}

/** Writes config.json (already complete), generation and preprocessor configs; returns the file names. */
export async function writeWhisperConfigFiles(
  dir: string,
  config: WhisperConfig,
  special: WhisperSpecialTokens,
  transformersVersion: string
): Promise<string[]> {
  return [
    await writeJsonFile(dir, 'config.json', config),
    await writeJsonFile(dir, 'generation_config.json', generationConfig(config, special, transformersVersion)),
    await writeJsonFile(dir, 'preprocessor_config.json', preprocessorConfig(config)),
  ];
}

/** Writes vocab.json, merges.txt, added_tokens.json, special_tokens_map.json and tokenizer_config.json. */
export async function writeWhisperTokenizerFiles(dir: string, special: WhisperSpecialTokens): Promise<string[]> {
  const v = buildWhisperVocabulary(special);
  const vocab = Object.fromEntries(v.tokens.map((token, id) => [token, id]));
  // HF's reader drops the first line (the version header) and the last (empty after the final newline).
  const merges = `#version: 0.2\n${v.merges.join('\n')}\n`;
  const endOfText = '<|endoftext|>';
  return [
    await writeJsonFile(dir, 'vocab.json', vocab),
    await writeTextFile(dir, 'merges.txt', merges),
    await writeJsonFile(dir, 'added_tokens.json', Object.fromEntries(v.added.map((t) => [t.content, t.id]))),
    await writeJsonFile(dir, 'special_tokens_map.json', {
      additional_special_tokens: v.additionalSpecial,
      bos_token: endOfText,
      eos_token: endOfText,
      pad_token: endOfText,
      unk_token: endOfText,
    }),
    await writeJsonFile(dir, 'tokenizer_config.json', tokenizerConfig(v)),
  ];
}
