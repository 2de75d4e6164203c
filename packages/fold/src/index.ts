// tsyringe needs the Reflect metadata polyfill before any decorated class is defined.
import 'reflect-metadata';

export * from './slices';
export * from './labels';
export * from './features';
export * from './repair';
export * from './merger';
export * from './probe';
export * from './magnitude';
export * from './unstructured';
export * from './dense';
export * from './testing/blocks';
