/**
 * HubertFeatureEncoder + HubertFeatureProjection: the conv stack turns a waveform into frames (20 ms
 * at 16 kHz with the stock strides), then LayerNorm (optional) and a Linear project them to hidden_size.
 */
import { Matrix, MethodError, TensorEngine } from '@speechfold/core';
import { channelLayerNorm, conv1d, conv1dOutputLength, geluInPlace, groupNorm, layerNorm, linear, Signal, signalToFrames } from '@speechfold/nn';
import { ConvLayerWeights, HubertWeights } from './weights';

/** torch's default eps: HF builds the conv layers' GroupNorm and LayerNorm without passing layer_norm_eps. */
const CONV_NORM_EPS = 1e-5;

/** Frames the conv stack makes of `samples` input values (0 when shorter than its receptive field). */
export function frameCount(samples: number, layers: readonly ConvLayerWeights[]): number {
  let length = samples;
  for (const layer of layers) length = conv1dOutputLength(length, layer.weight.shape[2], layer.stride, 0);
  return length;
}

/** The conv stack on one waveform: [1, samples] -> [conv_dim[-1], frames], each layer conv -> norm -> GELU. */
export async function extractFeatures(engine: TensorEngine, inputValues: Float32Array, layers: readonly ConvLayerWeights[]): Promise<Signal> {
  if (frameCount(inputValues.length, layers) < 1) {
    // HubertModel checks this first (InputLengthError); this guards direct callers.
    throw new MethodError({}, `HuBERT input of ${inputValues.length} samples is shorter than the conv stack's receptive field (no frame)`);
  }
  let x: Signal = { channels: 1, length: inputValues.length, data: inputValues };
  for (const layer of layers) {
    x = await conv1d(engine, x, layer.weight, layer.bias, { stride: layer.stride });
    if (layer.norm?.kind === 'group') {
      // GroupNorm with one group per channel: each channel normalised over time.
      x = groupNorm(x, x.channels, layer.norm.weights.weight, layer.norm.weights.bias, CONV_NORM_EPS);
    } else if (layer.norm?.kind === 'layer') {
      x = channelLayerNorm(x, layer.norm.weights.weight, layer.norm.weights.bias, CONV_NORM_EPS);
    }
    geluInPlace(x.data);
  }
  return x;
}

/** Conv features [C, frames] -> hidden states [frames, hidden_size] (feature projection). */
export async function projectFeatures(engine: TensorEngine, features: Signal, weights: HubertWeights, eps: number): Promise<Matrix> {
  let frames = signalToFrames(features);
  if (weights.featureProjectionNorm !== undefined) {
    frames = layerNorm(frames, weights.featureProjectionNorm.weight, weights.featureProjectionNorm.bias, eps);
  }
  return linear(engine, frames, weights.featureProjection.weight, weights.featureProjection.bias);
}
