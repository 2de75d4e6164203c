// tsyringe needs the Reflect metadata polyfill before any decorated class is defined.
import 'reflect-metadata';

// The plugins (catalogue entries in @speechfold/presets) and their options.
export { FoldingMerger, mergeUnits } from './merger';
export { ProducerFeatureExtractor, UnitFeatureExtractor, unitFeatures } from './features';
export { ProbeFeatureExtractor } from './probe';
export {
  MAGNITUDE_OPTIONS,
  MagnitudeScorer,
  StructuredPruner,
  magnitudePrune,
  type MagnitudeNorm,
  type MagnitudeOptions,
} from './magnitude';
export { UnstructuredMagnitudePruner, pruneUnstructured } from './unstructured';
export { DenseExport, denseEquivalent, denseExport, expandUnits } from './dense';
