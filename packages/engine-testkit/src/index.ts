export { runEngineConformance, type ConformanceOptions, type EngineFactory } from './conformance';
export {
  randomMatrix,
  referenceMatmul,
  referenceDistances,
  maxAbsDiff,
  maxAbs,
  expectNearest,
} from './reference';
