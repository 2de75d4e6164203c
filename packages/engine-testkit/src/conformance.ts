/**
 * runEngineConformance: the jest checks every TensorEngine must pass, against plain float64 JS
 * references. Call it at the top level of a test file; it registers one describe block.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MethodError, Random, type TensorEngine } from '@speechfold/core';
import { expectNearest, maxAbs, maxAbsDiff, randomMatrix, referenceDistances, referenceMatmul } from './reference';

/** Options a conformance run may pass to the engine factory. */
export interface ConformanceOptions {
  maxBlockBytes?: number;
}

/** Creates the engine under test. */
export type EngineFactory = (options?: ConformanceOptions) => Promise<TensorEngine>;

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [65, 33, 17],
  [3, 1, 64],
];

/**
 * Registers the conformance suite for one engine: `label` names the describe block, `create` makes
 * the engine under test (once for the suite, and again with a small `maxBlockBytes` for chunking).
 */
export function runEngineConformance(label: string, create: EngineFactory): void {
  describe(`${label} conformance`, () => {
    let engine: TensorEngine;
    beforeAll(async () => {
      engine = await create();
    });
    afterAll(async () => {
      await engine?.dispose();
    });

    for (const [m, k, n] of SHAPES) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          it(`matmul ${m}x${k} @ ${k}x${n}, transposeA=${transposeA}, transposeB=${transposeB}`, async () => {
            const random = new Random(m * 1000 + k * 10 + n);
            const a = transposeA ? randomMatrix(random, k, m) : randomMatrix(random, m, k);
            const b = transposeB ? randomMatrix(random, n, k) : randomMatrix(random, k, n);
            const aCopy = a.data.slice();
            const bCopy = b.data.slice();
            const result = await engine.matmul(a, b, { transposeA, transposeB });
            const reference = referenceMatmul(a, b, transposeA, transposeB);
            expect(result.rows).toBe(m);
            expect(result.cols).toBe(n);
            expect(result.data).toBeInstanceOf(Float32Array);
            expect(maxAbsDiff(result.data, reference)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(reference)));
            // Kernels are pure: inputs come back untouched.
            expect(a.data).toEqual(aCopy);
            expect(b.data).toEqual(bCopy);
          });
        }
      }
    }

    it('matmul rejects mismatched inner dims', async () => {
      const random = new Random(1);
      await expect(engine.matmul(randomMatrix(random, 2, 3), randomMatrix(random, 4, 2))).rejects.toBeInstanceOf(MethodError);
      await expect(
        engine.matmul(randomMatrix(random, 2, 3), randomMatrix(random, 2, 3), { transposeB: false }),
      ).rejects.toThrow(/inner dims 3 and 2 differ/);
    });

    it('matmul with an empty inner dim gives zeros', async () => {
      const result = await engine.matmul({ data: new Float32Array(0), rows: 2, cols: 0 }, { data: new Float32Array(0), rows: 0, cols: 3 });
      expect(result).toEqual({ data: new Float32Array(6), rows: 2, cols: 3 });
    });

    it('matmulTransposedFloat64, where the engine has it, gives the float32 rounding of a float64 loop', async () => {
      if (engine.matmulTransposedFloat64 === undefined) return;
      const random = new Random(9);
      // Wide rows whose float32 products cancel: a float32 sum would miss most of these values.
      const a = randomMatrix(random, 300, 1024, 0.05);
      const b = randomMatrix(random, 37, 1024, 1, 0.25);
      const bias = randomMatrix(random, 1, 300, 0.1).data;
      const aCopy = a.data.slice();
      const result = await engine.matmulTransposedFloat64(a, b, bias);
      expect([result.rows, result.cols]).toEqual([300, 37]);
      const loop = (rowBias?: Float32Array): Float32Array => {
        const out = new Float32Array(300 * 37);
        for (let i = 0; i < 300; i++) {
          for (let p = 0; p < 37; p++) {
            let sum = rowBias === undefined ? 0 : rowBias[i];
            for (let j = 0; j < 1024; j++) sum += a.data[i * 1024 + j] * b.data[p * 1024 + j];
            out[i * 37 + p] = sum;
          }
        }
        return out;
      };
      expect(result.data).toEqual(loop(bias));
      expect(a.data).toEqual(aCopy);
      // Without a bias, and with an empty inner dim (each value its row's bias).
      expect((await engine.matmulTransposedFloat64(a, b)).data).toEqual(loop());
      const empty = await engine.matmulTransposedFloat64({ data: new Float32Array(0), rows: 2, cols: 0 }, { data: new Float32Array(0), rows: 3, cols: 0 }, Float32Array.of(1, 2));
      expect(empty).toEqual({ data: Float32Array.of(1, 1, 1, 2, 2, 2), rows: 2, cols: 3 });
      await expect(engine.matmulTransposedFloat64(a, b, new Float32Array(3))).rejects.toThrow(/rowBias has 3 values/);
      await expect(engine.matmulTransposedFloat64(a, randomMatrix(random, 2, 5))).rejects.toBeInstanceOf(MethodError);
    });

    it('squaredDistances matches the reference and is never negative', async () => {
      const random = new Random(2);
      const x = randomMatrix(random, 65, 33);
      const c = randomMatrix(random, 17, 33);
      const result = await engine.squaredDistances(x, c);
      const reference = referenceDistances(x, c);
      expect([result.rows, result.cols]).toEqual([65, 17]);
      expect(maxAbsDiff(result.data, reference)).toBeLessThanOrEqual(1e-5 * maxAbs(reference));
      expect(Math.min(...result.data)).toBeGreaterThanOrEqual(0);
    });

    it('clamps the cancellation error at 0 for points jittered around centroids far from the origin', async () => {
      // With |x|^2 ~ 6e7, fp32 rounding of |x|^2 + |c|^2 - 2x.c is ~10 in absolute terms, far above
      // the true distances (~1e-4) of points jittered around the centroids: about half come out < 0.
      const random = new Random(3);
      const c = randomMatrix(random, 32, 64, 1, 1000);
      const x = randomMatrix(random, 96, 64, 1e-3);
      for (let i = 0; i < x.data.length; i++) x.data[i] += c.data[i % c.data.length];
      const distances = await engine.squaredDistances(x, c);
      expect(Math.min(...distances.data)).toBeGreaterThanOrEqual(0);
      const nearest = await engine.nearest(x, c);
      expect(Math.min(...nearest.distance)).toBeGreaterThanOrEqual(0);
    });

    it('rowSquaredNorms matches the reference', async () => {
      const random = new Random(4);
      const x = randomMatrix(random, 65, 33, 3);
      const result = await engine.rowSquaredNorms(x);
      const reference = referenceDistances(x, { data: new Float32Array(33), rows: 1, cols: 33 });
      expect(result).toBeInstanceOf(Float32Array);
      expect(maxAbsDiff(result, reference)).toBeLessThanOrEqual(1e-5 * maxAbs(reference));
    });

    it('nearest matches brute force', async () => {
      const random = new Random(5);
      const x = randomMatrix(random, 200, 33);
      const c = randomMatrix(random, 37, 33);
      expectNearest(await engine.nearest(x, c), x, c);
    });

    it('nearest breaks exact ties by the lowest index', async () => {
      const random = new Random(6);
      const distinct = randomMatrix(random, 3, 33);
      const row = (i: number): Float32Array => distinct.data.subarray(i * 33, (i + 1) * 33);
      // C = [r0, r1, r2, r1, r0, r2, r1]: every row has a copy at a higher index.
      const order = [0, 1, 2, 1, 0, 2, 1];
      const c = { data: new Float32Array(order.length * 33), rows: order.length, cols: 33 };
      order.forEach((source, i) => c.data.set(row(source), i * 33));
      // Points exactly on r1, r2, r0, and points equidistant from everything (C all equal rows).
      const x = { data: new Float32Array(3 * 33), rows: 3, cols: 33 };
      [1, 2, 0].forEach((source, i) => x.data.set(row(source), i * 33));
      const result = await engine.nearest(x, c);
      expect(Array.from(result.index)).toEqual([1, 2, 0]);
      const same = { data: new Float32Array(5 * 33), rows: 5, cols: 33 };
      for (let i = 0; i < 5; i++) same.data.set(row(2), i * 33);
      const anywhere = randomMatrix(random, 9, 33);
      expect(Array.from((await engine.nearest(anywhere, same)).index)).toEqual(new Array(9).fill(0));
    });

    it('nearest in small chunks gives the same answer as in one block', async () => {
      const random = new Random(7);
      const x = randomMatrix(random, 50, 20);
      const c = randomMatrix(random, 11, 20);
      const whole = await engine.nearest(x, c);
      // 3 rows x 11 centroids x 4 bytes per chunk: 17 chunks, the last one of 2 rows.
      const chunked = await create({ maxBlockBytes: 3 * 11 * 4 });
      try {
        const pieces = await chunked.nearest(x, c);
        expectNearest(pieces, x, c);
        expect(pieces.index).toEqual(whole.index);
        expect(maxAbsDiff(pieces.distance, whole.distance)).toBeLessThanOrEqual(1e-5 * Math.max(1, maxAbs(whole.distance)));
      } finally {
        await chunked.dispose();
      }
    });

    it('nearest handles empty X and rejects empty C or mismatched columns', async () => {
      const random = new Random(8);
      const empty = await engine.nearest({ data: new Float32Array(0), rows: 0, cols: 4 }, randomMatrix(random, 3, 4));
      expect(empty.index.length).toBe(0);
      await expect(engine.nearest(randomMatrix(random, 2, 4), { data: new Float32Array(0), rows: 0, cols: 4 })).rejects.toBeInstanceOf(
        MethodError,
      );
      await expect(engine.nearest(randomMatrix(random, 2, 4), randomMatrix(random, 2, 5))).rejects.toThrow(/different column counts/);
      await expect(engine.rowSquaredNorms({ data: new Float32Array(5), rows: 2, cols: 3 })).rejects.toThrow(/claims 2x3 but holds 5/);
    });
  });
}
