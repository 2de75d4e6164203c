import { createKMeans } from './kmeans';
import { createJsTestEngine } from './testing/js-engine';
import { loadFixtures, referenceInertia, samePartition } from './testing/data';

const fixtures = loadFixtures();
const clusterer = createKMeans(createJsTestEngine());

describe('k-means against scikit-learn reference fixtures', () => {
  it('finds every fixture', () => {
    expect(fixtures.map((f) => f.name)).toEqual([
      'blobs-300x33-k30',
      'ffn-384x129-k192',
      'normal-200x16-k50',
      'normal-512x64-k256',
      'whisper-like-256x128-k230',
    ]);
  });

  const cases = fixtures.flatMap((fixture) =>
    fixture.runs.map((run) => [fixture.name, run.nInit, fixture, run] as const),
  );
  it.each(cases)('%s, nInit %i: inertia <= 1.01 x scikit-learn', async (_name, nInit, fixture, run) => {
    const result = await clusterer.cluster(fixture.features, fixture.k, { seed: 0, nInit });
    expect(result.inertia).toBeCloseTo(referenceInertia(fixture.features, result.labels, result.centroids), 4);
    expect(result.inertia).toBeLessThanOrEqual(1.01 * run.inertia);
    expect(new Set(result.labels).size).toBe(fixture.k);
  });

  // One n_init=1 run lands anywhere in a spread of a few percent, so also compare means over ten
  // seeds with scikit-learn's over ten random_states. Plain Lloyd (hartigan: false) runs the same
  // algorithm as scikit-learn, so its mean must match within 2% either way: a seeding drawn from
  // another distribution fails here. The blobs fixture is left out: its inertia is bimodal (a
  // blob left without a center costs +45%), so ten draws cannot pin its mean.
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const unimodal = cases.filter(([name, nInit]) => nInit === 1 && !name.startsWith('blobs'));
  it.each(unimodal)(
    '%s: mean inertia over seeds 0-9 matches scikit-learn with plain Lloyd, beats it refined',
    async (_name, _nInit, fixture) => {
      const plainClusterer = clusterer.withDefaults({ hartigan: false });
      const plain: number[] = [];
      const refined: number[] = [];
      for (let seed = 0; seed < 10; seed++) {
        plain.push((await plainClusterer.cluster(fixture.features, fixture.k, { seed })).inertia);
        refined.push((await clusterer.cluster(fixture.features, fixture.k, { seed })).inertia);
      }
      const reference = mean(fixture.spread);
      expect(mean(plain) / reference).toBeGreaterThan(0.98);
      expect(mean(plain) / reference).toBeLessThan(1.02);
      expect(mean(refined)).toBeLessThanOrEqual(1.01 * reference);
    },
  );

  it('recovers the same partition on the blobs fixture with every seed when restarts are allowed', async () => {
    const blobs = fixtures.find((f) => f.name.startsWith('blobs'))!;
    const first = await clusterer.cluster(blobs.features, blobs.k, { seed: 0, nInit: 4 });
    for (const seed of [1, 2, 3]) {
      const other = await clusterer.cluster(blobs.features, blobs.k, { seed, nInit: 4 });
      expect(samePartition(other.labels, first.labels)).toBe(true);
    }
  });
});
