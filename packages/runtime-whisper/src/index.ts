export { loadWhisper, type LoadWhisperOptions } from './load';
export { buildEncoderGraph, type EncoderGraphOptions, type GraphAttention } from './encoder-graph';
export { encode } from './encoder';
export { decodeStep } from './decoder';
export { buildDecoderStepGraph, buildCrossKvGraph } from './decoder-graph';
export { createKvCache, type KvCache, type LayerCache } from './kv-cache';
export { greedyDecode, greedyDecodeBatch, transcribe, transcribeBatch, promptTokens, type GreedyOptions, type GreedyResult } from './generate';
export { WhisperTokenizer, type AddedToken, type TokenizerData, type DecodeOptions } from './bpe';
export { loadTokenizer } from './tokenizer-files';
export { readGenerationSettings, type GenerationSettings } from './generation-config';
export { BYTE_TO_CHAR, CHAR_TO_BYTE } from './byte-unicode';
export {
  LAYER_NORM_EPS,
  type WhisperModel,
  type EncoderGraphMode,
  type DecoderGraphMode,
  type WhisperWeights,
  type AttentionWeights,
  type NormWeights,
  type FeedForwardWeights,
  type EncoderLayerWeights,
  type DecoderLayerWeights,
} from './model';
