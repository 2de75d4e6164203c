/**
 * The Whisper encoder as one ONNX graph, built in code from the loaded weights and run in a single
 * onnxruntime session.run (instead of one engine call per product and JS for everything between).
 * It computes what encoder.ts computes, in the same order: conv1 -> GELU -> conv2 (stride 2) -> GELU
 * -> frames + positions -> pre-LN layers (q scaled after q_proj, k without bias) -> final LayerNorm.
 * Per-layer widths (heads, FFN width) come from each layer's own weights, so `extended` exports with
 * uneven layers build alike. The ONNX plumbing (protobuf, sessions) is engine-onnxruntime's.
 */
import type { Matrix, Tensor } from '@speechfold/core';
import {
  ElemType,
  GraphBuilder as OnnxGraphBuilder,
  MAX_GRAPH_WEIGHT_BYTES,
  MODEL_GRAPH_DOMAINS,
  MODEL_GRAPH_OPSET,
  MS_DOMAIN,
  float,
  int,
  ints,
  graphRunnerOf,
  type GraphRunner,
  type GraphSession,
  type OnnxGraph,
} from '@speechfold/engine-onnxruntime';
import { LAYER_NORM_EPS, type AttentionWeights, type EncoderLayerWeights, type FeedForwardWeights, type NormWeights, type WhisperModel } from './model';

/** How attention runs inside the graph. */
export type GraphAttention =
  /** onnxruntime's fused com.microsoft MultiHeadAttention (CPU kernel, no [heads, T, T] score tensor in the graph). */
  | 'fused'
  /** Plain ONNX: Reshape/Transpose per head, MatMul, Softmax, MatMul. */
  | 'matmul';

/** Options of buildEncoderGraph. */
export interface EncoderGraphOptions {
  /** Default 'fused'. */
  attention?: GraphAttention;
}

/** Opsets the graph uses (engine-onnxruntime's: LayerNormalization 17, com.microsoft Gelu and MultiHeadAttention). */
export const ENCODER_GRAPH_OPSET = MODEL_GRAPH_OPSET;
export const ENCODER_GRAPH_DOMAINS = MODEL_GRAPH_DOMAINS;
export { MAX_GRAPH_WEIGHT_BYTES, MS_DOMAIN, int, float, ints };


/** Collects nodes and initializers with unique names (shared with decoder-graph.ts). */
export class GraphBuilder extends OnnxGraphBuilder {
  /** An int64 shape constant for Reshape, shared between uses. */
  shape(dims: number[]): string {
    return this.int64s(dims);
  }

  /** x [T, in] W^T + b with W stored [out, in], as torch.nn.Linear. */
  linear(x: string, weight: string, bias?: string): string {
    return this.gemm(x, weight, bias);
  }

  layerNorm(x: string, prefix: string, norm: NormWeights): string {
    return this.normalize(x, this.weight(`${prefix}.weight`, norm.weight), this.weight(`${prefix}.bias`, norm.bias), LAYER_NORM_EPS);
  }
}

function attentionBlock(g: GraphBuilder, x: string, prefix: string, a: AttentionWeights, kind: GraphAttention): string {
  const q = g.op('Mul', [g.linear(x, g.weight(`${prefix}.q`, a.q), g.weight(`${prefix}.q_bias`, a.qBias)), g.scalar(`${prefix}.scale`, a.headDim ** -0.5)]);
  const k = g.linear(x, g.weight(`${prefix}.k`, a.k));
  const v = g.linear(x, g.weight(`${prefix}.v`, a.v), g.weight(`${prefix}.v_bias`, a.vBias));
  // The queries carry the head_dim^-0.5 factor already, as HF's do: no second scaling.
  const context = g.attention(q, k, v, { heads: a.heads, headDim: a.headDim, scale: 1, fused: kind === 'fused' });
  return g.linear(context, g.weight(`${prefix}.out`, a.out), g.weight(`${prefix}.out_bias`, a.outBias));
}

export function feedForwardBlock(g: GraphBuilder, x: string, prefix: string, w: FeedForwardWeights): string {
  const hidden = g.gelu(g.linear(x, g.weight(`${prefix}.fc1`, w.fc1), g.weight(`${prefix}.fc1_bias`, w.fc1Bias)));
  return g.linear(hidden, g.weight(`${prefix}.fc2`, w.fc2), g.weight(`${prefix}.fc2_bias`, w.fc2Bias));
}

function encoderLayer(g: GraphBuilder, h: string, l: number, w: EncoderLayerWeights, kind: GraphAttention): string {
  const prefix = `layers.${l}`;
  const attended = g.op('Add', [h, attentionBlock(g, g.layerNorm(h, `${prefix}.self_attn_layer_norm`, w.selfAttnNorm), `${prefix}.self_attn`, w.selfAttn, kind)]);
  return g.op('Add', [attended, feedForwardBlock(g, g.layerNorm(attended, `${prefix}.final_layer_norm`, w.finalNorm), prefix, w.ffn)]);
}

