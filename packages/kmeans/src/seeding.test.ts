import { Random, type Matrix } from '@speechfold/core';
import { engineRows, matrixRows, pairwiseDistances } from './pairwise';
import { localTrials, seedKMeansPlusPlus } from './seeding';
import { createJsTestEngine } from './testing/js-engine';
import { normalMatrix } from './testing/data';

const engine = createJsTestEngine();
const line = (values: number[]): Matrix => ({ data: Float32Array.from(values), rows: values.length, cols: 1 });

/**
 * Exact probability of each center pair {first, second} for greedy k-means++ with K = 2 on 1-D
 * points: first uniform, then `trials` candidates drawn iid with probability D^2 / sum D^2, keeping
 * the first candidate with the lowest potential (scikit-learn's argmin keeps the first too).
 */
function exactPairProbabilities(points: number[], trials: number): Map<string, number> {
  const n = points.length;
  const result = new Map<string, number>();
  for (let f = 0; f < n; f++) {
    const d2 = points.map((p) => (p - points[f]) ** 2);
    const total = d2.reduce((s, v) => s + v, 0);
    const potential = (c: number) => d2.reduce((s, v, i) => s + Math.min(v, (points[i] - points[c]) ** 2), 0);
    // Enumerate all candidate tuples (n^trials, small here).
    const tuple = new Array<number>(trials).fill(0);
    for (;;) {
      let probability = 1 / n;
      for (const c of tuple) probability *= d2[c] / total;
      if (probability > 0) {
        let best = tuple[0];
        for (const c of tuple) if (potential(c) < potential(best)) best = c;
        const key = `${f},${best}`;
        result.set(key, (result.get(key) ?? 0) + probability);
      }
      let t = 0;
      while (t < trials && ++tuple[t] === n) tuple[t++] = 0;
      if (t === trials) break;
    }
  }
  return result;
}

describe('greedy k-means++ seeding', () => {
  it('uses 2 + floor(ln k) local trials, as scikit-learn does', () => {
    expect([1, 2, 7, 8, 50, 2048, 4608].map(localTrials)).toEqual([2, 2, 3, 4, 5, 9, 10]);
  });

  it('draws center pairs with the exact greedy k-means++ distribution', async () => {
    const points = [0, 1, 3, 7, 7.5];
    const x = line(points);
    const rows = matrixRows(await pairwiseDistances(engine, x), x.rows);
    const expected = exactPairProbabilities(points, localTrials(2));
    const draws = 20000;
    const counts = new Map<string, number>();
    for (let seed = 0; seed < draws; seed++) {
      const { centers } = await seedKMeansPlusPlus(rows, 2, new Random(seed));
      const key = `${centers[0]},${centers[1]}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const key of counts.keys()) expect(expected.has(key)).toBe(true);
    for (const [key, probability] of expected) {
      const observed = (counts.get(key) ?? 0) / draws;
      // 5 binomial standard deviations: a wrong distribution fails, noise does not.
      const sigma = Math.sqrt((probability * (1 - probability)) / draws);
      expect(Math.abs(observed - probability)).toBeLessThanOrEqual(5 * sigma + 1e-9);
    }
  });

  it('returns distinct centers and their potential, even with fewer distinct points than K', async () => {
    const x = line([2, 2, 2, 5, 5, 2, 5, 2]);
    const rows = matrixRows(await pairwiseDistances(engine, x), x.rows);
    for (let seed = 0; seed < 20; seed++) {
      const { centers, potential } = await seedKMeansPlusPlus(rows, 6, new Random(seed));
      expect(new Set(centers).size).toBe(6);
      // Both distinct values are centers once the potential reaches 0.
      expect(new Set(Array.from(centers, (c) => x.data[c]))).toEqual(new Set([2, 5]));
      expect(potential).toBe(0);
    }
  });

  it('draws the same centers from precomputed rows and from per-step engine calls', async () => {
    const x = normalMatrix(11, 60, 5);
    const fromMatrix = await seedKMeansPlusPlus(
      matrixRows(await pairwiseDistances(engine, x), x.rows),
      17,
      new Random(3),
    );
    const fromEngine = await seedKMeansPlusPlus(engineRows(engine, x), 17, new Random(3));
    expect(Array.from(fromEngine.centers)).toEqual(Array.from(fromMatrix.centers));
    expect(fromEngine.potential).toBeCloseTo(fromMatrix.potential, 6);
  });

  it('computes a symmetric pairwise matrix with a zero diagonal across blocks', async () => {
    // 1000 rows make two row blocks, so off-diagonal blocks are mirrored.
    const x = normalMatrix(5, 1000, 2);
    const p = await pairwiseDistances(engine, x);
    const n = x.rows;
    for (const [i, j] of [
      [0, 999],
      [10, 700],
      [600, 3],
      [999, 999],
      [500, 501],
    ]) {
      const direct = (x.data[2 * i] - x.data[2 * j]) ** 2 + (x.data[2 * i + 1] - x.data[2 * j + 1]) ** 2;
      expect(p[i * n + j]).toBeCloseTo(direct, 4);
      expect(p[i * n + j]).toBe(p[j * n + i]);
    }
    for (let i = 0; i < n; i++) expect(p[i * n + i]).toBe(0);
  });
});
