// The kit against a plain-JS engine built on the float64 references and core's shape checks: a
// correct engine passes every check.
import {
  checkMatrix,
  checkSameCols,
  matmulShape,
  MethodError,
  type Matrix,
  type MatmulOptions,
  type NearestResult,
  type TensorEngine,
} from '@speechfold/core';
import { maxAbsDiff, referenceDistances, referenceMatmul, runEngineConformance } from './index';

function referenceEngine(): TensorEngine {
  return {
    name: 'reference',
    async matmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Promise<Matrix> {
      const { rows, cols } = matmulShape(a, b, options);
      const data = Float32Array.from(referenceMatmul(a, b, options.transposeA === true, options.transposeB === true));
      return { data, rows, cols };
    },
    async nearest(x: Matrix, c: Matrix): Promise<NearestResult> {
      checkSameCols('nearest', x, c);
      if (c.rows === 0) throw new MethodError({}, 'nearest: C has no rows');
      const distances = referenceDistances(x, c);
      const index = new Int32Array(x.rows);
      const distance = new Float32Array(x.rows);
      for (let i = 0; i < x.rows; i++) {
        let best = 0;
        // Strict '<': ties go to the lowest index.
        for (let j = 1; j < c.rows; j++) if (distances[i * c.rows + j] < distances[i * c.rows + best]) best = j;
        index[i] = best;
        distance[i] = distances[i * c.rows + best];
      }
      return { index, distance };
    },
    async squaredDistances(x: Matrix, c: Matrix): Promise<Matrix> {
      checkSameCols('squaredDistances', x, c);
      return { data: Float32Array.from(referenceDistances(x, c)), rows: x.rows, cols: c.rows };
    },
    async rowSquaredNorms(x: Matrix): Promise<Float32Array> {
      checkMatrix('rowSquaredNorms', 'X', x);
      return Float32Array.from(referenceDistances(x, { data: new Float32Array(x.cols), rows: 1, cols: x.cols }));
    },
    async matmulTransposedFloat64(a: Matrix, b: Matrix, rowBias?: Float32Array): Promise<Matrix> {
      const { rows, cols } = matmulShape(a, b, { transposeB: true });
      if (rowBias !== undefined && rowBias.length !== rows) throw new MethodError({}, `rowBias has ${rowBias.length} values, expected ${rows}`);
      // referenceMatmul sums in float64; the bias joins the float64 value before the one rounding.
      const product = referenceMatmul(a, b, false, true);
      const data = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = (rowBias?.[i] ?? 0) + product[i * cols + j];
      return { data, rows, cols };
    },
    async dispose(): Promise<void> {},
  };
}

runEngineConformance('reference', async () => referenceEngine());

describe('references', () => {
  it('referenceMatmul multiplies with every transpose combination', () => {
    const a = { data: Float32Array.of(1, 2, 3, 4, 5, 6), rows: 2, cols: 3 };
    const b = { data: Float32Array.of(7, 8, 9, 10, 11, 12), rows: 3, cols: 2 };
    const at = { data: Float32Array.of(1, 4, 2, 5, 3, 6), rows: 3, cols: 2 };
    const bt = { data: Float32Array.of(7, 9, 11, 8, 10, 12), rows: 2, cols: 3 };
    const product = [58, 64, 139, 154];
    expect(Array.from(referenceMatmul(a, b, false, false))).toEqual(product);
    expect(Array.from(referenceMatmul(at, b, true, false))).toEqual(product);
    expect(Array.from(referenceMatmul(a, bt, false, true))).toEqual(product);
    expect(Array.from(referenceMatmul(at, bt, true, true))).toEqual(product);
  });

  it('referenceDistances and maxAbsDiff', () => {
    const x = { data: Float32Array.of(0, 0, 3, 4), rows: 2, cols: 2 };
    const c = { data: Float32Array.of(0, 0), rows: 1, cols: 2 };
    expect(Array.from(referenceDistances(x, c))).toEqual([0, 25]);
    expect(maxAbsDiff([1, 2, 3], [1, 2.5, 2])).toBe(1);
  });
});
