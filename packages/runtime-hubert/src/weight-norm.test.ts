import { weightNormDim2 } from './weight-norm';

describe('weightNormDim2', () => {
  it('scales each kernel tap by g[k] / ||v[:, :, k]||', () => {
    // v [2, 1, 2]: tap 0 holds (3, 4) (norm 5), tap 1 holds (1, 0) (norm 1).
    const v = { shape: [2, 1, 2], data: Float32Array.of(3, 1, 4, 0) };
    const g = { shape: [1, 1, 2], data: Float32Array.of(10, 2) };
    const w = weightNormDim2(g, v);
    expect(w.shape).toEqual([2, 1, 2]);
    expect(Array.from(w.data)).toEqual([6, 2, 8, 0]);
  });
});
