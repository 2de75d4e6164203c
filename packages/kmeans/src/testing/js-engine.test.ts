import { createJsTestEngine } from './js-engine';

const m = (rows: number, cols: number, values: number[]) => ({ data: Float32Array.from(values), rows, cols });

describe('createJsTestEngine (test-only engine)', () => {
  const engine = createJsTestEngine();

  it('multiplies with every transpose combination', async () => {
    const a = m(2, 3, [1, 2, 3, 4, 5, 6]);
    const b = m(3, 2, [7, 8, 9, 10, 11, 12]);
    expect(Array.from((await engine.matmul(a, b)).data)).toEqual([58, 64, 139, 154]);
    const at = m(3, 2, [1, 4, 2, 5, 3, 6]);
    const bt = m(2, 3, [7, 9, 11, 8, 10, 12]);
    expect(Array.from((await engine.matmul(at, b, { transposeA: true })).data)).toEqual([58, 64, 139, 154]);
    expect(Array.from((await engine.matmul(a, bt, { transposeB: true })).data)).toEqual([58, 64, 139, 154]);
    const both = await engine.matmul(at, bt, { transposeA: true, transposeB: true });
    expect([both.rows, both.cols, ...both.data]).toEqual([2, 2, 58, 64, 139, 154]);
    await expect(engine.matmul(a, a)).rejects.toThrow(/inner dimensions/);
  });

  it('computes squared distances, norms and nearest rows with ties to the lowest index', async () => {
    const x = m(3, 2, [0, 0, 1, 1, 3, 0]);
    const c = m(3, 2, [1, 0, 0, 1, 3, 0]);
    expect(Array.from((await engine.squaredDistances(x, c)).data)).toEqual([1, 1, 9, 1, 1, 5, 4, 10, 0]);
    expect(Array.from(await engine.rowSquaredNorms(x))).toEqual([0, 2, 9]);
    const nearest = await engine.nearest(x, c);
    // Row 0 is at distance 1 from C0 and C1: the lowest index wins.
    expect(Array.from(nearest.index)).toEqual([0, 0, 2]);
    expect(Array.from(nearest.distance)).toEqual([1, 1, 0]);
    await expect(engine.nearest(x, m(0, 2, []))).rejects.toThrow(/no rows/);
    await expect(engine.squaredDistances(x, m(1, 3, [0, 0, 0]))).rejects.toThrow(/columns/);
  });
});
