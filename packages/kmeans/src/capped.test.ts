import fc from 'fast-check';
import {
  createContainer,
  MethodError,
  OptionError,
  provide,
  TOKENS,
  type Clusterer,
  type Matrix,
  type TensorEngine,
} from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { CappedClusterer, CappedRun, createCappedClusterer, DEFAULT_CAPPED_OPTIONS, type CappedOptions } from './capped';
import { clusterMeans } from './means';
import { createJsTestEngine } from './testing/js-engine';
import { normalMatrix, referenceInertia } from './testing/data';

const engine = createJsTestEngine();
const group = 'decoder.layers.1.ffn';

/** Sizes of the clusters of a labelling into k clusters. */
function sizesOf(labels: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]++;
  return sizes;
}

/** Squared distance between rows i and j, in float64. */
function distance2(x: Matrix, i: number, j: number): number {
  let sum = 0;
  for (let t = 0; t < x.cols; t++) {
    const diff = x.data[i * x.cols + t] - x.data[j * x.cols + t];
    sum += diff * diff;
  }
  return sum;
}

/** Renumbers cluster ids by first appearance, as the clusterer does. */
function byFirstAppearance(ids: ArrayLike<number>): Int32Array {
  const seen = new Map<number, number>();
  return Int32Array.from(Array.from(ids), (id) => {
    if (!seen.has(id)) seen.set(id, seen.size);
    return seen.get(id) as number;
  });
}

/** Brute force: all pairs by a cost (default squared distance; ties: lower i, then j), each taken if both are free. */
function greedyMatching(x: Matrix, k: number, cost: (i: number, j: number) => number = (i, j) => distance2(x, i, j)): Int32Array {
  const n = x.rows;
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([cost(i, j), i, j]);
  pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
  const owner = Int32Array.from({ length: n }, (_, i) => i);
  const matched = new Uint8Array(n);
  let merges = 0;
  for (const [, i, j] of pairs) {
    if (merges === n - k) break;
    if (matched[i] || matched[j]) continue;
    matched[i] = matched[j] = 1;
    owner[j] = i;
    merges++;
  }
  return byFirstAppearance(owner);
}

/** Brute force: Ward's agglomeration with no cap, every pair searched at every step. */
function wardAgglomeration(x: Matrix, k: number): Int32Array {
  const n = x.rows;
  const d = x.cols;
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const sums: number[][] = Array.from({ length: n }, (_, i) => Array.from(x.data.subarray(i * d, (i + 1) * d)));
  const live = new Set(Array.from({ length: n }, (_, i) => i));
  while (live.size > k) {
    let best: [number, number, number] = [Infinity, -1, -1];
    const ids = [...live].sort((a, b) => a - b);
    for (const a of ids) {
      for (const b of ids) {
        if (b <= a) continue;
        const na = members[a].length;
        const nb = members[b].length;
        let sum = 0;
        for (let t = 0; t < d; t++) {
          const diff = sums[a][t] / na - sums[b][t] / nb;
          sum += diff * diff;
        }
        const cost = ((na * nb) / (na + nb)) * sum;
        if (cost < best[0]) best = [cost, a, b];
      }
    }
    const [, a, b] = best;
    members[a].push(...members[b]);
    for (let t = 0; t < d; t++) sums[a][t] += sums[b][t];
    live.delete(b);
  }
  const owner = new Int32Array(n);
  for (const a of live) for (const i of members[a]) owner[i] = a;
  return byFirstAppearance(owner);
}

/** The checks every result must pass: K non-empty clusters within the cap, exact means and inertia. */
function expectValid(x: Matrix, k: number, cap: number, result: Awaited<ReturnType<Clusterer['cluster']>>): void {
  expect(result.labels).toHaveLength(x.rows);
  for (const label of result.labels) expect(Number.isInteger(label) && label >= 0 && label < k).toBe(true);
  const sizes = sizesOf(result.labels, k);
  expect(sizes.every((s) => s >= 1 && s <= cap)).toBe(true);
  // Numbered by first appearance.
  expect(result.labels).toEqual(byFirstAppearance(result.labels));
  expect(result.centroids.data).toEqual(clusterMeans(x, result.labels, k).data);
  const recomputed = referenceInertia(x, result.labels, result.centroids);
  expect(Math.abs(result.inertia - recomputed)).toBeLessThanOrEqual(1e-9 * Math.max(1, recomputed));
  expect(result.iterations).toBe(x.rows - k);
}

