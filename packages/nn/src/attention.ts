/**
 * Scaled dot-product attention over heads packed side by side in the columns ([T, heads * headDim],
 * as a fused or separate q/k/v projection produces them). Each head is two GEMMs and a softmax.
 */
import { Matrix, TensorEngine } from '@speechfold/core';
import { checkMatrix, shapeError } from './checks';
import { matmulAuto, MatmulAutoOptions } from './matmul';
import { softmaxRowsInPlace } from './softmax';

/** Options of multiHeadAttention. */
export interface AttentionOptions extends Pick<MatmulAutoOptions, 'engineMinWork'> {
  /**
   * Query i sees keys j <= i + (Tk - Tq) only: with Tq === Tk the usual causal mask, with Tq < Tk the
   * last Tq queries of a sequence whose earlier keys are cached.
   */
  causal?: boolean;
  /** Multiplies the scores before softmax; default 1 / sqrt(headDim). */
  scale?: number;
}

/** Columns [head * headDim, (head + 1) * headDim) of m as a contiguous [rows, headDim] matrix. */
function headSlice(m: Matrix, head: number, headDim: number): Matrix {
  const out = new Float32Array(m.rows * headDim);
  for (let r = 0; r < m.rows; r++) {
    const src = r * m.cols + head * headDim;
    out.set(m.data.subarray(src, src + headDim), r * headDim);
  }
  return { data: out, rows: m.rows, cols: headDim };
}

/** softmax(scale * q_h k_h^T [+ causal mask]) v_h for every head h, concatenated: [Tq, heads * headDim]. */
export async function multiHeadAttention(
  engine: TensorEngine,
  q: Matrix,
  k: Matrix,
  v: Matrix,
  heads: number,
  headDim: number,
  options: AttentionOptions = {},
): Promise<Matrix> {
  checkMatrix('multiHeadAttention', 'q', q);
  checkMatrix('multiHeadAttention', 'k', k);
  checkMatrix('multiHeadAttention', 'v', v);
  const width = heads * headDim;
  if (!Number.isInteger(heads) || !Number.isInteger(headDim) || heads < 1 || headDim < 1) {
    throw shapeError('multiHeadAttention', `heads (${heads}) and headDim (${headDim}) must be positive integers`);
  }
  if (q.cols !== width || k.cols !== width || v.cols !== width) {
    throw shapeError('multiHeadAttention', `q/k/v have ${q.cols}/${k.cols}/${v.cols} columns, expected ${heads} x ${headDim} = ${width}`);
  }
  if (k.rows !== v.rows) throw shapeError('multiHeadAttention', `k has ${k.rows} rows but v has ${v.rows}`);
  const causal = options.causal === true;
  if (causal && q.rows > k.rows) throw shapeError('multiHeadAttention', `causal attention needs Tq <= Tk, got ${q.rows} > ${k.rows}`);
  const scale = options.scale ?? 1 / Math.sqrt(headDim);
  const tq = q.rows;
  const tk = k.rows;
  const out = new Float32Array(tq * width);
  const auto = { engineMinWork: options.engineMinWork };
  for (let h = 0; h < heads; h++) {
    const scores = await matmulAuto(engine, headSlice(q, h, headDim), headSlice(k, h, headDim), { ...auto, transposeB: true });
    if (causal) {
      const offset = tk - tq;
      for (let i = 0; i < tq; i++) scores.data.fill(-Infinity, i * tk + i + offset + 1, (i + 1) * tk);
    }
    softmaxRowsInPlace(scores, scale);
    const context = await matmulAuto(engine, scores, headSlice(v, h, headDim), auto);
    for (let i = 0; i < tq; i++) out.set(context.data.subarray(i * headDim, (i + 1) * headDim), i * width + h * headDim);
  }
  return { data: out, rows: tq, cols: width };
}
