import { createContainer, provide, Random, TOKENS, type Clusterer, type TensorEngine } from '@speechfold/core';
import { createKMeans, KMeansClusterer, restartSeed, runKMeans } from './kmeans';
import { matrixRows, pairwiseDistances } from './pairwise';
import { seedKMeansPlusPlus } from './seeding';
import { createJsTestEngine } from './testing/js-engine';
import { normalMatrix, referenceInertia, samePartition, separatedBlobs } from './testing/data';
import { DEFAULT_SETTINGS } from './validate';

const engine = createJsTestEngine();
// Both routes: the default (pairwise matrix) and the engine route, forced by a 1-byte budget.
const routes = [
  ['pairwise', createKMeans(engine)],
  ['engine', createKMeans(engine, { pairwiseBudgetBytes: 1 })],
] as const;

describe('KMeansClusterer', () => {
  it('is named kmeans and resolves from a container holding a TensorEngine', () => {
    const container = createContainer();
    provide<TensorEngine>(container, TOKENS.TensorEngine, engine);
    container.register(TOKENS.Clusterer, { useClass: KMeansClusterer });
    const clusterer = container.resolve<Clusterer>(TOKENS.Clusterer);
    expect(clusterer).toBeInstanceOf(KMeansClusterer);
    expect(clusterer.name).toBe('kmeans');
  });

  it('returns the identity clustering at K = N (labels 0..N-1 in order, inertia 0)', async () => {
    const x = normalMatrix(1, 7, 3);
    const result = await createKMeans(engine).cluster(x, 7, { seed: 0 });
    expect(Array.from(result.labels)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(result.centroids.data).toEqual(x.data);
    expect(result.centroids.data).not.toBe(x.data);
    expect([result.inertia, result.iterations]).toEqual([0, 0]);
  });

  it('returns the mean at K = 1', async () => {
    const x = { data: Float32Array.of(1, 10, 3, 20, 5, 60), rows: 3, cols: 2 };
    const result = await createKMeans(engine).cluster(x, 1, { seed: 0 });
    expect(Array.from(result.labels)).toEqual([0, 0, 0]);
    expect(Array.from(result.centroids.data)).toEqual([3, 30]);
    expect(result.inertia).toBe(4 + 400 + 0 + 100 + 4 + 900);
  });

  it.each(routes)('recovers well-separated blobs exactly (%s route)', async (_route, clusterer) => {
    for (const [seed, blobs, perBlob, cols] of [
      [1, 8, 12, 5],
      [2, 20, 5, 3],
      [3, 3, 40, 16],
    ]) {
      const { features, truth } = separatedBlobs(seed, blobs, perBlob, cols);
      const result = await clusterer.cluster(features, blobs, { seed: 0 });
      expect(samePartition(result.labels, truth)).toBe(true);
      expect(result.inertia).toBeCloseTo(referenceInertia(features, result.labels, result.centroids), 6);
    }
  });

  it.each(routes)('gives identical results for one seed (%s route)', async (_route, clusterer) => {
    const x = normalMatrix(2, 150, 8);
    const a = await clusterer.cluster(x, 40, { seed: 9, nInit: 2 });
    const b = await clusterer.cluster(x, 40, { seed: 9, nInit: 2 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(b.inertia).toBe(a.inertia);
    expect(b.centroids.data).toEqual(a.centroids.data);
    // Another seed is allowed to differ; it must still be a valid clustering.
    const c = await clusterer.cluster(x, 40, { seed: 10 });
    expect(new Set(c.labels).size).toBe(40);
  });

  it('derives distinct, repeatable restart seeds from (seed, restart)', () => {
    const seeds = [0, 1, 2, 3].flatMap((s) => [0, 1, 2, 3].map((r) => restartSeed(s, r)));
    expect(new Set(seeds).size).toBe(16);
    expect(restartSeed(5, 2)).toBe(restartSeed(5, 2));
  });

  it.each(routes)(
    'never does worse with more restarts, whose first is the single run (%s route)',
    async (_route, clusterer) => {
      const x = normalMatrix(3, 120, 6);
      const one = await clusterer.cluster(x, 30, { seed: 4, nInit: 1 });
      const four = await clusterer.cluster(x, 30, { seed: 4, nInit: 4 });
      expect(four.inertia).toBeLessThanOrEqual(one.inertia);
    },
  );

  it.each(routes)('ends at or below the inertia the seeding left (%s route)', async (_route, clusterer) => {
    const x = normalMatrix(4, 200, 10);
    const k = 50;
    const seeding = await seedKMeansPlusPlus(
      matrixRows(await pairwiseDistances(engine, x), x.rows),
      k,
      new Random(restartSeed(6, 0)),
    );
    const result = await clusterer.cluster(x, k, { seed: 6 });
    expect(result.inertia).toBeLessThan(seeding.potential);
    expect(result.iterations).toBeGreaterThan(1);
  });

  it.each([1, 1 << 30])(
    'runs plain Lloyd when hartigan is off (budget %i bytes), at a higher inertia',
    async (pairwiseBudgetBytes) => {
      const x = normalMatrix(6, 160, 8);
      const plain = await createKMeans(engine, { hartigan: false, pairwiseBudgetBytes }).cluster(x, 60, { seed: 1 });
      const refined = await createKMeans(engine, { pairwiseBudgetBytes }).cluster(x, 60, { seed: 1 });
      expect(refined.inertia).toBeLessThan(plain.inertia);
      expect(refined.iterations).toBeGreaterThan(plain.iterations);
      expect(new Set(plain.labels).size).toBe(60);
    },
  );

  it('reports time per phase when asked', async () => {
    const seconds = { pairwise: 0, seeding: 0, lloyd: 0, hartigan: 0 };
    await runKMeans(engine, normalMatrix(5, 100, 4), 10, 0, DEFAULT_SETTINGS, seconds);
    for (const value of Object.values(seconds)) expect(value).toBeGreaterThan(0);
  });
});
