import 'reflect-metadata';

export * from './errors';
export * from './tensor';
export * from './io';
export * from './engine';
export * from './engine-shapes';
export * from './progress';
export * from './tokens';
export * from './factories';
export * from './container';
export * from './random';
export * from './groups';
export * from './method';
export * from './pipeline';
export { MemorySource, MemorySink, type MemoryTensor } from './testing/memory';
export * from './model-dir';
export * from './output-path';
export * from './partial-dirs';
