export { createOnnxruntimeEngine, graphRunnerOf } from './onnxruntime-engine';
export type { OnnxruntimeEngineOptions, GraphRunner, GraphSession, GraphSessionOptions, GraphValue } from './onnxruntime-engine';
export { DEFAULT_OPSET, ElemType, encodeModel } from './onnx-proto';
export type { ElemTypeValue, OnnxAttribute, OnnxGraph, OnnxInitializer, OnnxNode, OnnxOpsetImport, OnnxValueInfo } from './onnx-proto';
export { GraphBuilder, MAX_GRAPH_WEIGHT_BYTES, MODEL_GRAPH_DOMAINS, MODEL_GRAPH_OPSET, MS_DOMAIN, float, int, ints, type GraphWeight } from './graph-builder';
