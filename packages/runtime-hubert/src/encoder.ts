/**
 * HubertEncoder (post-LN, do_stable_layer_norm false) and HubertEncoderStableLayerNorm (pre-LN), in
 * eval mode: dropout and LayerDrop are identities.
 */
import { Matrix, TensorEngine } from '@speechfold/core';
import { conv1d, framesToSignal, geluInPlace, geluScalar, layerNorm, linear, multiHeadAttention } from '@speechfold/nn';
import { EncoderLayerWeights, HubertWeights, NormWeights } from './weights';

/** a += b, elementwise; returns a. */
function addInPlace(a: Matrix, b: Matrix): Matrix {
  for (let i = 0; i < a.data.length; i++) a.data[i] += b.data[i];
  return a;
}

function norm(x: Matrix, weights: NormWeights, eps: number): Matrix {
  return layerNorm(x, weights.weight, weights.bias, eps);
}

/**
 * hidden + GELU(conv(hidden)): the grouped positional conv with padding kernel/2; an even kernel makes
 * one frame too many, and HF's HubertSamePadLayer drops the last.
 */
export async function addPositionalEmbedding(engine: TensorEngine, hidden: Matrix, weights: HubertWeights['posConv']): Promise<Matrix> {
  const kernel = weights.weight.shape[2];
  const conv = await conv1d(engine, framesToSignal(hidden), weights.weight, weights.bias, { padding: Math.floor(kernel / 2), groups: weights.groups });
  const { rows, cols } = hidden;
  const out = new Float32Array(hidden.data);
  // conv is [hidden, length >= frames]; only its first `rows` positions are kept.
  for (let c = 0; c < cols; c++) {
    const base = c * conv.length;
    for (let t = 0; t < rows; t++) {
      out[t * cols + c] += geluScalar(conv.data[base + t]);
    }
  }
  return { data: out, rows, cols };
}

/** Self-attention of one layer: projections, attention over the layer's own heads, output projection. */
async function selfAttention(engine: TensorEngine, x: Matrix, layer: EncoderLayerWeights): Promise<Matrix> {
  const q = await linear(engine, x, layer.q.weight, layer.q.bias);
  const k = await linear(engine, x, layer.k.weight, layer.k.bias);
  const v = await linear(engine, x, layer.v.weight, layer.v.bias);
  const context = await multiHeadAttention(engine, q, k, v, layer.heads, layer.headDim);
  return linear(engine, context, layer.out.weight, layer.out.bias);
}

/** intermediate_dense -> GELU -> output_dense. */
async function feedForward(engine: TensorEngine, x: Matrix, layer: EncoderLayerWeights): Promise<Matrix> {
  const inner = await linear(engine, x, layer.ffnIn.weight, layer.ffnIn.bias);
  geluInPlace(inner.data);
  return linear(engine, inner, layer.ffnOut.weight, layer.ffnOut.bias);
}

/** Post-LN layer (HubertEncoderLayer): LN(x + attn(x)), then LN(x + ffn(x)). */
async function postLnLayer(engine: TensorEngine, x: Matrix, layer: EncoderLayerWeights, eps: number): Promise<Matrix> {
  const h = norm(addInPlace(await selfAttention(engine, x, layer), x), layer.layerNorm, eps);
  return norm(addInPlace(await feedForward(engine, h, layer), h), layer.finalLayerNorm, eps);
}

/** Pre-LN layer (HubertEncoderLayerStableLayerNorm): x + attn(LN(x)), then x + ffn(LN(x)). */
async function preLnLayer(engine: TensorEngine, x: Matrix, layer: EncoderLayerWeights, eps: number): Promise<Matrix> {
  const h = addInPlace(await selfAttention(engine, norm(x, layer.layerNorm, eps), layer), x);
  return addInPlace(await feedForward(engine, norm(h, layer.finalLayerNorm, eps), layer), h);
}

/** The encoder on projected features [frames, hidden]: positional conv, the layers, the encoder LayerNorm. */
export async function encode(engine: TensorEngine, projected: Matrix, weights: HubertWeights, stableLayerNorm: boolean, eps: number): Promise<Matrix> {
  let x = await addPositionalEmbedding(engine, projected, weights.posConv);
  if (stableLayerNorm) {
    for (const layer of weights.layers) x = await preLnLayer(engine, x, layer, eps);
    return norm(x, weights.encoderNorm, eps);
  }
  x = norm(x, weights.encoderNorm, eps);
  for (const layer of weights.layers) x = await postLnLayer(engine, x, layer, eps);
  return x;
}
