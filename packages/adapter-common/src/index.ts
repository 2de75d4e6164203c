/**
 * What every model adapter shares (docs/adapters.md): the `speechfold` config key of extended and
 * dense exports, the export-mode config rewrite, the tensor-list check against a config, typed
 * config.json field reads, SpecAugment's config defaults, and writing checkpoint JSON side files as
 * save_pretrained does.
 */
export * from './export-key';
export * from './export-config';
export * from './tensor-check';
export * from './config-fields';
export type { ParameterSpec } from './parameter-spec';
export * from './group-kinds';
export * from './checkpoint-json';
export * from './spec-augment';
