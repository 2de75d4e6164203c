import type { Matrix } from '@speechfold/core';
import { fillEmptyClusters, lloyd } from './lloyd';
import { hartiganRefine } from './hartigan';
import { createJsTestEngine } from './testing/js-engine';
import { normalMatrix, referenceInertia } from './testing/data';
import { gatherRows } from './means';

const engine = createJsTestEngine();

describe('engine-based Lloyd and Hartigan', () => {
  it('re-seeds empty clusters with the farthest points, taken only from clusters of size > 1', () => {
    // Cluster 0 holds points 0-3, cluster 1 holds point 4 alone (and is the farthest); 2 and 3 are empty.
    const labels = Int32Array.of(0, 0, 0, 0, 1);
    const distance = Float32Array.of(1, 5, 3, 0, 9);
    expect(fillEmptyClusters(labels, distance, 4)).toBe(2);
    expect(Array.from(labels)).toEqual([0, 2, 3, 0, 1]);
    expect(Array.from(distance)).toEqual([1, 0, 0, 0, 9]);
    expect(fillEmptyClusters(labels, distance, 4)).toBe(0);
  });

  it('never returns an empty cluster when centroids coincide', async () => {
    const x: Matrix = { data: Float32Array.of(0, 0, 0, 1, 1, 1), rows: 6, cols: 1 };
    // Three identical initial centroids: engine.nearest sends every point to the first one.
    const result = await lloyd(
      engine,
      x,
      { data: Float32Array.of(0, 0, 0), rows: 3, cols: 1 },
      { maxIter: 50, tol: 0 },
    );
    const sizes = new Set(result.labels);
    expect(sizes.size).toBe(3);
    expect(result.inertia).toBeCloseTo(referenceInertia(x, result.labels, result.centroids), 12);
    expect(result.inertia).toBe(0);
  });

  it('lowers inertia from the initial centroids, and Hartigan lowers it further', async () => {
    const x = normalMatrix(7, 80, 4);
    const initial = gatherRows(x, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const start = referenceInertia(x, (await engine.nearest(x, initial)).index, initial);
    const result = await lloyd(engine, x, initial, { maxIter: 300, tol: 1e-4 });
    expect(result.inertia).toBeLessThan(start);
    const refined = await hartiganRefine(engine, x, result, { maxIter: 300, tol: 0 });
    expect(refined.inertia).toBeLessThan(result.inertia);
    expect(refined.iterations).toBeGreaterThan(result.iterations);
    expect(refined.inertia).toBeCloseTo(referenceInertia(x, refined.labels, refined.centroids), 8);
    const limited = await lloyd(engine, x, initial, { maxIter: 2, tol: 0 });
    expect(limited.iterations).toBe(2);
  });
});