/** Bytes of float weights the encoder graph holds. */
function encoderWeightBytes(model: WhisperModel): number {
  const w = model.weights;
  const tensors: Tensor[] = [w.conv1, w.conv1Bias, w.conv2, w.conv2Bias, w.encoderPositions, w.encoderNorm.weight, w.encoderNorm.bias];
  for (const layer of w.encoderLayers) {
    const a = layer.selfAttn;
    tensors.push(a.q, a.qBias, a.k, a.v, a.vBias, a.out, a.outBias, layer.ffn.fc1, layer.ffn.fc1Bias, layer.ffn.fc2, layer.ffn.fc2Bias);
    tensors.push(layer.selfAttnNorm.weight, layer.selfAttnNorm.bias, layer.finalNorm.weight, layer.finalNorm.bias);
  }
  return tensors.reduce((sum, t) => sum + t.data.byteLength, 0);
}

/**
 * The encoder graph: input `features` [num_mel_bins, 2 * max_source_positions], output
 * `encoder_output` [max_source_positions, d_model]; every weight an initializer.
 */
export function buildEncoderGraph(model: WhisperModel, options: EncoderGraphOptions = {}): OnnxGraph {
  const { config, weights } = model;
  const kind = options.attention ?? 'fused';
  const g = new GraphBuilder();
  const frames = 2 * config.max_source_positions;
  const input = g.op('Reshape', ['features', g.shape([1, config.num_mel_bins, frames])]);
  const conv = (x: string, name: string, weight: Tensor, bias: Tensor, stride: number): string =>
    g.op('Conv', [x, g.weight(`${name}.weight`, weight), g.weight(`${name}.bias`, bias)], [
      ints('kernel_shape', [weight.shape[2]]),
      ints('pads', [1, 1]),
      ints('strides', [stride]),
    ]);
  const c1 = g.gelu(conv(input, 'conv1', weights.conv1, weights.conv1Bias, 1));
  const c2 = g.gelu(conv(c1, 'conv2', weights.conv2, weights.conv2Bias, 2));
  // [1, d, T] -> [T, d], then every position's embedding.
  const framesMajor = g.op('Reshape', [g.op('Transpose', [c2], [ints('perm', [0, 2, 1])]), g.shape([-1, config.d_model])]);
  let h = g.op('Add', [framesMajor, g.weight('embed_positions', weights.encoderPositions)]);
  weights.encoderLayers.forEach((layer, l) => {
    h = encoderLayer(g, h, l, layer, kind);
  });
  const out = g.layerNorm(h, 'layer_norm', weights.encoderNorm);
  g.output(out, 'encoder_output');
  return {
    name: 'whisper_encoder',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: 'features', elemType: ElemType.FLOAT, dims: [config.num_mel_bins, frames] }],
    outputs: [{ name: 'encoder_output', elemType: ElemType.FLOAT, dims: [config.max_source_positions, config.d_model] }],
  };
}

/** Loads the encoder graph into a session of `runner`. */
export function createEncoderSession(runner: GraphRunner, model: WhisperModel, options: EncoderGraphOptions = {}): Promise<GraphSession> {
  return runner.createGraphSession(buildEncoderGraph(model, options), { opset: ENCODER_GRAPH_OPSET, domains: ENCODER_GRAPH_DOMAINS });
}

// One session per model, created on the first encode.
const sessions = new WeakMap<WhisperModel, Promise<GraphSession>>();

/**
 * The model's encoder session when the graph path applies: model.encoderGraph is not 'off',
 * its engine is onnxruntime, and the weights fit one protobuf. Undefined otherwise (per-op path).
 */
export function encoderSession(model: WhisperModel): Promise<GraphSession> | undefined {
  const mode = model.encoderGraph ?? 'fused';
  if (mode === 'off') return undefined;
  const runner = graphRunnerOf(model.engine);
  if (runner === undefined) return undefined;
  let session = sessions.get(model);
  if (session === undefined) {
    if (encoderWeightBytes(model) > MAX_GRAPH_WEIGHT_BYTES) return undefined;
    session = createEncoderSession(runner, model, { attention: mode });
    sessions.set(model, session);
    // A failed creation is not kept, so the next encode reports it again rather than a stale error.
    session.catch(() => sessions.delete(model));
  }
  return session;
}

/** Runs the encoder graph on features [num_mel_bins, frames]: [max_source_positions, d_model]. */
export async function encodeWithGraph(session: GraphSession, model: WhisperModel, features: Matrix): Promise<Matrix> {
  const out = await session.run({ features: { data: features.data, dims: [features.rows, features.cols] } });
  return { data: out.encoder_output.data as Float32Array, rows: model.config.max_source_positions, cols: model.config.d_model };
}
