/**
 * Shape checks and chunk sizing for TensorEngine kernels (the Matrix contract is in engine.ts), shared
 * by the engine-* packages. Wrong shapes are caller errors, reported as MethodError naming the kernel
 * and both shapes, before any native work starts.
 */
import type { Matrix, MatmulOptions } from './engine';
import { MethodError } from './errors';

const shapeOf = (m: Matrix): string => `${m.rows}x${m.cols}`;

/** Throws unless `m` has non-negative integer dims and `data.length === rows * cols`. */
export function checkMatrix(kernel: string, label: string, m: Matrix): void {
  const dimsOk = Number.isInteger(m.rows) && Number.isInteger(m.cols) && m.rows >= 0 && m.cols >= 0;
  if (!dimsOk || m.data.length !== m.rows * m.cols) {
    throw new MethodError({}, `${kernel}: ${label} claims ${shapeOf(m)} but holds ${m.data.length} values`);
  }
}

/** Output rows, inner dim and output cols of op(A) x op(B); throws if the inner dims differ. */
export function matmulShape(a: Matrix, b: Matrix, options: MatmulOptions = {}): { rows: number; inner: number; cols: number } {
  checkMatrix('matmul', 'A', a);
  checkMatrix('matmul', 'B', b);
  const [rows, innerA] = options.transposeA ? [a.cols, a.rows] : [a.rows, a.cols];
  const [innerB, cols] = options.transposeB ? [b.cols, b.rows] : [b.rows, b.cols];
  if (innerA !== innerB) {
    const ops = `${options.transposeA ? 'A^T' : 'A'} x ${options.transposeB ? 'B^T' : 'B'}`;
    throw new MethodError({}, `matmul: ${ops} with A ${shapeOf(a)} and B ${shapeOf(b)}: inner dims ${innerA} and ${innerB} differ`);
  }
  return { rows, inner: innerA, cols };
}

/** Throws unless X and C are valid and have the same number of columns. */
export function checkSameCols(kernel: string, x: Matrix, c: Matrix): void {
  checkMatrix(kernel, 'X', x);
  checkMatrix(kernel, 'C', c);
  if (x.cols !== c.cols) {
    throw new MethodError({}, `${kernel}: X ${shapeOf(x)} and C ${shapeOf(c)} have different column counts`);
  }
}

/** Rows of X per chunk so a rows x k fp32 block stays within maxBlockBytes; at least 1. */
export function rowsPerChunk(k: number, maxBlockBytes: number): number {
  return Math.max(1, Math.floor(maxBlockBytes / (4 * Math.max(1, k))));
}
