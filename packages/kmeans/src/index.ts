export { KMeansClusterer, createKMeans } from './kmeans';
export { DEFAULT_SETTINGS, type KMeansSettings } from './validate';
// TEST-ONLY, SLOW: a plain-JS TensorEngine for the unit tests of this and other packages.
export { createJsTestEngine } from './testing/js-engine';
