/**
 * TEST-ONLY, SLOW: a plain-JavaScript TensorEngine for unit tests (here and in other packages).
 * Every kernel is a naive loop with float64 accumulation, so results are accurate and identical
 * from run to run, but it is 50-100x slower than the real engines: never use it for real models.
 */
import type { Matrix, MatmulOptions, NearestResult, TensorEngine } from '@speechfold/core';

/** Throws unless `m` is a consistent matrix. */
function checkMatrix(what: string, m: Matrix): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0) {
    throw new Error(`js-test-engine: ${what} has invalid shape ${m.rows}x${m.cols}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new Error(`js-test-engine: ${what} is ${m.rows}x${m.cols} but holds ${m.data.length} values`);
  }
}

/** Throws unless X and C have the same number of columns. */
function checkPair(kernel: string, x: Matrix, c: Matrix): void {
  checkMatrix(`${kernel}: X`, x);
  checkMatrix(`${kernel}: C`, c);
  if (x.cols !== c.cols) throw new Error(`js-test-engine: ${kernel}: X has ${x.cols} columns, C has ${c.cols}`);
}

/** The transpose of a matrix, materialised. */
function transpose(m: Matrix): Matrix {
  const out = new Float32Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out[j * m.rows + i] = m.data[i * m.cols + j];
  }
  return { data: out, rows: m.cols, cols: m.rows };
}

/** Squared Euclidean distance between row i of X and row j of C, summed in float64. */
function rowDistance(x: Matrix, i: number, c: Matrix, j: number): number {
  const d = x.cols;
  const xo = i * d;
  const co = j * d;
  let sum = 0;
  for (let t = 0; t < d; t++) {
    const diff = x.data[xo + t] - c.data[co + t];
    sum += diff * diff;
  }
  return sum;
}

class JsTestEngine implements TensorEngine {
  readonly name = 'js-test';

  async matmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Promise<Matrix> {
    checkMatrix('matmul: A', a);
    checkMatrix('matmul: B', b);
    // Work on A (rows x inner) and B^T (cols x inner) so the inner loop walks both contiguously.
    const left = options.transposeA === true ? transpose(a) : a;
    const rightT = options.transposeB === true ? b : transpose(b);
    if (left.cols !== rightT.cols) {
      throw new Error(`js-test-engine: matmul: inner dimensions differ (${left.cols} vs ${rightT.cols})`);
    }
    const rows = left.rows;
    const cols = rightT.rows;
    const inner = left.cols;
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let t = 0; t < inner; t++) sum += left.data[i * inner + t] * rightT.data[j * inner + t];
        out[i * cols + j] = sum;
      }
    }
    return { data: out, rows, cols };
  }

  async nearest(x: Matrix, c: Matrix): Promise<NearestResult> {
    checkPair('nearest', x, c);
    if (c.rows === 0) throw new Error('js-test-engine: nearest: C has no rows');
    const index = new Int32Array(x.rows);
    const distance = new Float32Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let best = 0;
      let bestDistance = Infinity;
      for (let j = 0; j < c.rows; j++) {
        const d = rowDistance(x, i, c, j);
        // Strict '<' keeps the lowest index on ties, as the TensorEngine contract asks.
        if (d < bestDistance) {
          bestDistance = d;
          best = j;
        }
      }
      index[i] = best;
      distance[i] = bestDistance;
    }
    return { index, distance };
  }

  async squaredDistances(x: Matrix, c: Matrix): Promise<Matrix> {
    checkPair('squaredDistances', x, c);
    const out = new Float32Array(x.rows * c.rows);
    for (let i = 0; i < x.rows; i++) {
      for (let j = 0; j < c.rows; j++) out[i * c.rows + j] = rowDistance(x, i, c, j);
    }
    return { data: out, rows: x.rows, cols: c.rows };
  }

  async rowSquaredNorms(x: Matrix): Promise<Float32Array> {
    checkMatrix('rowSquaredNorms: X', x);
    const out = new Float32Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let sum = 0;
      for (let t = 0; t < x.cols; t++) sum += x.data[i * x.cols + t] * x.data[i * x.cols + t];
      out[i] = sum;
    }
    return out;
  }

  async dispose(): Promise<void> {}
}

/** TEST-ONLY, SLOW: a plain-JS TensorEngine (name 'js-test') for unit tests without native engines. */
export function createJsTestEngine(): TensorEngine {
  return new JsTestEngine();
}