describe('CappedClusterer', () => {
  it("is named 'capped' and resolves from a container holding a TensorEngine", () => {
    const container = createContainer();
    provide<TensorEngine>(container, TOKENS.TensorEngine, engine);
    container.register(TOKENS.Clusterer, { useClass: CappedClusterer });
    const clusterer = container.resolve<Clusterer>(TOKENS.Clusterer);
    expect(clusterer).toBeInstanceOf(CappedClusterer);
    expect(clusterer.name).toBe('capped');
    expect((clusterer as CappedClusterer).options).toEqual(DEFAULT_CAPPED_OPTIONS);
    expect(DEFAULT_CAPPED_OPTIONS).toEqual({ cap: 'auto', neighbours: 32, pairwiseBudgetBytes: 512 * 1024 * 1024 });
  });

  it('keeps every cluster within the cap, with exactly K clusters and N labels (property)', async () => {
    const problem = fc
      .record({
        rows: fc.integer({ min: 2, max: 24 }),
        cols: fc.integer({ min: 1, max: 3 }),
        cap: fc.constantFrom(2, 3, 4),
      })
      .chain(({ rows, cols, cap }) =>
        fc.record({
          rows: fc.constant(rows),
          cols: fc.constant(cols),
          cap: fc.constant(cap),
          // Few distinct values: many duplicates and ties. Or a continuous spread.
          values: fc.oneof(
            fc.array(fc.constantFrom(0, 1, 2.5, -3), { minLength: rows * cols, maxLength: rows * cols }),
            fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols }),
          ),
          k: fc.integer({ min: Math.ceil(rows / cap), max: rows }),
          neighbours: fc.constantFrom(1, 2, 3, 32),
          budget: fc.constantFrom(1, 512 * 1024 * 1024),
        }),
      );
    await fc.assert(
      fc.asyncProperty(problem, async ({ rows, cols, cap, values, k, neighbours, budget }) => {
        const x = { data: Float32Array.from(values), rows, cols };
        const clusterer = createCappedClusterer(engine, { cap, neighbours, pairwiseBudgetBytes: budget });
        const result = await clusterer.cluster(x, k, { seed: 0 });
        expectValid(x, k, cap, result);
        expect(x.data).toEqual(Float32Array.from(values));
      }),
      { numRuns: 300, seed: 4242, endOnFailure: true },
    );
  });

  it('merges identical points before anything else', async () => {
    // 9 distinct points far apart, then duplicates of three of them: K = N - 3 pairs exactly those.
    const base = normalMatrix(3, 9, 4);
    for (let i = 0; i < base.data.length; i++) base.data[i] *= 100;
    const dups = [7, 2, 5];
    const data = new Float32Array((9 + dups.length) * 4);
    data.set(base.data);
    dups.forEach((src, r) => data.set(base.data.subarray(src * 4, src * 4 + 4), (9 + r) * 4));
    const x = { data, rows: 12, cols: 4 };
    for (const options of [{}, { neighbours: 1 }, { cap: 3 }, { cap: 4, neighbours: 2 }] as CappedOptions[]) {
      const result = await createCappedClusterer(engine, options).cluster(x, 9, { seed: 0 });
      const expected = Int32Array.from({ length: 12 }, (_, i) => (i < 9 ? i : dups[i - 9]));
      expect(result.labels).toEqual(expected);
      expect(result.inertia).toBe(0);
    }
  });

  it('with cap 2 equals the brute-force greedy matching on squared distance', async () => {
    for (let seed = 0; seed < 12; seed++) {
      const n = 6 + ((seed * 7) % 25);
      const x = normalMatrix(100 + seed, n, 1 + (seed % 5));
      for (const k of [n - 1, Math.ceil((3 * n) / 4), Math.ceil(n / 2)]) {
        const expected = greedyMatching(x, k);
        // Full candidate lists, and short ones that must be refilled along the way.
        for (const neighbours of [32, 3, 1]) {
          const result = await createCappedClusterer(engine, { cap: 2, neighbours }).cluster(x, k, { seed: 0 });
          expect(result.labels).toEqual(expected);
        }
      }
    }
  });

  it('with cap 2 and a pair cost, matches by that cost: the brute-force greedy matching when every unit is a candidate', async () => {
    for (let seed = 0; seed < 8; seed++) {
      const n = 6 + ((seed * 5) % 19);
      const x = normalMatrix(200 + seed, n, 3);
      // A cost unrelated to the feature distance: the product of the units' first features, shifted.
      const cost = (a: number, b: number): number => (x.data[a * 3] + 5) * (x.data[b * 3] + 5) + 0.01 * (a + b);
      for (const k of [n - 1, Math.ceil((2 * n) / 3), Math.ceil(n / 2)]) {
        const full = await createCappedClusterer(engine, { cap: 2, neighbours: n }).cluster(x, k, { seed: 0, pairCost: cost });
        expectValid(x, k, 2, full);
        expect(full.labels).toEqual(greedyMatching(x, k, cost));
        // Short candidate lists still give exactly K clusters of at most 2 units.
        const short = await createCappedClusterer(engine, { cap: 2, neighbours: 1 }).cluster(x, k, { seed: 0, pairCost: cost });
        expectValid(x, k, 2, short);
      }
    }
  });

  it('with a cap of N equals the brute-force Ward agglomeration (full candidate lists)', async () => {
    for (let seed = 0; seed < 6; seed++) {
      const n = 5 + seed * 3;
      const x = normalMatrix(200 + seed, n, 3);
      for (const k of [n - 2, Math.ceil(n / 2), 2]) {
        const result = await createCappedClusterer(engine, { cap: n }).cluster(x, k, { seed: 0 });
        expect(result.labels).toEqual(wardAgglomeration(x, k));
      }
    }
  });

  it('gives the same exact results when it starts from the full search of all pairs', async () => {
    // The full search is what runs when the heap runs dry; starting with it runs it again and again.
    const budget = DEFAULT_CAPPED_OPTIONS.pairwiseBudgetBytes;
    for (let seed = 0; seed < 6; seed++) {
      const n = 8 + seed * 2;
      const x = normalMatrix(300 + seed, n, 2);
      for (const k of [n - 2, Math.ceil(n / 2)]) {
        for (const neighbours of [1, 3]) {
          const run = new CappedRun(engine, x, k, 2, neighbours, budget, true);
          expect(byFirstAppearance(await run.run())).toEqual(greedyMatching(x, k));
        }
        const ward = new CappedRun(engine, x, k, n, 32, 1000, true);
        expect(byFirstAppearance(await ward.run())).toEqual(wardAgglomeration(x, k));
      }
      const k = Math.ceil(n / 3);
      const capped = new CappedRun(engine, x, k, 3, 1, budget, true);
      const labels = byFirstAppearance(await capped.run());
      expect(Math.max(...sizesOf(labels, k))).toBeLessThanOrEqual(3);
      expect(capped.liveClusters()).toHaveLength(k);
      capped.checkPlan();
    }
  });

  it('reaches K where plain greedy merging would get stuck under the cap', async () => {
    // Three tight pairs far apart: greedy makes the pairs, and with cap 3 no two pairs may merge.
    const x = { data: Float32Array.of(0, 0.1, 10, 10.1, 20, 20.1), rows: 6, cols: 1 };
    const result = await createCappedClusterer(engine, { cap: 3 }).cluster(x, 2, { seed: 0 });
    expect(sizesOf(result.labels, 2)).toEqual([3, 3]);
    // And at the 'auto' cap (3 here) for a larger tight case: 30 units in 10 clusters of exactly 3.
    const y = normalMatrix(5, 30, 2);
    const tight = await createCappedClusterer(engine).cluster(y, 10, { seed: 0 });
    expectValid(y, 10, 3, tight);
    expect(sizesOf(tight.labels, 10)).toEqual(new Array(10).fill(3));
  });

  it("uses the 'auto' cap max(2, ceil(N / K))", async () => {
    const x = normalMatrix(6, 20, 3);
    for (const [k, cap] of [
      [19, 2],
      [10, 2],
      [9, 3],
      [7, 3],
      [6, 4],
      [3, 7],
    ]) {
      const result = await createCappedClusterer(engine).cluster(x, k, { seed: 0 });
      expectValid(x, k, cap, result);
      // Auto is the cap given explicitly.
      const explicit = await createCappedClusterer(engine, { cap }).cluster(x, k, { seed: 0 });
      expect(result.labels).toEqual(explicit.labels);
    }
  });

  it('returns the identity at K = N and the mean at K = 1', async () => {
    const x = normalMatrix(1, 7, 3);
    const identity = await createCappedClusterer(engine).cluster(x, 7, { seed: 0 });
    expect(Array.from(identity.labels)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(identity.centroids.data).toEqual(x.data);
    expect([identity.inertia, identity.iterations]).toEqual([0, 0]);
    const one = await createCappedClusterer(engine).cluster(x, 1, { seed: 0 });
    expect(Array.from(one.labels)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expectValid(x, 1, 7, one);
  });

  it('reports the exact inertia of its labels and ignores the seed', async () => {
    const x = normalMatrix(9, 60, 5);
    const a = await createCappedClusterer(engine, { cap: 3 }).cluster(x, 25, { seed: 0 });
    const b = await createCappedClusterer(engine, { cap: 3 }).cluster(x, 25, { seed: 123, nInit: 4 });
    expect(b.labels).toEqual(a.labels);
    expect(a.inertia).toBeCloseTo(referenceInertia(x, a.labels, a.centroids), 9);
    expectValid(x, 25, 3, a);
  });

  it('gives the same labels from the whole distance matrix and from row blocks', async () => {
    const x = normalMatrix(10, 80, 6);
    for (const [k, cap] of [
      [60, 2],
      [40, 2],
      [30, 3],
    ]) {
      const whole = await createCappedClusterer(engine, { cap, neighbours: 4 }).cluster(x, k, { seed: 0 });
      const blocks = await createCappedClusterer(engine, { cap, neighbours: 4, pairwiseBudgetBytes: 1000 }).cluster(
        x,
        k,
        { seed: 0 },
      );
      expect(blocks.labels).toEqual(whole.labels);
    }
  });

  describe('errors', () => {
    const clusterer = createCappedClusterer(engine);

    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      return promise.then(
        () => null,
        (e: unknown) => e,
      );
    }

    it('rejects K outside [1, N] or not an integer with a MethodError naming the group', async () => {
      const x = normalMatrix(1, 5, 2);
      for (const k of [0, 6, 2.5, NaN]) {
        const error = await rejection(clusterer.cluster(x, k, { seed: 0, group }));
        expect(error).toBeInstanceOf(MethodError);
        expect((error as MethodError).subject.group).toBe(group);
        expect((error as MethodError).message).toContain(`group '${group}'`);
      }
    });

    it('rejects a cap that is not a positive integer (or auto) with an OptionError naming cap', () => {
      for (const cap of [0, -2, 1.5, NaN, 'big']) {
        let error: unknown = null;
        try {
          createCappedClusterer(engine, { cap: cap as number });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(OptionError);
        expect((error as OptionError).subject.option).toBe('cap');
      }
      expect(() => createCappedClusterer(engine, { neighbours: 0 })).toThrow(OptionError);
      expect(() => createCappedClusterer(engine, { pairwiseBudgetBytes: 0.5 })).toThrow(OptionError);
      expect(() => clusterer.withOptions({ cap: 0 })).toThrow(/option cap/);
      expect(createCappedClusterer(engine, { cap: 1 }).options.cap).toBe(1);
    });

    it('rejects a cap that cannot reach K, naming the smallest cap that can', async () => {
      const x = normalMatrix(2, 10, 2);
      const error = await rejection(createCappedClusterer(engine, { cap: 2 }).cluster(x, 4, { seed: 0, group }));
      expect(error).toBeInstanceOf(MethodError);
      const { message, subject } = error as MethodError;
      expect(subject).toEqual({ group, option: 'cap' });
      expect(message).toContain('cap 2 cannot reach k = 4');
      expect(message).toContain('the smallest cap that can reach k = 4 is ceil(10 / 4) = 3');
      // Cap 1 reaches only K = N.
      expect(await rejection(createCappedClusterer(engine, { cap: 1 }).cluster(x, 9, { seed: 0 }))).toBeInstanceOf(
        MethodError,
      );
      const identity = await createCappedClusterer(engine, { cap: 1 }).cluster(x, 10, { seed: 0 });
      expect(identity.iterations).toBe(0);
    });

    it('rejects non-finite features with a MethodError naming the row', async () => {
      const x = normalMatrix(3, 6, 2);
      x.data[7] = NaN;
      const error = await rejection(clusterer.cluster(x, 3, { seed: 0, group }));
      expect(error).toBeInstanceOf(MethodError);
      expect((error as MethodError).message).toContain('row 3, column 1 is NaN');
      x.data[7] = Infinity;
      expect(await rejection(clusterer.cluster(x, 3, { seed: 0 }))).toBeInstanceOf(MethodError);
    });
  });
});

describe('CappedClusterer across engines (js-test vs onnxruntime)', () => {
  let ort: TensorEngine;
  beforeAll(async () => {
    ort = await createOnnxruntimeEngine({ threads: 2 });
  });
  afterAll(async () => {
    await ort?.dispose();
  });

  it('gives the same labels on a moderate random input', async () => {
    const x = normalMatrix(11, 400, 24);
    for (const [k, options] of [
      [360, {}],
      [200, {}],
      [200, { neighbours: 4 }],
      [150, { cap: 3 }],
      [120, { cap: 4, neighbours: 8 }],
    ] as [number, CappedOptions][]) {
      const a = await createCappedClusterer(engine, options).cluster(x, k, { seed: 0 });
      const b = await createCappedClusterer(ort, options).cluster(x, k, { seed: 0 });
      expect(b.labels).toEqual(a.labels);
      expect(b.inertia).toBe(a.inertia);
    }
  });
});
