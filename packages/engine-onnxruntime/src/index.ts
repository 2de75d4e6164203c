export { createOnnxruntimeEngine } from './onnxruntime-engine';
export type { OnnxruntimeEngineOptions } from './onnxruntime-engine';
