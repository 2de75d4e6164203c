import { Random, ThreadPool, type Matrix } from '@speechfold/core';
import { lloyd } from './lloyd';
import { clusterMeans, exactInertia, gatherRows } from './means';
import { matrixRows, pairwiseDistances } from './pairwise';
import {
  assignToCenters,
  groupByCluster,
  pairwiseHartigan,
  pairwiseLloyd,
  sharedPairwise,
  withinSums,
  type Pairwise,
} from './pairwise-kmeans';
import { seedKMeansPlusPlus } from './seeding';
import { createJsTestEngine } from './testing/js-engine';
import { normalMatrix } from './testing/data';

const engine = createJsTestEngine();
const options = { maxIter: 300, tol: 1e-4 };

async function pairwiseOf(x: Matrix): Promise<Pairwise> {
  return { data: await pairwiseDistances(engine, x), n: x.rows };
}

/** Exact objective change of moving point i to cluster b (float64, from the features). */
function moveGain(x: Matrix, labels: Int32Array, k: number, i: number, b: number): number {
  const before = exactInertia(x, labels, clusterMeans(x, labels, k));
  const moved = labels.slice();
  moved[i] = b;
  return before - exactInertia(x, moved, clusterMeans(x, moved, k));
}

describe('k-means on the pairwise matrix', () => {
  it('gets within-cluster sums and point-to-mean distances right', async () => {
    const x = normalMatrix(1, 30, 4);
    const p = await pairwiseOf(x);
    const k = 4;
    const labels = Int32Array.from({ length: 30 }, (_, i) => i % k);
    const within = withinSums(p, groupByCluster(labels, k), k);
    const means = clusterMeans(x, labels, k);
    for (let c = 0; c < k; c++) {
      let direct = 0;
      for (let i = 0; i < 30; i++)
        for (let j = 0; j < 30; j++) if (labels[i] === c && labels[j] === c) direct += p.data[i * 30 + j];
      expect(within[c]).toBeCloseTo(direct, 6);
      // |y - mean|^2 = S(y, A) / n - W / (2 n^2), the identity the passes rely on.
      const y = 7;
      let s = 0;
      for (let j = 0; j < 30; j++) if (labels[j] === c) s += p.data[y * 30 + j];
      const n = labels.filter((l) => l === c).length;
      const viaP = s / n - within[c] / (2 * n * n);
      const direct2 = exactInertia(gatherRows(x, [y]), Int32Array.of(0), gatherRows(means, [c]));
      expect(viaP).toBeCloseTo(direct2, 4);
    }
  });

  it('runs the same Lloyd iterations as the engine-based Lloyd from the same seeds', async () => {
    const x = normalMatrix(2, 120, 6);
    const p = await pairwiseOf(x);
    const k = 12;
    const { centers } = await seedKMeansPlusPlus(matrixRows(p.data, p.n), k, new Random(4));
    const viaP = await pairwiseLloyd(p, assignToCenters(p, centers), k, options);
    const viaEngine = await lloyd(engine, x, gatherRows(x, centers), options);
    expect(Array.from(viaP.labels)).toEqual(Array.from(viaEngine.labels));
    expect(viaP.iterations).toBe(viaEngine.iterations);
  });

  it('ends Hartigan at a state where no single move lowers the exact objective', async () => {
    const x = normalMatrix(3, 40, 3);
    const p = await pairwiseOf(x);
    const k = 9;
    const { centers } = await seedKMeansPlusPlus(matrixRows(p.data, p.n), k, new Random(5));
    const afterLloyd = await pairwiseLloyd(p, assignToCenters(p, centers), k, options);
    const lloydInertia = exactInertia(x, afterLloyd.labels, clusterMeans(x, afterLloyd.labels, k));
    const refined = await pairwiseHartigan(p, afterLloyd.labels.slice(), k, { maxIter: 300, tol: 0 }, afterLloyd.iterations);
    const refinedInertia = exactInertia(x, refined.labels, clusterMeans(x, refined.labels, k));
    expect(refinedInertia).toBeLessThan(lloydInertia);
    const sizes = new Int32Array(k);
    for (const l of refined.labels) sizes[l]++;
    for (let i = 0; i < x.rows; i++) {
      if (sizes[refined.labels[i]] === 1) continue;
      for (let b = 0; b < k; b++) {
        if (b !== refined.labels[i])
          expect(moveGain(x, refined.labels, k, i, b)).toBeLessThanOrEqual(1e-6 * refinedInertia);
      }
    }
  });

  it('stops Hartigan at maxIter', async () => {
    const x = normalMatrix(4, 50, 3);
    const p = await pairwiseOf(x);
    const labels = Int32Array.from({ length: 50 }, (_, i) => i % 5);
    expect((await pairwiseHartigan(p, labels, 5, { maxIter: 3, tol: 0 }, 2)).iterations).toBe(3);
    expect((await pairwiseLloyd(p, labels, 5, { maxIter: 1, tol: 0 })).iterations).toBe(1);
  });
});

describe('the passes on worker threads', () => {
  const pool = new ThreadPool(3);
  afterAll(() => pool.close());

  it('give the same labels and iterations as in this thread (Lloyd, then Hartigan in blocks)', async () => {
    const x = normalMatrix(9, 301, 5);
    const here = await pairwiseOf(x);
    const threads = { pool, minWork: 0 };
    const there = sharedPairwise(here, threads);
    expect(there.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(there.data)).toEqual(Array.from(here.data));
    const k = 37;
    const { centers } = await seedKMeansPlusPlus(matrixRows(here.data, here.n), k, new Random(5));
    const start = assignToCenters(here, centers);
    const lloydHere = await pairwiseLloyd(here, start, k, options);
    const lloydThere = await pairwiseLloyd(there, start, k, options, 1, threads);
    expect(lloydThere.iterations).toBe(lloydHere.iterations);
    expect(Array.from(lloydThere.labels)).toEqual(Array.from(lloydHere.labels));
    expect(lloydHere.iterations).toBeGreaterThan(2);
    const hartiganHere = await pairwiseHartigan(here, lloydHere.labels.slice(), k, { maxIter: 300, tol: 0 }, lloydHere.iterations);
    const hartiganThere = await pairwiseHartigan(there, lloydHere.labels.slice(), k, { maxIter: 300, tol: 0 }, lloydHere.iterations, threads);
    expect(hartiganThere.iterations).toBe(hartiganHere.iterations);
    expect(Array.from(hartiganThere.labels)).toEqual(Array.from(hartiganHere.labels));
    // Hartigan moved some points (the comparison is not of two untouched copies).
    expect(Array.from(hartiganHere.labels)).not.toEqual(Array.from(lloydHere.labels));
  });
});
