/**
 * What every model adapter shares (docs/adapters.md): the `speechfold` config key of extended and
 * dense exports, the export-mode config rewrite, the tensor-list check against a config, and typed
 * config.json field reads.
 */
export * from './export-key';
export * from './export-config';
export * from './tensor-check';
export * from './config-fields';
export type { ParameterSpec } from './parameter-spec';
export * from './group-kinds';
