/**
 * A loaded Whisper model: its config, per-layer widths, fp32 weights grouped by module, generation
 * settings, tokenizer, and the engine its big products run on. Plain data; the computations live in
 * encoder.ts, decoder.ts and generate.ts.
 */
import type { Tensor, TensorEngine } from '@speechfold/core';
import type { LayerWidths, WhisperConfig } from '@speechfold/adapter-whisper';
import type { WhisperTokenizer } from './bpe';
import type { GenerationSettings } from './generation-config';

/** q/k/v/out projections of one attention block (k_proj has no bias in Whisper). */
export interface AttentionWeights {
  heads: number;
  headDim: number;
  q: Tensor;
  qBias: Tensor;
  k: Tensor;
  v: Tensor;
  vBias: Tensor;
  out: Tensor;
  outBias: Tensor;
}

/** A LayerNorm's scale and shift. */
export interface NormWeights {
  weight: Tensor;
  bias: Tensor;
}

/** fc1 -> GELU -> fc2. */
export interface FeedForwardWeights {
  fc1: Tensor;
  fc1Bias: Tensor;
  fc2: Tensor;
  fc2Bias: Tensor;
}

/** One pre-LN encoder layer. */
export interface EncoderLayerWeights {
  selfAttnNorm: NormWeights;
  selfAttn: AttentionWeights;
  finalNorm: NormWeights;
  ffn: FeedForwardWeights;
}

/** One pre-LN decoder layer: causal self-attention, cross-attention over the encoder output, FFN. */
export interface DecoderLayerWeights {
  selfAttnNorm: NormWeights;
  selfAttn: AttentionWeights;
  crossAttnNorm: NormWeights;
  crossAttn: AttentionWeights;
  finalNorm: NormWeights;
  ffn: FeedForwardWeights;
}

/** Every weight of WhisperForConditionalGeneration, in fp32. */
export interface WhisperWeights {
  conv1: Tensor;
  conv1Bias: Tensor;
  conv2: Tensor;
  conv2Bias: Tensor;
  encoderPositions: Tensor;
  encoderLayers: EncoderLayerWeights[];
  encoderNorm: NormWeights;
  embedTokens: Tensor;
  decoderPositions: Tensor;
  decoderLayers: DecoderLayerWeights[];
  decoderNorm: NormWeights;
  /** The vocabulary projection [vocab, d]: embed_tokens itself when tied (the usual case). */
  projOut: Tensor;
}

/** A Whisper checkpoint ready to run. */
export interface WhisperModel {
  config: WhisperConfig;
  /** Encoder layers, then decoder layers (stock widths, or an extended export's per-layer ones). */
  layers: LayerWidths[];
  weights: WhisperWeights;
  generation: GenerationSettings;
  tokenizer: WhisperTokenizer;
  engine: TensorEngine;
  /**
   * How encode() runs when the engine is onnxruntime: the whole encoder as one graph with fused
   * attention ('fused', the default), as one graph with plain MatMul/Softmax attention ('matmul'), or
   * one engine call per product as on every other engine ('off').
   */
  encoderGraph?: EncoderGraphMode;
  /**
   * How decodeStep runs when the engine is onnxruntime: each step as one graph with the keys and
   * values kept between steps as graph inputs/outputs ('on', the default; decoder-graph.ts), or the
   * per-op path with JS attention ('off').
   */
  decoderGraph?: DecoderGraphMode;
}

/** See WhisperModel.decoderGraph. */
export type DecoderGraphMode = 'on' | 'off';

/** See WhisperModel.encoderGraph. */
export type EncoderGraphMode = 'fused' | 'matmul' | 'off';

/** torch.nn.LayerNorm's default epsilon, which every Whisper norm uses. */
export const LAYER_NORM_EPS = 1e-5;
