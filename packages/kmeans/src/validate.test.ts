import { MethodError, OptionError, type Matrix } from '@speechfold/core';
import { createKMeans } from './kmeans';
import { createJsTestEngine } from './testing/js-engine';

const features = (rows: number, cols: number, fill = 1): Matrix => ({
  data: new Float32Array(rows * cols).fill(fill),
  rows,
  cols,
});
const clusterer = createKMeans(createJsTestEngine());
const group = 'encoder.layers.3.ffn';

/** The MethodError a cluster() call rejects with (fails the test if it resolves or throws another type). */
async function methodError(x: Matrix, k: number, options: Record<string, unknown> = {}): Promise<MethodError> {
  const error = await clusterer.cluster(x, k, { seed: 0, group, ...options }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MethodError);
  const methodError = error as MethodError;
  expect(methodError.code).toBe('E_METHOD');
  expect(methodError.subject.group).toBe(group);
  expect(methodError.message).toContain(`group '${group}'`);
  return methodError;
}

describe('k-means input validation', () => {
  it('rejects K out of range or not an integer, naming option k', async () => {
    for (const k of [0, -1, 5, 2.5, NaN, Infinity]) {
      const error = await methodError(features(4, 2), k);
      expect(error.subject.option).toBe('k');
      expect(error.message).toMatch(/k/);
    }
    expect((await methodError(features(4, 2), 5)).message).toContain('1 <= k <= 4');
  });

  it('rejects zero rows and features that are not rows x cols', async () => {
    expect((await methodError(features(0, 3), 1)).message).toMatch(/no rows/);
    const short = { data: new Float32Array(5), rows: 2, cols: 3 };
    expect((await methodError(short, 1)).message).toContain('2x3 (6 values) but hold 5 values');
    expect((await methodError({ data: new Float32Array(0), rows: -1, cols: 0 }, 1)).message).toMatch(/invalid shape/);
    const notFloat32 = { data: new Float64Array(4) as unknown as Float32Array, rows: 2, cols: 2 };
    expect((await methodError(notFloat32, 1)).message).toMatch(/Float32Array/);
  });

  it('names the row and column of a NaN or infinite value', async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const x = features(5, 3);
      x.data[3 * 3 + 2] = bad;
      const error = await methodError(x, 2);
      expect(error.message).toContain('row 3, column 2');
      expect(error.message).toContain(String(bad));
    }
  });

  it('rejects bad per-call options, naming the option', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['seed', { seed: 1.5 }],
      ['seed', { seed: NaN }],
      ['nInit', { nInit: 0 }],
      ['nInit', { nInit: 1.5 }],
      ['maxIter', { maxIter: 0 }],
      ['tol', { tol: -1 }],
      ['tol', { tol: NaN }],
    ];
    for (const [option, options] of cases) {
      expect((await methodError(features(4, 2), 2, options)).subject.option).toBe(option);
    }
  });

  it('rejects bad defaults with an OptionError', () => {
    const engine = createJsTestEngine();
    expect(() => createKMeans(engine, { nInit: 0 })).toThrow(OptionError);
    expect(() => createKMeans(engine, { tol: -0.1 })).toThrow(/kmeans.tol/);
    expect(() => createKMeans(engine, { pairwiseBudgetBytes: 0.5 })).toThrow(/kmeans.pairwiseBudgetBytes/);
    expect(() => createKMeans(engine, { hartigan: 'yes' as unknown as boolean })).toThrow(/kmeans.hartigan/);
    expect(createKMeans(engine, { nInit: 3, tol: undefined }).settings).toMatchObject({
      nInit: 3,
      tol: 1e-4,
      maxIter: 300,
      hartigan: true,
    });
  });
});
