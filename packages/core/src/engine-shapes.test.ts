import { checkMatrix, checkSameCols, matmulShape, rowsPerChunk } from './engine-shapes';
import { MethodError } from './errors';

const m = (rows: number, cols: number, length = rows * cols) => ({ data: new Float32Array(length), rows, cols });

describe('engine shape checks', () => {
  it('checkMatrix accepts consistent matrices, empty ones included, and names the kernel otherwise', () => {
    expect(() => checkMatrix('k', 'X', m(2, 3))).not.toThrow();
    expect(() => checkMatrix('k', 'X', m(0, 3))).not.toThrow();
    expect(() => checkMatrix('rowSquaredNorms', 'X', m(2, 3, 5))).toThrow(MethodError);
    expect(() => checkMatrix('rowSquaredNorms', 'X', m(2, 3, 5))).toThrow('rowSquaredNorms: X claims 2x3 but holds 5 values');
    expect(() => checkMatrix('k', 'X', m(-1, 3, 0))).toThrow(MethodError);
    expect(() => checkMatrix('k', 'X', m(1.5, 2, 3))).toThrow(MethodError);
  });

  it('matmulShape gives rows, inner and cols of op(A) x op(B) and refuses differing inner dims', () => {
    expect(matmulShape(m(2, 3), m(3, 4))).toEqual({ rows: 2, inner: 3, cols: 4 });
    expect(matmulShape(m(3, 2), m(4, 3), { transposeA: true, transposeB: true })).toEqual({ rows: 2, inner: 3, cols: 4 });
    expect(() => matmulShape(m(2, 3), m(2, 3))).toThrow('matmul: A x B with A 2x3 and B 2x3: inner dims 3 and 2 differ');
    expect(() => matmulShape(m(3, 2), m(2, 4), { transposeA: true })).toThrow(
      'matmul: A^T x B with A 3x2 and B 2x4: inner dims 3 and 2 differ',
    );
    expect(() => matmulShape(m(2, 3, 1), m(3, 1))).toThrow('matmul: A claims 2x3 but holds 1 values');
  });

  it('checkSameCols refuses different column counts; rowsPerChunk keeps blocks in budget, at least one row', () => {
    expect(() => checkSameCols('nearest', m(2, 4), m(3, 4))).not.toThrow();
    expect(() => checkSameCols('nearest', m(2, 4), m(3, 5))).toThrow('nearest: X 2x4 and C 3x5 have different column counts');
    expect(rowsPerChunk(11, 3 * 11 * 4)).toBe(3);
    expect(rowsPerChunk(0, 16)).toBe(4);
    expect(rowsPerChunk(1000, 4)).toBe(1);
  });
});
