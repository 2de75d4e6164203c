/**
 * The decoder's key/value cache for one utterance. Keys and values are kept per head and transposed
 * ([headDim, positions], see cached-attention.ts): self-attention columns grow by one per decoded
 * token; cross-attention columns are the encoder output projected once per utterance.
 */
import { MethodError, type Matrix } from '@speechfold/core';
import { linear } from '@speechfold/nn';
import { createGraphDecoderState, decoderSessions, type GraphDecoderState } from './decoder-graph';
import type { WhisperModel } from './model';

/** One decoder layer's cached keys and values, one array per head. */
export interface LayerCache {
  /** Self-attention keys per head, transposed: [headDim, capacity] each; columns [0, length) are filled. */
  selfKeys: Float32Array[];
  selfValues: Float32Array[];
  /** Cross-attention keys per head, transposed: [headDim, encoder frames] each. */
  crossKeys: Float32Array[];
  crossValues: Float32Array[];
}

/** Cache of every decoder layer; `length` tokens have been decoded so far. */
export interface KvCache {
  layers: LayerCache[];
  /** Tokens decoded so far (the next token's position). */
  length: number;
  /** Most tokens the cache holds: the decoder's max_target_positions. */
  capacity: number;
  /** Rows of the encoder output (keys of cross-attention). */
  encoderFrames: number;
  /**
   * Set when the decoder runs as one onnxruntime graph per step (decoder-graph.ts): the keys and
   * values live here as graph values and `layers` is empty.
   */
  graph?: GraphDecoderState;
}

/**
 * Writes rows of m [T, heads * headDim] into per-head transposed arrays [headDim, stride] as
 * columns at, at + 1, ..., at + T - 1.
 */
export function writeHeads(target: Float32Array[], m: Matrix, headDim: number, stride: number, at: number): void {
  target.forEach((head, h) => {
    for (let r = 0; r < m.rows; r++) {
      const src = r * m.cols + h * headDim;
      for (let c = 0; c < headDim; c++) head[c * stride + at + r] = m.data[src + c];
    }
  });
}

/** Every head of m [rows, heads * headDim] transposed: [headDim, rows] each. */
export function transposedHeads(m: Matrix, heads: number, headDim: number): Float32Array[] {
  const out = Array.from({ length: heads }, () => new Float32Array(headDim * m.rows));
  writeHeads(out, m, headDim, m.rows, 0);
  return out;
}

/** Throws unless m is an encoder output [frames, d_model] of this model. */
export function checkEncoderOutput(model: WhisperModel, m: Matrix): void {
  const d = model.config.d_model;
  if (m.cols !== d || m.data.length !== m.rows * m.cols) {
    throw new MethodError({}, `decoder: expected an encoder output [frames, ${d}], got [${m.rows}, ${m.cols}]`);
  }
}

/**
 * A fresh cache for decoding over `encoderOutput` [frames, d]: the cross-attention keys and values
 * of every layer computed now (they stay fixed for the utterance), empty self-attention columns.
 */
export async function createKvCache(model: WhisperModel, encoderOutput: Matrix): Promise<KvCache> {
  const { config, weights, engine } = model;
  checkEncoderOutput(model, encoderOutput);
  const capacity = config.max_target_positions;
  const sessions = decoderSessions(model);
  if (sessions !== undefined) {
    const graph = await createGraphDecoderState(await sessions, model, [encoderOutput]);
    return { layers: [], length: 0, capacity, encoderFrames: encoderOutput.rows, graph };
  }
  const layers: LayerCache[] = [];
  for (const layer of weights.decoderLayers) {
    const self = layer.selfAttn;
    const cross = layer.crossAttn;
    const keys = await linear(engine, encoderOutput, cross.k);
    const values = await linear(engine, encoderOutput, cross.v, cross.vBias);
    const empty = (): Float32Array[] => Array.from({ length: self.heads }, () => new Float32Array(self.headDim * capacity));
    layers.push({
      selfKeys: empty(),
      selfValues: empty(),
      crossKeys: transposedHeads(keys, cross.heads, cross.headDim),
      crossValues: transposedHeads(values, cross.heads, cross.headDim),
    });
  }
  return { layers, length: 0, capacity, encoderFrames: encoderOutput.rows };
}
