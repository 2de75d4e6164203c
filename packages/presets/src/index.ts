export { createCompressionContainer, defaultAdapters, SPEC_TOKEN, type CompressionPreset } from './container';
export { defaultCatalogue, registerDefaults } from './catalogue';
export {
  resolveSpec,
  runOptionsOf,
  SPEC_DEFAULTS,
  SPEC_FLAGS,
  type CompressionSpec,
  type FoldSpec,
  type PruneSpec,
  type SpecInput,
} from './spec';
export { FOLD_RECIPES, parseCap, parseSwitch, type FoldSettings } from './recipes';
