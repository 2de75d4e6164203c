/**
 * HubertForCTC / HubertModel parameters read from a checkpoint into the structure the forward pass
 * walks. Names are HF's (adapter-hubert's hubertParameters); shapes were checked before reading.
 */
import { Tensor, TensorSource } from '@speechfold/core';
import type { HubertConfig, LayerWidths } from '@speechfold/adapter-hubert';
import { weightNormDim2 } from './weight-norm';

/** A Linear layer: weight [out, in], optional bias [out]. */
export interface LinearWeights {
  weight: Tensor;
  bias?: Tensor;
}

/** A LayerNorm or GroupNorm's scale and shift. */
export interface NormWeights {
  weight: Tensor;
  bias: Tensor;
}

/** One conv layer of the feature encoder. */
export interface ConvLayerWeights {
  /** [out, in, kernel]. */
  weight: Tensor;
  bias?: Tensor;
  stride: number;
  /** GroupNorm (layer 0 with feat_extract_norm 'group') or per-position LayerNorm ('layer'), or none. */
  norm?: { kind: 'group' | 'layer'; weights: NormWeights };
}

/** One transformer layer, with its own head count and FFN width (extended exports differ per layer). */
export interface EncoderLayerWeights {
  heads: number;
  headDim: number;
  q: LinearWeights;
  k: LinearWeights;
  v: LinearWeights;
  out: LinearWeights;
  layerNorm: NormWeights;
  ffnIn: LinearWeights;
  ffnOut: LinearWeights;
  finalLayerNorm: NormWeights;
}

/** Every parameter the forward pass uses. */
export interface HubertWeights {
  convLayers: ConvLayerWeights[];
  featureProjectionNorm?: NormWeights;
  featureProjection: LinearWeights;
  /** The effective (weight-normed) positional conv weight [hidden, hidden/groups, kernel]. */
  posConv: { weight: Tensor; bias: Tensor; groups: number };
  encoderNorm: NormWeights;
  layers: EncoderLayerWeights[];
  /** The CTC head (HubertForCTC only). */
  lmHead?: LinearWeights;
}

/** Reads one tensor as fp32 with its stored shape. */
async function read(source: TensorSource, name: string): Promise<Tensor> {
  return { shape: [...source.info(name).shape], data: await source.readFloat32(name) };
}

async function readLinear(source: TensorSource, name: string): Promise<LinearWeights> {
  return { weight: await read(source, `${name}.weight`), bias: source.has(`${name}.bias`) ? await read(source, `${name}.bias`) : undefined };
}

async function readNorm(source: TensorSource, name: string): Promise<NormWeights> {
  return { weight: await read(source, `${name}.weight`), bias: await read(source, `${name}.bias`) };
}

/** g and v of the positional conv under either of torch's names (classic weight_norm or parametrizations). */
async function readPosConv(source: TensorSource, base: string): Promise<{ g: Tensor; v: Tensor }> {
  if (source.has(`${base}.weight_g`)) return { g: await read(source, `${base}.weight_g`), v: await read(source, `${base}.weight_v`) };
  return {
    g: await read(source, `${base}.parametrizations.weight.original0`),
    v: await read(source, `${base}.parametrizations.weight.original1`),
  };
}

/**
 * Reads every parameter. `prefix` is 'hubert.' (HubertForCTC) or '' (HubertModel); `widths` gives each
 * layer's heads and FFN width; `ctcHead` whether lm_head is stored.
 */
export async function readHubertWeights(source: TensorSource, config: HubertConfig, widths: readonly LayerWidths[], prefix: string, ctcHead: boolean): Promise<HubertWeights> {
  const convLayers: ConvLayerWeights[] = [];
  for (let i = 0; i < config.conv_dim.length; i++) {
    const base = `${prefix}feature_extractor.conv_layers.${i}`;
    const layer: ConvLayerWeights = {
      weight: await read(source, `${base}.conv.weight`),
      bias: config.conv_bias ? await read(source, `${base}.conv.bias`) : undefined,
      stride: config.conv_stride[i],
    };
    if (config.feat_extract_norm === 'layer') layer.norm = { kind: 'layer', weights: await readNorm(source, `${base}.layer_norm`) };
    else if (i === 0) layer.norm = { kind: 'group', weights: await readNorm(source, `${base}.layer_norm`) };
    convLayers.push(layer);
  }
  const pos = `${prefix}encoder.pos_conv_embed.conv`;
  const { g, v } = await readPosConv(source, pos);
  const layers: EncoderLayerWeights[] = [];
  for (const [l, w] of widths.entries()) {
    const base = `${prefix}encoder.layers.${l}`;
    layers.push({
      heads: w.selfAttentionHeads,
      headDim: w.headDim,
      q: await readLinear(source, `${base}.attention.q_proj`),
      k: await readLinear(source, `${base}.attention.k_proj`),
      v: await readLinear(source, `${base}.attention.v_proj`),
      out: await readLinear(source, `${base}.attention.out_proj`),
      layerNorm: await readNorm(source, `${base}.layer_norm`),
      ffnIn: await readLinear(source, `${base}.feed_forward.intermediate_dense`),
      ffnOut: await readLinear(source, `${base}.feed_forward.output_dense`),
      finalLayerNorm: await readNorm(source, `${base}.final_layer_norm`),
    });
  }
  return {
    convLayers,
    featureProjectionNorm: config.feat_proj_layer_norm ? await readNorm(source, `${prefix}feature_projection.layer_norm`) : undefined,
    featureProjection: await readLinear(source, `${prefix}feature_projection.projection`),
    posConv: { weight: weightNormDim2(g, v), bias: await read(source, `${pos}.bias`), groups: config.num_conv_pos_embedding_groups },
    encoderNorm: await readNorm(source, `${prefix}encoder.layer_norm`),
    layers,
    lmHead: ctcHead ? await readLinear(source, 'lm_head') : undefined,
  };
}
