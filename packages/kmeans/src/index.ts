export { KMeansClusterer, createKMeans } from './kmeans';
export { DEFAULT_SETTINGS, type KMeansSettings } from './validate';
export { CappedClusterer, createCappedClusterer, DEFAULT_CAPPED_OPTIONS, type CappedOptions } from './capped';
// TEST-ONLY, SLOW: a plain-JS TensorEngine for the unit tests of this and other packages.
export { createJsTestEngine } from './testing/js-engine';
