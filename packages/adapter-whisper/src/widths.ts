/**
 * Each layer's FFN width and head counts (encoder layers, then decoder layers): from the stock fields
 * (every layer of a stack alike), or from the `speechfold` key of an extended export. This is what a
 * runtime needs to build a compressed model, and what validation checks the tensors against.
 */
import { readSpeechfoldKey, widthsFromKey, type LayerWidths } from '@speechfold/adapter-common';
import type { WhisperConfig } from './config';
import { validateWhisperConfig } from './validate';

/** The widths the stock fields state: encoder layers, then decoder layers (with cross-attention). */
export function stockWhisperWidths(config: WhisperConfig): LayerWidths[] {
  const encoder = Array.from({ length: config.encoder_layers }, (_, index) => ({
    stack: 'encoder',
    index,
    ffnDim: config.encoder_ffn_dim,
    selfAttentionHeads: config.encoder_attention_heads,
    headDim: config.d_model / config.encoder_attention_heads,
  }));
  // HF's decoder layers build both their self- and cross-attention with decoder_attention_heads.
  const decoder = Array.from({ length: config.decoder_layers }, (_, index) => ({
    stack: 'decoder',
    index,
    ffnDim: config.decoder_ffn_dim,
    selfAttentionHeads: config.decoder_attention_heads,
    crossAttentionHeads: config.decoder_attention_heads,
    headDim: config.d_model / config.decoder_attention_heads,
  }));
  return [...encoder, ...decoder];
}

/**
 * The per-layer widths of a Whisper config.json (stock or extended export), checked: the config as
 * validateWhisperConfig does, the key against the schema and the stock layer list. `file` names the
 * config in errors.
 */
export function whisperLayerWidths(config: unknown, file = 'config.json'): LayerWidths[] {
  const typed = validateWhisperConfig(config, file);
  const stock = stockWhisperWidths(typed);
  const key = readSpeechfoldKey(config as Record<string, unknown>, file);
  return key === null ? stock : widthsFromKey(key, stock, file);
}
