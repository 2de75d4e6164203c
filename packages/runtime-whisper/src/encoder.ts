/**
 * The Whisper encoder as HF's WhisperEncoder computes it in eval mode: two GELU convs over the
 * log-mel features (the second halves the frame rate), the stored sinusoidal positions, pre-LN
 * transformer layers, and a final LayerNorm. On the onnxruntime engine the same computation runs as
 * one graph (encoder-graph.ts) unless the model's encoderGraph is 'off'.
 */
import { MethodError, type Matrix } from '@speechfold/core';
import { conv1d, geluInPlace, layerNorm, linear, multiHeadAttention, signalToFrames } from '@speechfold/nn';
import { encodeWithGraph, encoderSession } from './encoder-graph';
import { feedForward } from './feed-forward';
import { LAYER_NORM_EPS, type AttentionWeights, type EncoderLayerWeights, type WhisperModel } from './model';
import { addInPlace, scaleInPlace } from './residual';

/** Self-attention of x [T, d]: [T, d]. Queries are scaled after q_proj, as HF does, so the scores are not scaled again. */
async function encoderSelfAttention(model: WhisperModel, x: Matrix, w: AttentionWeights): Promise<Matrix> {
  const { engine } = model;
  const q = scaleInPlace(await linear(engine, x, w.q, w.qBias), w.headDim ** -0.5);
  const k = await linear(engine, x, w.k);
  const v = await linear(engine, x, w.v, w.vBias);
  const context = await multiHeadAttention(engine, q, k, v, w.heads, w.headDim, { scale: 1 });
  return linear(engine, context, w.out, w.outBias);
}

async function encoderLayer(model: WhisperModel, h: Matrix, w: EncoderLayerWeights): Promise<Matrix> {
  addInPlace(h, await encoderSelfAttention(model, layerNorm(h, w.selfAttnNorm.weight, w.selfAttnNorm.bias, LAYER_NORM_EPS), w.selfAttn));
  addInPlace(h, await feedForward(model, layerNorm(h, w.finalNorm.weight, w.finalNorm.bias, LAYER_NORM_EPS), w.ffn));
  return h;
}

/**
 * Encodes log-mel features [num_mel_bins, 2 * max_source_positions] (rows are mel bins: 80 x 3000
 * for 30 s) into the encoder output [max_source_positions, d_model] (1500 x d).
 */
export async function encode(model: WhisperModel, features: Matrix): Promise<Matrix> {
  const { config, weights, engine } = model;
  const frames = 2 * config.max_source_positions;
  if (features.rows !== config.num_mel_bins || features.cols !== frames || features.data.length !== features.rows * features.cols) {
    throw new MethodError(
      {},
      `encode: expected log-mel features [${config.num_mel_bins}, ${frames}] (pad or trim to 30 s), got [${features.rows}, ${features.cols}]`,
    );
  }
  // One onnxruntime graph for the whole encoder when the engine runs graphs (see encoder-graph.ts).
  const session = encoderSession(model);
  if (session !== undefined) return encodeWithGraph(await session, model, features);
  const input = { channels: features.rows, length: features.cols, data: features.data };
  const c1 = await conv1d(engine, input, weights.conv1, weights.conv1Bias, { padding: 1 });
  geluInPlace(c1.data);
  const c2 = await conv1d(engine, c1, weights.conv2, weights.conv2Bias, { stride: 2, padding: 1 });
  geluInPlace(c2.data);
  // Channel-major conv output to time-major frames, plus every position's embedding.
  let h = signalToFrames(c2);
  addInPlace(h, { data: weights.encoderPositions.data, rows: h.rows, cols: h.cols });
  for (const layer of weights.encoderLayers) h = await encoderLayer(model, h, layer);
  return layerNorm(h, weights.encoderNorm.weight, weights.encoderNorm.bias, LAYER_NORM_EPS);
}
