import { MethodError, Random } from '@speechfold/core';
import { jsMatmul, matmulAuto, transpose } from './matmul';
import { CountingEngine, maxAbsDiff, randomMatrix, referenceMatmul } from './reference.test-helper';

describe('matmulAuto', () => {
  const random = new Random(1);
  const cases: Array<[boolean, boolean]> = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ];

  it.each(cases)('matches the definition in JS (transposeA %s, transposeB %s)', (transposeA, transposeB) => {
    const a = transposeA ? randomMatrix(random, 7, 5) : randomMatrix(random, 5, 7);
    const b = transposeB ? randomMatrix(random, 3, 7) : randomMatrix(random, 7, 3);
    const got = jsMatmul(a, b, { transposeA, transposeB });
    expect([got.rows, got.cols]).toEqual([5, 3]);
    expect(maxAbsDiff(got.data, referenceMatmul(a, b, { transposeA, transposeB }).data)).toBeLessThan(1e-5);
  });

  it('stays in JS below the threshold and calls the engine at or above it', async () => {
    const engine = new CountingEngine();
    const a = randomMatrix(random, 4, 5);
    const b = randomMatrix(random, 6, 5);
    const small = await matmulAuto(engine, a, b, { transposeB: true, engineMinWork: 4 * 5 * 6 + 1 });
    expect(engine.calls).toBe(0);
    const big = await matmulAuto(engine, a, b, { transposeB: true, engineMinWork: 4 * 5 * 6 });
    expect(engine.calls).toBe(1);
    expect(maxAbsDiff(small.data, big.data)).toBeLessThan(1e-6);
  });

  it('rejects mismatched inner dims with MethodError', async () => {
    const engine = new CountingEngine();
    await expect(matmulAuto(engine, randomMatrix(random, 2, 3), randomMatrix(random, 4, 2))).rejects.toBeInstanceOf(MethodError);
  });

  it('transposes', () => {
    const m = { data: Float32Array.of(1, 2, 3, 4, 5, 6), rows: 2, cols: 3 };
    expect(Array.from(transpose(m).data)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
