export { createCompressionContainer, defaultAdapters, SPEC_TOKEN, type CompressionPreset } from './container';
export { defaultCatalogue, registerDefaults } from './catalogue';
export { resolveSpec, runOptionsOf, type CompressionSpec, type FoldSpec, type PruneSpec, type SpecInput } from './spec';
export type { FoldSettings } from './recipes';
