/**
 * Attention of a few decoder queries (the prompt, then one token) over cached keys and values, in
 * plain JS: for one query the products are 1 x headDim x keys, far too small to pay for an engine
 * call each. The cache holds every head transposed ([headDim, stride]: key t's component c at
 * c * stride + t), so both products run over long contiguous rows of keys and values.
 */
import type { Matrix } from '@speechfold/core';

/** Where the keys are and which of them each query sees. */
export interface CachedKeys {
  /** Per head, keys transposed: [headDim, stride], columns [0, count) filled. */
  keys: Float32Array[];
  /** Per head, values transposed likewise. */
  values: Float32Array[];
  /** Row length of the transposed arrays (the cache's capacity in positions). */
  stride: number;
  /** Keys in use. */
  count: number;
  /** Query i sees keys j <= count - queries + i (self-attention), else all of them (cross-attention). */
  causal: boolean;
}

/** sum of a[t] * b[offset + t] over t < n, with four partial sums so the additions do not wait on each other. */
function dot(a: Float64Array, b: Float32Array, offset: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < n; t += 4) {
    s0 += a[t] * b[offset + t];
    s1 += a[t + 1] * b[offset + t + 1];
    s2 += a[t + 2] * b[offset + t + 2];
    s3 += a[t + 3] * b[offset + t + 3];
  }
  for (; t < n; t++) s0 += a[t] * b[offset + t];
  return s0 + s1 + s2 + s3;
}

/**
 * softmax(q_h K_h^T) V_h for every head of q [T, heads * headDim] (queries already scaled), summed
 * in double precision: [T, heads * headDim].
 */
export function cachedAttention(q: Matrix, cached: CachedKeys, heads: number, headDim: number): Matrix {
  const { keys, values, stride, count, causal } = cached;
  const width = heads * headDim;
  const out = new Float32Array(q.rows * width);
  const scores = new Float64Array(count);
  for (let r = 0; r < q.rows; r++) {
    const visible = causal ? count - q.rows + r + 1 : count;
    for (let h = 0; h < heads; h++) {
      const qBase = r * width + h * headDim;
      const k = keys[h];
      const v = values[h];
      scores.fill(0, 0, visible);
      // Two key components per pass over the scores: half the loads and stores of the scores row.
      let c = 0;
      for (; c + 1 < headDim; c += 2) {
        const q0 = q.data[qBase + c];
        const q1 = q.data[qBase + c + 1];
        const r0 = c * stride;
        const r1 = r0 + stride;
        for (let t = 0; t < visible; t++) scores[t] += q0 * k[r0 + t] + q1 * k[r1 + t];
      }
      if (c < headDim) {
        const qc = q.data[qBase + c];
        const row = c * stride;
        for (let t = 0; t < visible; t++) scores[t] += qc * k[row + t];
      }
      let max = -Infinity;
      for (let t = 0; t < visible; t++) if (scores[t] > max) max = scores[t];
      let sum = 0;
      for (let t = 0; t < visible; t++) {
        const e = Math.exp(scores[t] - max);
        scores[t] = e;
        sum += e;
      }
      for (let i = 0; i < headDim; i++) out[qBase + i] = dot(scores, v, i * stride, visible) / sum;
    }
  }
  return { data: out, rows: q.rows, cols: width };
}
