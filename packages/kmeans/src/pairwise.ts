/**
 * The pairwise squared-distance matrix P (N x N, float32) and the distance rows seeding reads.
 *
 * Seeding needs, at each of its K steps, the distance rows of a few candidates. Asking the engine
 * for them step by step costs K sequential calls (~10 ms each on onnxruntime, 46 s for K=4608), so
 * when P fits the budget we compute it once with the engine's GEMM-backed squaredDistances and
 * serve every row from memory; the Lloyd and Hartigan passes then run on P too (pairwise-kmeans.ts).
 * Otherwise each seeding step sends its candidates to the engine together, in one call.
 */
import type { Matrix, TensorEngine } from '@speechfold/core';
import { gatherRows } from './means';

/** Squared distances from chosen points to all N points. */
export interface DistanceRows {
  /** Number of points N. */
  readonly size: number;
  /** Row i of the pairwise squared-distance matrix (length N, entry i is 0) for each id. */
  rows(ids: readonly number[]): Promise<Float32Array[]>;
}

/**
 * A point is at distance exactly 0 from itself; |x|^2 + |x|^2 - 2 x.x leaves float32 rounding
 * noise there, which would let seeding pick an existing center again. Negatives are clamped too.
 */
function cleanRow(row: Float32Array, self: number): void {
  for (let j = 0; j < row.length; j++) if (!(row[j] > 0)) row[j] = 0;
  row[self] = 0;
}

/** Rows of a precomputed N x N matrix. */
class MatrixRows implements DistanceRows {
  constructor(private readonly matrix: Float32Array, readonly size: number) {}

  async rows(ids: readonly number[]): Promise<Float32Array[]> {
    return ids.map((id) => this.matrix.subarray(id * this.size, (id + 1) * this.size));
  }
}

/** Rows computed on demand: one engine call per request. */
class EngineRows implements DistanceRows {
  readonly size: number;

  constructor(private readonly engine: TensorEngine, private readonly x: Matrix) {
    this.size = x.rows;
  }

  async rows(ids: readonly number[]): Promise<Float32Array[]> {
    const block = await this.engine.squaredDistances(gatherRows(this.x, ids), this.x);
    return ids.map((id, r) => {
      const row = block.data.slice(r * this.size, (r + 1) * this.size);
      cleanRow(row, id);
      return row;
    });
  }
}

/** Rows served from a precomputed pairwise matrix P (N x N). */
export function matrixRows(pairwise: Float32Array, n: number): DistanceRows {
  return new MatrixRows(pairwise, n);
}

/** Rows computed by the engine on demand, one call per seeding step. */
export function engineRows(engine: TensorEngine, x: Matrix): DistanceRows {
  return new EngineRows(engine, x);
}

/** Bytes the N x N float32 pairwise matrix takes. */
export function pairwiseBytes(n: number): number {
  return 4 * n * n;
}

/**
 * Writes panel P[i0:i1, i0:n] above the diagonal (clamped at 0) and its transpose below it, so P is
 * exactly symmetric. Both passes write rows of `out` contiguously.
 */
function copyPanel(panel: Float32Array, out: Float32Array, n: number, i0: number, i1: number): void {
  const width = n - i0;
  for (let i = i0; i < i1; i++) {
    const src = (i - i0) * width - i0;
    for (let j = i + 1; j < n; j++) {
      const v = panel[src + j];
      out[i * n + j] = v > 0 ? v : 0;
    }
  }
  for (let j = i0 + 1; j < n; j++) {
    const end = Math.min(j, i1);
    for (let i = i0; i < end; i++) out[j * n + i] = out[i * n + j];
  }
}

/**
 * Rows per panel of the pairwise computation: ~512 rows keep each GEMM efficient while the panels
 * skip most of the work below the diagonal (N/512 engine calls, ~55% of a full X X^T at N=5120).
 */
const TARGET_BLOCK_ROWS = 512;

/**
 * P[i, j] = |x_i - x_j|^2 for all pairs, computed with the engine. P is symmetric, so only row
 * panels from the diagonal on are computed (about half the GEMM work) and mirrored; the result is
 * exactly symmetric with a zero diagonal and no negatives.
 */
export async function pairwiseDistances(engine: TensorEngine, x: Matrix): Promise<Float32Array> {
  const n = x.rows;
  const d = x.cols;
  const out = new Float32Array(n * n);
  const blocks = Math.max(1, Math.ceil(n / TARGET_BLOCK_ROWS));
  const size = Math.ceil(n / blocks);
  const slice = (start: number, end: number): Matrix => ({
    data: x.data.subarray(start * d, end * d),
    rows: end - start,
    cols: d,
  });
  for (let i0 = 0; i0 < n; i0 += size) {
    const i1 = Math.min(n, i0 + size);
    // One call per panel: rows i0..i1 against every row from i0 on (a contiguous slice of X).
    const panel = (await engine.squaredDistances(slice(i0, i1), slice(i0, n))).data;
    copyPanel(panel, out, n, i0, i1);
  }
  // A point is at distance exactly 0 from itself (see cleanRow).
  for (let i = 0; i < n; i++) out[i * n + i] = 0;
  return out;
}
