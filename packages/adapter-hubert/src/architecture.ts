/**
 * The exact state-dict of HubertForCTC / HubertModel as stored in hub safetensors files: names and
 * shapes follow HF transformers' modeling_hubert.py (which reuses the wav2vec2 modules), in module
 * order. A compressed checkpoint (extended export) differs only in its layers' widths.
 */
import type { LayerWidths, ParameterSpec } from '@speechfold/adapter-common';
import type { HubertConfig } from './config';
import { stockHubertWidths } from './widths';

/** How a checkpoint stores HuBERT: name prefix, head, and each encoder layer's widths. */
export interface HubertLayout {
  /** 'hubert.' in HubertForCTC files; '' in HubertModel files (the bare model is the whole state-dict). */
  prefix: string;
  /** Whether lm_head (the CTC head) is stored. */
  ctcHead: boolean;
  /** One entry per encoder layer. */
  layers: LayerWidths[];
}

/** The layout HF's save_pretrained writes for this config: HubertForCTC with its prefix and head, else HubertModel. */
export function defaultHubertLayout(config: HubertConfig): HubertLayout {
  const ctc = config.architectures.includes('HubertForCTC');
  return { prefix: ctc ? 'hubert.' : '', ctcHead: ctc, layers: stockHubertWidths(config) };
}

/**
 * Every parameter the checkpoint stores for this config, in module order. `layout` overrides the
 * default one (HubertForCTC or HubertModel as `architectures` says, stock widths).
 */
export function hubertParameters(config: HubertConfig, layout: Partial<HubertLayout> = {}): ParameterSpec[] {
  const stock = defaultHubertLayout(config);
  const prefix = layout.prefix ?? stock.prefix;
  const ctcHead = layout.ctcHead ?? stock.ctcHead;
  const layers = layout.layers ?? stock.layers;
  const out: ParameterSpec[] = [];
  const add = (name: string, shape: number[]): void => {
    out.push({ name, shape });
  };
  const hidden = config.hidden_size;

  // Feature encoder: Conv1d(in, out, kernel) per layer; the first reads the raw waveform (1 channel).
  config.conv_dim.forEach((outDim, i) => {
    const inDim = i === 0 ? 1 : config.conv_dim[i - 1];
    const base = `${prefix}feature_extractor.conv_layers.${i}`;
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
    add(`${prefix}feature_projection.layer_norm.weight`, [convOut]);
    add(`${prefix}feature_projection.layer_norm.bias`, [convOut]);
  }
  add(`${prefix}feature_projection.projection.weight`, [hidden, convOut]);
  add(`${prefix}feature_projection.projection.bias`, [hidden]);

  // Only created when SpecAugment can mask, so fine-tuned and pretrained checkpoints differ here.
  if (config.mask_time_prob > 0 || config.mask_feature_prob > 0) add(`${prefix}masked_spec_embed`, [hidden]);

  // Positional conv with weight norm over dim 2: g is [1, 1, kernel], v the full grouped weight.
  // These are the names the hub files use; torch >= 2.1 parametrizations call them
  // conv.parametrizations.weight.original0/original1 in memory and HF renames them on load.
  const pos = `${prefix}encoder.pos_conv_embed.conv`;
  const kernel = config.num_conv_pos_embeddings;
  add(`${pos}.weight_g`, [1, 1, kernel]);
  add(`${pos}.weight_v`, [hidden, hidden / config.num_conv_pos_embedding_groups, kernel]);
  add(`${pos}.bias`, [hidden]);
  add(`${prefix}encoder.layer_norm.weight`, [hidden]);
  add(`${prefix}encoder.layer_norm.bias`, [hidden]);

  // Post-LN (base) and pre-LN (large, do_stable_layer_norm) layers store the same tensors.
  for (const [l, widths] of layers.entries()) {
    const layer = `${prefix}encoder.layers.${l}`;
    // q/k/v rows and out_proj columns hold heads * head_dim: hidden_size in a stock model.
    const inner = widths.selfAttentionHeads * widths.headDim;
    for (const proj of ['k_proj', 'v_proj', 'q_proj']) {
      add(`${layer}.attention.${proj}.weight`, [inner, hidden]);
      add(`${layer}.attention.${proj}.bias`, [inner]);
    }
    add(`${layer}.attention.out_proj.weight`, [hidden, inner]);
    add(`${layer}.attention.out_proj.bias`, [hidden]);
    add(`${layer}.layer_norm.weight`, [hidden]);
    add(`${layer}.layer_norm.bias`, [hidden]);
    add(`${layer}.feed_forward.intermediate_dense.weight`, [widths.ffnDim, hidden]);
    add(`${layer}.feed_forward.intermediate_dense.bias`, [widths.ffnDim]);
    add(`${layer}.feed_forward.output_dense.weight`, [hidden, widths.ffnDim]);
    add(`${layer}.feed_forward.output_dense.bias`, [hidden]);
    add(`${layer}.final_layer_norm.weight`, [hidden]);
    add(`${layer}.final_layer_norm.bias`, [hidden]);
  }

  // CTC head: HuBERT has no adapter, so it reads hidden_size features. Never prefixed.
  if (ctcHead) {
    add('lm_head.weight', [config.vocab_size, hidden]);
    add('lm_head.bias', [config.vocab_size]);
  }
  return out;
}

/** Total number of stored values (parameters) for this config (HubertForCTC or HubertModel, stock widths). */
export function parameterCount(config: HubertConfig): number {
  let total = 0;
  for (const p of hubertParameters(config)) total += p.shape.reduce((a, b) => a * b, 1);
  return total;
}
