/**
 * Matrix products that pick where to run: the engine for big blocks of work, plain JS for tiny ones,
 * where a native call's fixed cost (buffer copies, session dispatch) outweighs the arithmetic.
 */
import { Matrix, MatmulOptions, TensorEngine } from '@speechfold/core';
import { checkMatrix, shapeError } from './checks';

/**
 * Multiply-adds below which `matmulAuto` stays in JS. Measured on onnxruntime (2 cores): a call costs
 * ~0.1 ms, and JS multiplies at ~1 GFLOP/s, so the two meet near 1e5 multiply-adds.
 */
export const DEFAULT_ENGINE_MIN_WORK = 1 << 17;

/** Options of matmulAuto: the transposes, and where the JS/engine split lies. */
export interface MatmulAutoOptions extends MatmulOptions {
  /** Products with fewer multiply-adds than this run in JS; default DEFAULT_ENGINE_MIN_WORK (0: always the engine). */
  engineMinWork?: number;
}

/** Rows, shared inner dim and columns of op(A) x op(B); throws on an inner-dim mismatch. */
export function productShape(a: Matrix, b: Matrix, options: MatmulOptions = {}): { rows: number; inner: number; cols: number } {
  checkMatrix('matmul', 'A', a);
  checkMatrix('matmul', 'B', b);
  const rows = options.transposeA === true ? a.cols : a.rows;
  const inner = options.transposeA === true ? a.rows : a.cols;
  const innerB = options.transposeB === true ? b.cols : b.rows;
  const cols = options.transposeB === true ? b.rows : b.cols;
  if (inner !== innerB) throw shapeError('matmul', `inner dims differ: op(A) is ${rows}x${inner}, op(B) is ${innerB}x${cols}`);
  return { rows, inner, cols };
}

/** A copy of m transposed. */
export function transpose(m: Matrix): Matrix {
  const out = new Float32Array(m.data.length);
  const { rows, cols, data } = m;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return { data: out, rows: cols, cols: rows };
}

/** op(A) x op(B) in plain JS (fp32 storage, fp64 accumulation in the dot-product form). */
export function jsMatmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Matrix {
  const { rows, inner, cols } = productShape(a, b, options);
  const left = options.transposeA === true ? transpose(a) : a;
  const out = new Float32Array(rows * cols);
  const A = left.data;
  if (options.transposeB === true) {
    // Rows of A against rows of B: both contiguous, so a dot product per output.
    const B = b.data;
    for (let i = 0; i < rows; i++) {
      const ai = i * inner;
      for (let j = 0; j < cols; j++) {
        const bj = j * inner;
        let sum = 0;
        for (let p = 0; p < inner; p++) sum += A[ai + p] * B[bj + p];
        out[i * cols + j] = sum;
      }
    }
    return { data: out, rows, cols };
  }
  // i-k-j order: the inner loop walks one row of B and one row of the output contiguously.
  const B = b.data;
  for (let i = 0; i < rows; i++) {
    const oi = i * cols;
    for (let p = 0; p < inner; p++) {
      const aip = A[i * inner + p];
      if (aip === 0) continue;
      const bp = p * cols;
      for (let j = 0; j < cols; j++) out[oi + j] += aip * B[bp + j];
    }
  }
  return { data: out, rows, cols };
}

/** op(A) x op(B) on the engine when the product is big enough to pay for a call, else in JS. */
export async function matmulAuto(engine: TensorEngine, a: Matrix, b: Matrix, options: MatmulAutoOptions = {}): Promise<Matrix> {
  const { rows, inner, cols } = productShape(a, b, options);
  const threshold = options.engineMinWork ?? DEFAULT_ENGINE_MIN_WORK;
  const transposes: MatmulOptions = { transposeA: options.transposeA === true, transposeB: options.transposeB === true };
  if (rows * inner * cols < threshold) return jsMatmul(a, b, transposes);
  return engine.matmul(a, b, transposes);
}
