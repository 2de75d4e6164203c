/**
 * Named Whisper configurations with the real openai/* checkpoints' dimensions and token ids.
 */
import { whisperConfigDefaults } from './checkpoint-files';
import type { WhisperConfig } from './config';
import { whisperBeginSuppressTokens, whisperSpecialTokens, whisperSuppressTokens } from './tokens';

/** Preset ids. */
export type WhisperPresetId = 'whisper-tiny' | 'whisper-tiny.en' | 'whisper-base' | 'whisper-large-v3';

/** openai/whisper-tiny; the other presets change only what differs. */
const TINY: WhisperConfig = {
  ...whisperConfigDefaults(),
  vocab_size: 51865,
  num_mel_bins: 80,
  d_model: 384,
  encoder_layers: 4,
  encoder_attention_heads: 6,
  decoder_layers: 4,
  decoder_attention_heads: 6,
  encoder_ffn_dim: 1536,
  decoder_ffn_dim: 1536,
  num_hidden_layers: 4,
  max_source_positions: 1500,
  max_target_positions: 448,
  pad_token_id: 50257,
  bos_token_id: 50257,
  eos_token_id: 50257,
  decoder_start_token_id: 50258,
  begin_suppress_tokens: whisperBeginSuppressTokens(whisperSpecialTokens(51865)),
  suppress_tokens: whisperSuppressTokens(whisperSpecialTokens(51865)),
  tie_word_embeddings: true,
  max_length: 448,
};

/** openai/whisper-tiny.en: TINY's dimensions on the English-only (GPT-2) vocabulary, specials one id lower. */
const TINY_EN: WhisperConfig = {
  ...TINY,
  vocab_size: 51864,
  pad_token_id: 50256,
  bos_token_id: 50256,
  eos_token_id: 50256,
  decoder_start_token_id: 50257,
  begin_suppress_tokens: whisperBeginSuppressTokens(whisperSpecialTokens(51864)),
  suppress_tokens: whisperSuppressTokens(whisperSpecialTokens(51864)),
};

/** openai/whisper-base. */
const BASE: WhisperConfig = {
  ...TINY,
  d_model: 512,
  encoder_layers: 6,
  encoder_attention_heads: 8,
  decoder_layers: 6,
  decoder_attention_heads: 8,
  encoder_ffn_dim: 2048,
  decoder_ffn_dim: 2048,
  num_hidden_layers: 6,
};

/** openai/whisper-large-v3: 128 mel bins and a 100th language (vocab 51866); its config pads with 50256. */
const LARGE_V3: WhisperConfig = {
  ...TINY,
  vocab_size: 51866,
  num_mel_bins: 128,
  d_model: 1280,
  encoder_layers: 32,
  encoder_attention_heads: 20,
  decoder_layers: 32,
  decoder_attention_heads: 20,
  encoder_ffn_dim: 5120,
  decoder_ffn_dim: 5120,
  num_hidden_layers: 32,
  pad_token_id: 50256,
  suppress_tokens: whisperSuppressTokens(whisperSpecialTokens(51866)),
};

/** The presets by id. Treat as read-only; `whisperPreset` hands out copies. */
export const WHISPER_PRESETS: Readonly<Record<WhisperPresetId, WhisperConfig>> = {
  'whisper-tiny': TINY,
  'whisper-tiny.en': TINY_EN,
  'whisper-base': BASE,
  'whisper-large-v3': LARGE_V3,
};

/** A fresh (deep) copy of a preset, safe to modify. */
export function whisperPreset(id: WhisperPresetId): WhisperConfig {
  return structuredClone(WHISPER_PRESETS[id]);
}
