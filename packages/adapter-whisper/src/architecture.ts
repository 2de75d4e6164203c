/**
 * The exact state-dict of WhisperForConditionalGeneration as HF saves it to safetensors: names and
 * shapes follow transformers' modeling_whisper.py, in module order. A compressed checkpoint
 * (extended export) differs only in its layers' widths.
 */
import type { LayerWidths, ParameterSpec } from '@speechfold/adapter-common';
import type { WhisperConfig } from './config';
import { stockWhisperWidths } from './widths';

type Add = (name: string, shape: number[]) => void;

/**
 * q/v/out projections carry a bias; k_proj has none (Whisper's attention keys are bias-free).
 * q/k/v rows and out_proj columns hold heads * head_dim (= d in a stock model).
 */
function attention(add: Add, base: string, d: number, heads: number, headDim: number): void {
  const inner = heads * headDim;
  add(`${base}.k_proj.weight`, [inner, d]);
  for (const proj of ['v_proj', 'q_proj']) {
    add(`${base}.${proj}.weight`, [inner, d]);
    add(`${base}.${proj}.bias`, [inner]);
  }
  add(`${base}.out_proj.weight`, [d, inner]);
  add(`${base}.out_proj.bias`, [d]);
}

function layerNorm(add: Add, base: string, d: number): void {
  add(`${base}.weight`, [d]);
  add(`${base}.bias`, [d]);
}

function feedForward(add: Add, base: string, d: number, ffn: number): void {
  add(`${base}.fc1.weight`, [ffn, d]);
  add(`${base}.fc1.bias`, [ffn]);
  add(`${base}.fc2.weight`, [d, ffn]);
  add(`${base}.fc2.bias`, [d]);
}

/**
 * Every parameter WhisperForConditionalGeneration stores for this config, in module order. `layers`
 * (encoder layers, then decoder layers) overrides the stock widths.
 */
export function whisperParameters(config: WhisperConfig, layers?: readonly LayerWidths[]): ParameterSpec[] {
  const widths = layers ?? stockWhisperWidths(config);
  const encoder = widths.filter((w) => w.stack === 'encoder');
  const decoder = widths.filter((w) => w.stack === 'decoder');
  const out: ParameterSpec[] = [];
  const add: Add = (name, shape) => {
    out.push({ name, shape });
  };
  const d = config.d_model;

  // Encoder: two convs (kernel 3; the second has stride 2), sinusoidal positions stored as a weight.
  add('model.encoder.conv1.weight', [d, config.num_mel_bins, 3]);
  add('model.encoder.conv1.bias', [d]);
  add('model.encoder.conv2.weight', [d, d, 3]);
  add('model.encoder.conv2.bias', [d]);
  add('model.encoder.embed_positions.weight', [config.max_source_positions, d]);
  for (const [l, w] of encoder.entries()) {
    const layer = `model.encoder.layers.${l}`;
    attention(add, `${layer}.self_attn`, d, w.selfAttentionHeads, w.headDim);
    layerNorm(add, `${layer}.self_attn_layer_norm`, d);
    feedForward(add, layer, d, w.ffnDim);
    layerNorm(add, `${layer}.final_layer_norm`, d);
  }
  layerNorm(add, 'model.encoder.layer_norm', d);

  add('model.decoder.embed_tokens.weight', [config.vocab_size, d]);
  add('model.decoder.embed_positions.weight', [config.max_target_positions, d]);
  for (const [l, w] of decoder.entries()) {
    const layer = `model.decoder.layers.${l}`;
    attention(add, `${layer}.self_attn`, d, w.selfAttentionHeads, w.headDim);
    layerNorm(add, `${layer}.self_attn_layer_norm`, d);
    // Cross-attention: queries from the decoder, keys and values from the encoder output (both d wide).
    attention(add, `${layer}.encoder_attn`, d, w.crossAttentionHeads ?? w.selfAttentionHeads, w.headDim);
    layerNorm(add, `${layer}.encoder_attn_layer_norm`, d);
    feedForward(add, layer, d, w.ffnDim);
    layerNorm(add, `${layer}.final_layer_norm`, d);
  }
  layerNorm(add, 'model.decoder.layer_norm', d);

  // proj_out is tied to embed_tokens and HF leaves tied weights out of the file.
  if (!config.tie_word_embeddings) add('proj_out.weight', [config.vocab_size, d]);
  return out;
}

/** Total number of stored values (parameters) of WhisperForConditionalGeneration for this config. */
export function parameterCount(config: WhisperConfig): number {
  let total = 0;
  for (const p of whisperParameters(config)) total += p.shape.reduce((a, b) => a * b, 1);
  return total;
}
