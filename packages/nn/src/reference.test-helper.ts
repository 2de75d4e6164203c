/** Test helpers: a counting JS engine, random data, and direct-definition reference loops. */
import { Matrix, MatmulOptions, Random, Tensor, TensorEngine } from '@speechfold/core';

/** A TensorEngine whose matmul is the textbook triple loop; `calls` counts engine matmuls. */
export class CountingEngine implements TensorEngine {
  readonly name = 'counting-js';
  calls = 0;
  async matmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Promise<Matrix> {
    this.calls++;
    return referenceMatmul(a, b, options);
  }
  async nearest(): Promise<never> {
    throw new Error('not used');
  }
  async squaredDistances(): Promise<never> {
    throw new Error('not used');
  }
  async rowSquaredNorms(): Promise<never> {
    throw new Error('not used');
  }
  async dispose(): Promise<void> {}
}

/** op(A) x op(B) straight from the definition. */
export function referenceMatmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Matrix {
  const ta = options.transposeA === true;
  const tb = options.transposeB === true;
  const rows = ta ? a.cols : a.rows;
  const inner = ta ? a.rows : a.cols;
  const cols = tb ? b.rows : b.cols;
  const at = (i: number, p: number) => (ta ? a.data[p * a.cols + i] : a.data[i * a.cols + p]);
  const bt = (p: number, j: number) => (tb ? b.data[j * b.cols + p] : b.data[p * b.cols + j]);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let p = 0; p < inner; p++) s += at(i, p) * bt(p, j);
      out[i * cols + j] = s;
    }
  }
  return { data: out, rows, cols };
}

/** Values uniform in [-1, 1). */
export function randomArray(random: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = random.next() * 2 - 1;
  return out;
}

export function randomMatrix(random: Random, rows: number, cols: number): Matrix {
  return { data: randomArray(random, rows * cols), rows, cols };
}

export function randomTensor(random: Random, shape: number[]): Tensor {
  return { shape, data: randomArray(random, shape.reduce((n, d) => n * d, 1)) };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
