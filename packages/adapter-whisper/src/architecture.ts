/**
 * The exact state-dict of WhisperForConditionalGeneration as HF saves it to safetensors: names and
 * shapes follow transformers' modeling_whisper.py, in module order.
 */
import type { WhisperConfig } from './config';

/** One stored parameter: its state-dict name and shape. */
export interface ParameterSpec {
  name: string;
  shape: number[];
}

type Add = (name: string, shape: number[]) => void;

/** q/v/out projections carry a bias; k_proj has none (Whisper's attention keys are bias-free). */
function attention(add: Add, base: string, d: number): void {
  add(`${base}.k_proj.weight`, [d, d]);
  for (const proj of ['v_proj', 'q_proj', 'out_proj']) {
    add(`${base}.${proj}.weight`, [d, d]);
    add(`${base}.${proj}.bias`, [d]);
  }
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

/** Every parameter WhisperForConditionalGeneration stores for this config, in module order. */
export function whisperParameters(config: WhisperConfig): ParameterSpec[] {
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
  for (let l = 0; l < config.encoder_layers; l++) {
    const layer = `model.encoder.layers.${l}`;
    attention(add, `${layer}.self_attn`, d);
    layerNorm(add, `${layer}.self_attn_layer_norm`, d);
    feedForward(add, layer, d, config.encoder_ffn_dim);
    layerNorm(add, `${layer}.final_layer_norm`, d);
  }
  layerNorm(add, 'model.encoder.layer_norm', d);

  add('model.decoder.embed_tokens.weight', [config.vocab_size, d]);
  add('model.decoder.embed_positions.weight', [config.max_target_positions, d]);
  for (let l = 0; l < config.decoder_layers; l++) {
    const layer = `model.decoder.layers.${l}`;
    attention(add, `${layer}.self_attn`, d);
    layerNorm(add, `${layer}.self_attn_layer_norm`, d);
    attention(add, `${layer}.encoder_attn`, d);
    layerNorm(add, `${layer}.encoder_attn_layer_norm`, d);
    feedForward(add, layer, d, config.decoder_ffn_dim);
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
