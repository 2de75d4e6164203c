/**
 * `@speechfold/kmeans/testing`: TEST-ONLY, SLOW helpers, kept out of the package's main entry point:
 * a plain-JS TensorEngine for unit tests without native engines, seeded data sets and the
 * scikit-learn reference fixtures.
 */
export { createJsTestEngine } from './js-engine';
export {
  FIXTURE_DIR,
  loadFixtures,
  normalMatrix,
  referenceInertia,
  samePartition,
  separatedBlobs,
  type KMeansFixture,
  type SklearnRun,
} from './data';
