/**
 * Plain float64 JS references for TensorEngine results, and the assertions the conformance suite
 * makes with them (exported for engines' own tests).
 */
import { expect } from '@jest/globals';
import type { Matrix, NearestResult, Random } from '@speechfold/core';

/** A rows x cols matrix of uniform values in [-scale, scale) plus offset. */
export function randomMatrix(random: Random, rows: number, cols: number, scale = 1, offset = 0): Matrix {
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = offset + scale * (2 * random.next() - 1);
  return { data, rows, cols };
}

/** Element (i, j) of op(M). */
function at(m: Matrix, i: number, j: number, transpose: boolean): number {
  return transpose ? m.data[j * m.cols + i] : m.data[i * m.cols + j];
}

/** op(A) x op(B) in float64. */
export function referenceMatmul(a: Matrix, b: Matrix, transposeA: boolean, transposeB: boolean): Float64Array {
  const rows = transposeA ? a.cols : a.rows;
  const inner = transposeA ? a.rows : a.cols;
  const cols = transposeB ? b.rows : b.cols;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let p = 0; p < inner; p++) sum += at(a, i, p, transposeA) * at(b, p, j, transposeB);
      out[i * cols + j] = sum;
    }
  }
  return out;
}

/** Squared distances in float64, by direct differences (no cancellation). */
export function referenceDistances(x: Matrix, c: Matrix): Float64Array {
  const out = new Float64Array(x.rows * c.rows);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < c.rows; j++) {
      let sum = 0;
      for (let p = 0; p < x.cols; p++) {
        const diff = x.data[i * x.cols + p] - c.data[j * c.cols + p];
        sum += diff * diff;
      }
      out[i * c.rows + j] = sum;
    }
  }
  return out;
}

/** Largest |a - b| over paired elements. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Largest |a|. */
export function maxAbs(a: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]));
  return worst;
}

/** Asserts `result` is the nearest-row answer for X and C, within fp32 rounding of the reference. */
export function expectNearest(result: NearestResult, x: Matrix, c: Matrix): void {
  const reference = referenceDistances(x, c);
  const tolerance = 1e-5 * Math.max(1, maxAbs(reference));
  expect(result.index).toBeInstanceOf(Int32Array);
  expect(result.distance).toBeInstanceOf(Float32Array);
  expect(result.index.length).toBe(x.rows);
  for (let i = 0; i < x.rows; i++) {
    const row = reference.subarray(i * c.rows, (i + 1) * c.rows);
    const best = Math.min(...row);
    const chosen = result.index[i];
    expect(chosen).toBeGreaterThanOrEqual(0);
    expect(chosen).toBeLessThan(c.rows);
    // The chosen row must be (within rounding) as near as the best; where the best is clear of the
    // runner-up by more than rounding, it must be exactly the reference's choice.
    expect(row[chosen] - best).toBeLessThanOrEqual(tolerance);
    const clear = row.every((d, j) => j === row.indexOf(best) || d - best > tolerance);
    if (clear) expect(chosen).toBe(row.indexOf(best));
    expect(Math.abs(result.distance[i] - best)).toBeLessThanOrEqual(tolerance);
    expect(result.distance[i]).toBeGreaterThanOrEqual(0);
  }
}
