/** Layer norm (per row of a [T, C] matrix, or per position of a [C, T] signal) and group norm (over channel groups of a [C, T] signal). */
import { Matrix, Tensor } from '@speechfold/core';
import { checkMatrix, checkTensorShape, shapeError } from './checks';
import { Signal, checkSignal } from './signal';

/** (x - mean) / sqrt(var + eps) * weight + bias over each row (biased variance, as torch). */
export function layerNorm(x: Matrix, weight: Tensor, bias: Tensor, eps: number): Matrix {
  checkMatrix('layerNorm', 'x', x);
  checkTensorShape('layerNorm', 'weight', weight, [x.cols]);
  checkTensorShape('layerNorm', 'bias', bias, [x.cols]);
  const { data, rows, cols } = x;
  const out = new Float32Array(data.length);
  const w = weight.data;
  const b = bias.data;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    // Two passes in double: the mean first, then squared deviations (no E[x^2] - E[x]^2 cancellation).
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += data[base + c];
    const mean = sum / cols;
    let sq = 0;
    for (let c = 0; c < cols; c++) {
      const d = data[base + c] - mean;
      sq += d * d;
    }
    const inv = 1 / Math.sqrt(sq / cols + eps);
    for (let c = 0; c < cols; c++) out[base + c] = (data[base + c] - mean) * inv * w[c] + b[c];
  }
  return { data: out, rows, cols };
}

/**
 * torch.nn.GroupNorm on one item: channels split into numGroups consecutive groups, each normalised
 * over all its channels and positions, then scaled and shifted per channel.
 */
export function groupNorm(x: Signal, numGroups: number, weight: Tensor, bias: Tensor, eps: number): Signal {
  checkSignal('groupNorm', 'x', x);
  const { channels, length, data } = x;
  if (!Number.isInteger(numGroups) || numGroups < 1 || channels % numGroups !== 0) {
    throw shapeError('groupNorm', `${channels} channels do not split into ${numGroups} groups`);
  }
  checkTensorShape('groupNorm', 'weight', weight, [channels]);
  checkTensorShape('groupNorm', 'bias', bias, [channels]);
  const out = new Float32Array(data.length);
  const perGroup = channels / numGroups;
  const span = perGroup * length;
  for (let g = 0; g < numGroups; g++) {
    const start = g * span;
    let sum = 0;
    for (let i = start; i < start + span; i++) sum += data[i];
    const mean = sum / span;
    let sq = 0;
    for (let i = start; i < start + span; i++) {
      const d = data[i] - mean;
      sq += d * d;
    }
    const inv = 1 / Math.sqrt(sq / span + eps);
    for (let c = g * perGroup; c < (g + 1) * perGroup; c++) {
      const scale = inv * weight.data[c];
      const shift = bias.data[c] - mean * scale;
      for (let i = c * length; i < (c + 1) * length; i++) out[i] = data[i] * scale + shift;
    }
  }
  return { channels, length, data: out };
}

/**
 * Layer norm over the channels at each position of a [C, T] signal (what torch's LayerNorm(C) does to
 * the transposed conv output), without transposing: statistics are gathered per column.
 */
export function channelLayerNorm(x: Signal, weight: Tensor, bias: Tensor, eps: number): Signal {
  checkSignal('channelLayerNorm', 'x', x);
  const { channels, length, data } = x;
  checkTensorShape('channelLayerNorm', 'weight', weight, [channels]);
  checkTensorShape('channelLayerNorm', 'bias', bias, [channels]);
  // Per-position sums in double, accumulated row by row so every pass reads memory in order.
  const mean = new Float64Array(length);
  for (let c = 0; c < channels; c++) {
    const base = c * length;
    for (let t = 0; t < length; t++) mean[t] += data[base + t];
  }
  for (let t = 0; t < length; t++) mean[t] /= channels;
  const sq = new Float64Array(length);
  for (let c = 0; c < channels; c++) {
    const base = c * length;
    for (let t = 0; t < length; t++) {
      const d = data[base + t] - mean[t];
      sq[t] += d * d;
    }
  }
  const inv = new Float64Array(length);
  for (let t = 0; t < length; t++) inv[t] = 1 / Math.sqrt(sq[t] / channels + eps);
  const out = new Float32Array(data.length);
  for (let c = 0; c < channels; c++) {
    const base = c * length;
    const w = weight.data[c];
    const b = bias.data[c];
    for (let t = 0; t < length; t++) out[base + t] = (data[base + t] - mean[t]) * inv[t] * w + b;
  }
  return { channels, length, data: out };
}
