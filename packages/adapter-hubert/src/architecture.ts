/**
 * The exact state-dict of HubertForCTC as stored in hub safetensors files: names and shapes follow
 * HF transformers' modeling_hubert.py (which reuses the wav2vec2 modules), in module order.
 */
import type { HubertConfig } from './config';

/** One stored parameter: its state-dict name and shape. */
export interface ParameterSpec {
  name: string;
  shape: number[];
}

const PREFIX = 'hubert.';

/** Every parameter HubertForCTC stores for this config, in module order. */
export function hubertParameters(config: HubertConfig): ParameterSpec[] {
  const out: ParameterSpec[] = [];
  const add = (name: string, shape: number[]): void => {
    out.push({ name, shape });
  };
  const hidden = config.hidden_size;

  // Feature encoder: Conv1d(in, out, kernel) per layer; the first reads the raw waveform (1 channel).
  config.conv_dim.forEach((outDim, i) => {
    const inDim = i === 0 ? 1 : config.conv_dim[i - 1];
    const base = `${PREFIX}feature_extractor.conv_layers.${i}`;
    add(`${base}.conv.weight`, [outDim, inDim, config.conv_kernel[i]]);
    if (config.conv_bias) add(`${base}.conv.bias`, [outDim]);
    // 'layer': LayerNorm after every conv. 'group': GroupNorm (still named layer_norm) on layer 0 only.
    if (config.feat_extract_norm === 'layer' || i === 0) {
      add(`${base}.layer_norm.weight`, [outDim]);
      add(`${base}.layer_norm.bias`, [outDim]);
    }
  });

  const convOut = config.conv_dim[config.conv_dim.length - 1];
  if (config.feat_proj_layer_norm) {
    add(`${PREFIX}feature_projection.layer_norm.weight`, [convOut]);
    add(`${PREFIX}feature_projection.layer_norm.bias`, [convOut]);
  }
  add(`${PREFIX}feature_projection.projection.weight`, [hidden, convOut]);
  add(`${PREFIX}feature_projection.projection.bias`, [hidden]);

  // Only created when SpecAugment can mask, so fine-tuned and pretrained checkpoints differ here.
  if (config.mask_time_prob > 0 || config.mask_feature_prob > 0) add(`${PREFIX}masked_spec_embed`, [hidden]);

  // Positional conv with weight norm over dim 2: g is [1, 1, kernel], v the full grouped weight.
  // These are the names the hub files use; torch >= 2.1 parametrizations call them
  // conv.parametrizations.weight.original0/original1 in memory and HF renames them on load.
  const pos = `${PREFIX}encoder.pos_conv_embed.conv`;
  const kernel = config.num_conv_pos_embeddings;
  add(`${pos}.weight_g`, [1, 1, kernel]);
  add(`${pos}.weight_v`, [hidden, hidden / config.num_conv_pos_embedding_groups, kernel]);
  add(`${pos}.bias`, [hidden]);
  add(`${PREFIX}encoder.layer_norm.weight`, [hidden]);
  add(`${PREFIX}encoder.layer_norm.bias`, [hidden]);

  for (let l = 0; l < config.num_hidden_layers; l++) {
    const layer = `${PREFIX}encoder.layers.${l}`;
    for (const proj of ['k_proj', 'v_proj', 'q_proj', 'out_proj']) {
      add(`${layer}.attention.${proj}.weight`, [hidden, hidden]);
      add(`${layer}.attention.${proj}.bias`, [hidden]);
    }
    add(`${layer}.layer_norm.weight`, [hidden]);
    add(`${layer}.layer_norm.bias`, [hidden]);
    add(`${layer}.feed_forward.intermediate_dense.weight`, [config.intermediate_size, hidden]);
    add(`${layer}.feed_forward.intermediate_dense.bias`, [config.intermediate_size]);
    add(`${layer}.feed_forward.output_dense.weight`, [hidden, config.intermediate_size]);
    add(`${layer}.feed_forward.output_dense.bias`, [hidden]);
    add(`${layer}.final_layer_norm.weight`, [hidden]);
    add(`${layer}.final_layer_norm.bias`, [hidden]);
  }

  // CTC head: HuBERT has no adapter, so it reads hidden_size features.
  add('lm_head.weight', [config.vocab_size, hidden]);
  add('lm_head.bias', [config.vocab_size]);
  return out;
}

/** Total number of stored values (parameters) of HubertForCTC for this config. */
export function parameterCount(config: HubertConfig): number {
  let total = 0;
  for (const p of hubertParameters(config)) total += p.shape.reduce((a, b) => a * b, 1);
  return total;
}
