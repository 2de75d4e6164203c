/**
 * The Whisper decoder as HF's WhisperDecoder computes it in eval mode, one call per new token (or per
 * prompt) with a KV cache: token embedding plus learned positions,
 * pre-LN layers (causal self-attention, cross-attention over the encoder output, FFN), a final
 * LayerNorm, and logits against proj_out (= embed_tokens in a tied model).
 */
import { MethodError, type Matrix } from '@speechfold/core';
import { layerNorm, linear, matmulAuto } from '@speechfold/nn';
import { cachedAttention } from './cached-attention';
import { decodeStepWithGraph } from './decoder-graph';
import { feedForward } from './feed-forward';
import { writeHeads, type KvCache, type LayerCache } from './kv-cache';
import { LAYER_NORM_EPS, type DecoderLayerWeights, type WhisperModel } from './model';
import { addInPlace, scaleInPlace } from './residual';

/** Throws unless every id is in the vocabulary. */
export function checkTokenIds(model: WhisperModel, tokens: readonly number[]): void {
  const vocab = model.config.vocab_size;
  for (const id of tokens) {
    if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new MethodError({}, `decoder: token id ${id} is outside the vocabulary (0..${vocab - 1})`);
  }
}

/** Token embeddings of `tokens` at positions start, start + 1, ...: [T, d]. */
function embed(model: WhisperModel, tokens: readonly number[], start: number): Matrix {
  const { config, weights } = model;
  const d = config.d_model;
  // No sqrt(d_model) factor even when config.scale_embedding is set: HF's WhisperDecoder defines
  // embed_scale but never applies it (the parity fixture has a scale_embedding case).
  const tok = weights.embedTokens.data;
  const pos = weights.decoderPositions.data;
  const out = new Float32Array(tokens.length * d);
  checkTokenIds(model, tokens);
  tokens.forEach((id, i) => {
    const p = (start + i) * d;
    for (let c = 0; c < d; c++) out[i * d + c] = tok[id * d + c] + pos[p + c];
  });
  return { data: out, rows: tokens.length, cols: d };
}

/** Causal self-attention of the new rows x [T, d] over the cached tokens and themselves; stores their keys and values. */
async function selfAttentionStep(model: WhisperModel, x: Matrix, w: DecoderLayerWeights, cache: LayerCache, past: number, capacity: number): Promise<Matrix> {
  const { engine } = model;
  const a = w.selfAttn;
  const q = scaleInPlace(await linear(engine, x, a.q, a.qBias), a.headDim ** -0.5);
  writeHeads(cache.selfKeys, await linear(engine, x, a.k), a.headDim, capacity, past);
  writeHeads(cache.selfValues, await linear(engine, x, a.v, a.vBias), a.headDim, capacity, past);
  const cached = { keys: cache.selfKeys, values: cache.selfValues, stride: capacity, count: past + x.rows, causal: true };
  const context = cachedAttention(q, cached, a.heads, a.headDim);
  return linear(engine, context, a.out, a.outBias);
}

/** Cross-attention of x [T, d] over the utterance's cached encoder keys and values. */
async function crossAttentionStep(model: WhisperModel, x: Matrix, w: DecoderLayerWeights, cache: LayerCache, frames: number): Promise<Matrix> {
  const { engine } = model;
  const a = w.crossAttn;
  const q = scaleInPlace(await linear(engine, x, a.q, a.qBias), a.headDim ** -0.5);
  const cached = { keys: cache.crossKeys, values: cache.crossValues, stride: frames, count: frames, causal: false };
  const context = cachedAttention(q, cached, a.heads, a.headDim);
  return linear(engine, context, a.out, a.outBias);
}

/**
 * Runs the decoder on `tokens` (the prompt, then one token at a time) after the `cache.length`
 * tokens already cached, appends them to the cache, and returns their logits [T, vocab_size].
 */
export async function decodeStep(model: WhisperModel, cache: KvCache, tokens: readonly number[]): Promise<Matrix> {
  const { weights, engine, config } = model;
  const past = cache.length;
  if (tokens.length === 0) throw new MethodError({}, 'decoder: no tokens to decode');
  if (past + tokens.length > cache.capacity) {
    throw new MethodError({}, `decoder: ${past + tokens.length} tokens exceed max_target_positions ${cache.capacity}`);
  }
  if (cache.graph !== undefined) {
    checkTokenIds(model, tokens);
    const logits = await decodeStepWithGraph(cache.graph, model, [tokens], past);
    cache.length = past + tokens.length;
    return logits;
  }
  let h = embed(model, tokens, past);
  for (const [l, w] of weights.decoderLayers.entries()) {
    const layerCache = cache.layers[l];
    addInPlace(h, await selfAttentionStep(model, layerNorm(h, w.selfAttnNorm.weight, w.selfAttnNorm.bias, LAYER_NORM_EPS), w, layerCache, past, cache.capacity));
    addInPlace(h, await crossAttentionStep(model, layerNorm(h, w.crossAttnNorm.weight, w.crossAttnNorm.bias, LAYER_NORM_EPS), w, layerCache, cache.encoderFrames));
    addInPlace(h, await feedForward(model, layerNorm(h, w.finalNorm.weight, w.finalNorm.bias, LAYER_NORM_EPS), w.ffn));
  }
  cache.length = past + tokens.length;
  h = layerNorm(h, weights.decoderNorm.weight, weights.decoderNorm.bias, LAYER_NORM_EPS);
  const vocab: Matrix = { data: weights.projOut.data, rows: config.vocab_size, cols: config.d_model };
  return matmulAuto(engine, h, vocab, { transposeB: true });
}
