import fc from 'fast-check';
import { createKMeans } from './kmeans';
import { clusterMeans } from './means';
import { createJsTestEngine } from './testing/js-engine';
import { referenceInertia } from './testing/data';

const engine = createJsTestEngine();
const clusterers = [createKMeans(engine), createKMeans(engine, { pairwiseBudgetBytes: 1 })];

/** Small matrices over a tiny value set, so many rows are exact duplicates; with K, seed and nInit. */
const problem = fc
  .record({ rows: fc.integer({ min: 1, max: 14 }), cols: fc.integer({ min: 1, max: 3 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      values: fc.array(fc.constantFrom(0, 1, 2.5, -3), { minLength: rows * cols, maxLength: rows * cols }),
      k: fc.integer({ min: 1, max: rows }),
      seed: fc.integer({ min: 0, max: 1000 }),
      nInit: fc.integer({ min: 1, max: 3 }),
      maxIter: fc.constantFrom(1, 2, 300),
      route: fc.integer({ min: 0, max: 1 }),
    }),
  );

describe('k-means properties', () => {
  it('labels every point into K non-empty clusters whose inertia is the recomputed one', async () => {
    await fc.assert(
      fc.asyncProperty(problem, async ({ rows, cols, values, k, seed, nInit, maxIter, route }) => {
        const x = { data: Float32Array.from(values), rows, cols };
        const result = await clusterers[route].cluster(x, k, { seed, nInit, maxIter });
        expect(result.labels).toHaveLength(rows);
        const sizes = new Int32Array(k);
        for (const label of result.labels) {
          expect(Number.isInteger(label) && label >= 0 && label < k).toBe(true);
          sizes[label]++;
        }
        expect(Array.from(sizes).every((s) => s > 0)).toBe(true);
        expect([result.centroids.rows, result.centroids.cols]).toEqual([k, cols]);
        expect(result.centroids.data).toEqual(clusterMeans(x, result.labels, k).data);
        const recomputed = referenceInertia(x, result.labels, result.centroids);
        expect(Math.abs(result.inertia - recomputed)).toBeLessThanOrEqual(1e-9 * Math.max(1, recomputed));
        // With at least K distinct points, duplicates of one point never need to be split.
        const distinct = new Set(Array.from({ length: rows }, (_, i) => values.slice(i * cols, (i + 1) * cols).join()))
          .size;
        if (distinct === k) expect(result.inertia).toBe(0);
        expect(x.data).toEqual(Float32Array.from(values));
      }),
      { numRuns: 400, seed: 20260, endOnFailure: true },
    );
  });
});
