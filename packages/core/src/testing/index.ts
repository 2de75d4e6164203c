/**
 * `@speechfold/core/testing`: test doubles, kept out of the package's main entry point.
 * In-memory TensorSource and TensorSink (values held as fp32, whatever the declared dtype).
 */
export { MemorySink, MemorySource, type MemoryTensor } from './memory';
