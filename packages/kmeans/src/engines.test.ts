import type { TensorEngine } from '@speechfold/core';
import { createOnnxruntimeEngine } from '@speechfold/engine-onnxruntime';
import { createKMeans } from './kmeans';
import { createJsTestEngine } from './testing/js-engine';
import { loadFixtures, normalMatrix, referenceInertia } from './testing/data';

// The same k-means on the plain-JS test engine and on onnxruntime. Their float32 distances differ
// in the last bits (|x|^2 + |c|^2 - 2 x.c in a GEMM vs direct differences), which can flip a
// near-tie; so each case must give identical labels or an inertia within 1e-5 (relative).
describe('k-means across engines (js-test vs onnxruntime)', () => {
  let ort: TensorEngine;
  beforeAll(async () => {
    ort = await createOnnxruntimeEngine({ threads: 2 });
  });
  afterAll(async () => {
    await ort?.dispose();
  });

  const js = createJsTestEngine();
  const cases = [
    ...loadFixtures().map((f) => [f.name, f.features, f.k] as const),
    ['normal-300x20-k60', normalMatrix(8, 300, 20), 60] as const,
  ];

  it.each(['pairwise', 'engine'] as const)('agrees on every fixture (%s route)', async (route) => {
    const defaults = route === 'engine' ? { pairwiseBudgetBytes: 1 } : {};
    const outcomes: string[] = [];
    for (const [name, features, k] of cases) {
      // The engine route asks the engine once per seeding step: keep it to the smaller cases.
      if (route === 'engine' && features.rows * k > 60000) continue;
      const a = await createKMeans(js, defaults).cluster(features, k, { seed: 0 });
      const b = await createKMeans(ort, defaults).cluster(features, k, { seed: 0 });
      const sameLabels = a.labels.every((label, i) => label === b.labels[i]);
      const relative = Math.abs(a.inertia - b.inertia) / a.inertia;
      outcomes.push(
        `${name}: ${sameLabels ? 'identical labels' : `labels differ, inertia rel. diff ${relative.toExponential(2)}`}`,
      );
      expect(b.inertia).toBeCloseTo(referenceInertia(features, b.labels, b.centroids), 3);
      expect(sameLabels || relative <= 1e-5).toBe(true);
    }
    expect(outcomes.length).toBeGreaterThan(2);
  });
});
