/**
 * torch.nn.Conv1d on one item, by im2col: each output position's receptive field becomes one column
 * of a block, and one GEMM per channel group (W_g [out/g, in/g * k] x block) gives the outputs.
 * Blocks are cut along time so the column block stays under a fixed size however long the input.
 */
import { Matrix, Tensor, TensorEngine } from '@speechfold/core';
import { shapeError } from './checks';
import { matmulAuto, MatmulAutoOptions } from './matmul';
import { Signal, checkSignal } from './signal';

/** Options of conv1d (torch's defaults: stride 1, padding 0, groups 1). */
export interface Conv1dOptions extends Pick<MatmulAutoOptions, 'engineMinWork'> {
  stride?: number;
  /** Zeros added at both ends. */
  padding?: number;
  groups?: number;
  /** Cap on the values of one im2col block; default 16M (64 MiB). */
  maxBlockValues?: number;
}

const DEFAULT_MAX_BLOCK_VALUES = 16 * 1024 * 1024;

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw shapeError('conv1d', `${name} must be a positive integer, got ${value}`);
  return value;
}

/** Output length of a conv: floor((length + 2 * padding - kernel) / stride) + 1 (0 when the kernel does not fit). */
export function conv1dOutputLength(length: number, kernel: number, stride: number, padding: number): number {
  const span = length + 2 * padding - kernel;
  return span < 0 ? 0 : Math.floor(span / stride) + 1;
}

/**
 * Fills block [channels * kernel, rows] with what output positions t0..t0+rows-1 see: row (c, k) holds
 * input channel c at positions t * stride + k - padding, 0 in the padding. This layout (one long row
 * per channel and tap) keeps the inner loop long even for HuBERT's 2- and 3-tap kernels, and makes the
 * product a plain W x block.
 */
function im2col(x: Signal, firstChannel: number, channels: number, kernel: number, stride: number, padding: number, t0: number, rows: number, block: Float32Array): void {
  const { length, data } = x;
  for (let k = 0; k < kernel; k++) {
    const offset = k - padding;
    // Output positions whose input position t * stride + offset lies in [0, length).
    const first = offset >= 0 ? 0 : Math.ceil(-offset / stride);
    const last = Math.floor((length - 1 - offset) / stride);
    const lo = Math.min(rows, Math.max(0, first - t0));
    const hi = Math.max(lo, Math.min(rows, last - t0 + 1));
    for (let c = 0; c < channels; c++) {
      const src = (firstChannel + c) * length + offset;
      const dst = (c * kernel + k) * rows;
      block.fill(0, dst, dst + lo);
      for (let r = lo; r < hi; r++) block[dst + r] = data[src + (t0 + r) * stride];
      block.fill(0, dst + hi, dst + rows);
    }
  }
}

/** Conv1d of x [in, length] with weight [out, in / groups, kernel] and optional bias [out]: [out, outLength]. */
export async function conv1d(engine: TensorEngine, x: Signal, weight: Tensor, bias: Tensor | undefined, options: Conv1dOptions = {}): Promise<Signal> {
  checkSignal('conv1d', 'x', x);
  const stride = positiveInt('stride', options.stride ?? 1);
  const groups = positiveInt('groups', options.groups ?? 1);
  const padding = options.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0) throw shapeError('conv1d', `padding must be a non-negative integer, got ${padding}`);
  if (weight.shape.length !== 3) throw shapeError('conv1d', `weight must be [out, in/groups, kernel], got [${weight.shape.join(', ')}]`);
  const [outChannels, groupIn, kernel] = weight.shape;
  if (groupIn * groups !== x.channels || outChannels % groups !== 0) {
    throw shapeError('conv1d', `weight [${weight.shape.join(', ')}] with ${groups} groups does not fit ${x.channels} input channels`);
  }
  if (weight.data.length !== outChannels * groupIn * kernel) throw shapeError('conv1d', `weight holds ${weight.data.length} values`);
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== outChannels)) {
    throw shapeError('conv1d', `bias has shape [${bias.shape.join(', ')}], expected [${outChannels}]`);
  }
  const outLength = conv1dOutputLength(x.length, kernel, stride, padding);
  const out = new Float32Array(outChannels * outLength);
  const groupOut = outChannels / groups;
  const width = groupIn * kernel;
  const maxValues = options.maxBlockValues ?? DEFAULT_MAX_BLOCK_VALUES;
  const chunk = Math.max(1, Math.min(outLength, Math.floor(maxValues / Math.max(1, width))));
  const block = new Float32Array(chunk * width);
  for (let g = 0; g < groups; g++) {
    // The group's filters are consecutive rows of the weight, laid out (channel, tap) like the block's rows.
    const w: Matrix = { data: weight.data.subarray(g * groupOut * width, (g + 1) * groupOut * width), rows: groupOut, cols: width };
    for (let t0 = 0; t0 < outLength; t0 += chunk) {
      const rows = Math.min(chunk, outLength - t0);
      const cols = block.subarray(0, rows * width);
      im2col(x, g * groupIn, groupIn, kernel, stride, padding, t0, rows, cols);
      const y = await matmulAuto(engine, w, { data: cols, rows: width, cols: rows }, { engineMinWork: options.engineMinWork });
      for (let o = 0; o < groupOut; o++) {
        out.set(y.data.subarray(o * rows, (o + 1) * rows), (g * groupOut + o) * outLength + t0);
      }
    }
  }
  if (bias !== undefined) {
    for (let o = 0; o < outChannels; o++) {
      const b = bias.data[o];
      for (let i = o * outLength; i < (o + 1) * outLength; i++) out[i] += b;
    }
  }
  return { channels: outChannels, length: outLength, data: out };
}
