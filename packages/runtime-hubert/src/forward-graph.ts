/**
 * HuBERT's whole forward pass as one ONNX graph, built in code from the loaded weights and run in a
 * single onnxruntime session.run (instead of one engine call per product and JS for everything
 * between). It computes what feature-encoder.ts, encoder.ts and the CTC head compute, in the same
 * order: conv stack (conv -> GroupNorm / per-position LayerNorm -> GELU) -> feature projection
 * (optional LayerNorm, Linear) -> positional conv (its weight norm already folded into a plain conv
 * weight by readHubertWeights; an even kernel's extra frame dropped) -> post-LN or stable-LN layers ->
 * lm_head. The input length is a symbolic dim, so one session serves every utterance. Per-layer widths
 * (heads, FFN width) come from each layer's own weights, so extended exports build alike. The ONNX
 * plumbing (protobuf, sessions) is engine-onnxruntime's.
 */
import type { Matrix, Tensor, TensorEngine } from '@speechfold/core';
import {
  ElemType,
  GraphBuilder as OnnxGraphBuilder,
  MAX_GRAPH_WEIGHT_BYTES,
  MODEL_GRAPH_DOMAINS,
  MODEL_GRAPH_OPSET,
  float,
  int,
  ints,
  graphRunnerOf,
  type GraphRunner,
  type GraphSession,
  type OnnxGraph,
} from '@speechfold/engine-onnxruntime';
import type { EncoderLayerWeights, HubertWeights, LinearWeights, NormWeights } from './weights';

/** How HubertModel runs on the onnxruntime engine: see HubertLoadOptions.forwardGraph. */
export type HubertGraphMode = 'fused' | 'matmul' | 'off';

/** How attention runs inside the graph. */
export type GraphAttention =
  /** onnxruntime's fused com.microsoft MultiHeadAttention. */
  | 'fused'
  /** Plain ONNX: Reshape/Transpose per head, MatMul, Softmax, MatMul. */
  | 'matmul';

/** What the graph needs besides the weights. */
export interface HubertGraphSpec {
  /** layer_norm_eps of the encoder and feature projection. */
  eps: number;
  /** do_stable_layer_norm: pre-LN layers and the encoder LayerNorm last. */
  stableLayerNorm: boolean;
  /** Default 'fused'. */
  attention?: GraphAttention;
}

/** Opsets the graph uses (engine-onnxruntime's: LayerNormalization 17, com.microsoft Gelu and MultiHeadAttention). */
export const HUBERT_GRAPH_OPSET = MODEL_GRAPH_OPSET;
export const HUBERT_GRAPH_DOMAINS = MODEL_GRAPH_DOMAINS;
/** torch's default eps: HF builds the conv layers' GroupNorm and LayerNorm without passing layer_norm_eps. */
const CONV_NORM_EPS = 1e-5;


/** engine-onnxruntime's GraphBuilder with HuBERT's linear, LayerNorm and channel swap. */
class GraphBuilder extends OnnxGraphBuilder {
  /** x [T, in] W^T + b with W stored [out, in], as torch.nn.Linear. */
  linear(x: string, prefix: string, w: LinearWeights): string {
    return this.gemm(x, this.weight(`${prefix}.weight`, w.weight), w.bias === undefined ? undefined : this.weight(`${prefix}.bias`, w.bias));
  }

  layerNorm(x: string, prefix: string, norm: NormWeights, eps: number): string {
    return this.normalize(x, this.weight(`${prefix}.weight`, norm.weight), this.weight(`${prefix}.bias`, norm.bias), eps);
  }

  /** [1, C, T] <-> [1, T, C]. */
  swapLast(x: string): string {
    return this.op('Transpose', [x], [ints('perm', [0, 2, 1])]);
  }
}

/** Self-attention over x [T, d] with the layer's own heads; returns out_proj's output [T, d]. */
function selfAttention(g: GraphBuilder, x: string, prefix: string, w: EncoderLayerWeights, kind: GraphAttention): string {
  const q = g.linear(x, `${prefix}.q_proj`, w.q);
  const k = g.linear(x, `${prefix}.k_proj`, w.k);
  const v = g.linear(x, `${prefix}.v_proj`, w.v);
  const context = g.attention(q, k, v, { heads: w.heads, headDim: w.headDim, scale: w.headDim ** -0.5, fused: kind === 'fused' });
  return g.linear(context, `${prefix}.out_proj`, w.out);
}

function feedForward(g: GraphBuilder, x: string, prefix: string, w: EncoderLayerWeights): string {
  return g.linear(g.gelu(g.linear(x, `${prefix}.intermediate_dense`, w.ffnIn)), `${prefix}.output_dense`, w.ffnOut);
}

function layer(g: GraphBuilder, x: string, l: number, w: EncoderLayerWeights, spec: Required<HubertGraphSpec>): string {
  const p = `layers.${l}`;
  const ln = (t: string, name: string, n: NormWeights): string => g.layerNorm(t, `${p}.${name}`, n, spec.eps);
  if (spec.stableLayerNorm) {
    const h = g.op('Add', [x, selfAttention(g, ln(x, 'layer_norm', w.layerNorm), `${p}.attention`, w, spec.attention)]);
    return g.op('Add', [h, feedForward(g, ln(h, 'final_layer_norm', w.finalLayerNorm), `${p}.feed_forward`, w)]);
  }
  const h = ln(g.op('Add', [x, selfAttention(g, x, `${p}.attention`, w, spec.attention)]), 'layer_norm', w.layerNorm);
  return ln(g.op('Add', [h, feedForward(g, h, `${p}.feed_forward`, w)]), 'final_layer_norm', w.finalLayerNorm);
}

/** Every weight tensor the graph holds. */
function graphTensors(w: HubertWeights): Tensor[] {
  const out: Tensor[] = [];
  const lin = (l: LinearWeights | undefined): void => {
    if (l === undefined) return;
    out.push(l.weight);
    if (l.bias !== undefined) out.push(l.bias);
  };
  const norm = (n: NormWeights | undefined): void => {
    if (n !== undefined) out.push(n.weight, n.bias);
  };
  for (const c of w.convLayers) {
    out.push(c.weight);
    if (c.bias !== undefined) out.push(c.bias);
    norm(c.norm?.weights);
  }
  norm(w.featureProjectionNorm);
  lin(w.featureProjection);
  out.push(w.posConv.weight, w.posConv.bias);
  norm(w.encoderNorm);
  for (const l of w.layers) {
    [l.q, l.k, l.v, l.out, l.ffnIn, l.ffnOut].forEach(lin);
    norm(l.layerNorm);
    norm(l.finalLayerNorm);
  }
  lin(w.lmHead);
  return out;
}

/** Bytes of float weights the graph would hold. */
export function graphWeightBytes(w: HubertWeights): number {
  return graphTensors(w).reduce((sum, t) => sum + t.data.byteLength, 0);
}

/**
 * The forward graph: input `input_values` [samples] (symbolic), outputs `hidden_states`
 * [frames, hidden_size] and, with a CTC head, `logits` [frames, vocab_size]; every weight an initializer.
 */
export function buildHubertGraph(weights: HubertWeights, options: HubertGraphSpec): OnnxGraph {
  const spec: Required<HubertGraphSpec> = { attention: 'fused', ...options };
  const g = new GraphBuilder();
  // Conv stack on [1, 1, samples].
  let x = g.op('Reshape', ['input_values', g.int64s([1, 1, -1])]);
  weights.convLayers.forEach((c, i) => {
    const p = `conv_layers.${i}`;
    const inputs = [x, g.weight(`${p}.conv.weight`, c.weight)];
    if (c.bias !== undefined) inputs.push(g.weight(`${p}.conv.bias`, c.bias));
    x = g.op('Conv', inputs, [ints('kernel_shape', [c.weight.shape[2]]), ints('strides', [c.stride])]);
    if (c.norm?.kind === 'group') {
      // GroupNorm with one group per channel on one utterance is InstanceNormalization.
      x = g.op('InstanceNormalization', [x, g.weight(`${p}.norm.weight`, c.norm.weights.weight), g.weight(`${p}.norm.bias`, c.norm.weights.bias)], [
        float('epsilon', CONV_NORM_EPS),
      ]);
    } else if (c.norm?.kind === 'layer') {
      x = g.swapLast(g.layerNorm(g.swapLast(x), `${p}.norm`, c.norm.weights, CONV_NORM_EPS));
    }
    x = g.gelu(x);
  });
  const convDim = weights.convLayers[weights.convLayers.length - 1].weight.shape[0];
  let h = g.op('Reshape', [g.swapLast(x), g.int64s([-1, convDim])]);
  if (weights.featureProjectionNorm !== undefined) h = g.layerNorm(h, 'feature_projection.layer_norm', weights.featureProjectionNorm, spec.eps);
  h = g.linear(h, 'feature_projection.projection', weights.featureProjection);
  // Positional conv: [T, d] -> [1, d, T], grouped conv with padding kernel/2, an even kernel's last frame dropped.
  const { posConv } = weights;
  const hidden = posConv.weight.shape[0];
  const kernel = posConv.weight.shape[2];
  const pad = Math.floor(kernel / 2);
  let pos = g.op('Conv', [g.swapLast(g.op('Reshape', [h, g.int64s([1, -1, hidden])])), g.weight('pos_conv.weight', posConv.weight), g.weight('pos_conv.bias', posConv.bias)], [
    ints('kernel_shape', [kernel]),
    ints('pads', [pad, pad]),
    int('group', posConv.groups),
  ]);
  if (kernel % 2 === 0) pos = g.op('Slice', [pos, g.int64s([0]), g.int64s([-1]), g.int64s([2])]);
  h = g.op('Add', [h, g.op('Reshape', [g.swapLast(g.gelu(pos)), g.int64s([-1, hidden])])]);
  if (!spec.stableLayerNorm) h = g.layerNorm(h, 'encoder.layer_norm', weights.encoderNorm, spec.eps);
  weights.layers.forEach((w, l) => {
    h = layer(g, h, l, w, spec);
  });
  if (spec.stableLayerNorm) h = g.layerNorm(h, 'encoder.layer_norm', weights.encoderNorm, spec.eps);
  g.output(h, 'hidden_states');
  const outputs = [{ name: 'hidden_states', elemType: ElemType.FLOAT, dims: ['frames', hidden] }];
  if (weights.lmHead !== undefined) {
    g.output(g.linear(h, 'lm_head', weights.lmHead), 'logits');
    outputs.push({ name: 'logits', elemType: ElemType.FLOAT, dims: ['frames', weights.lmHead.weight.shape[0]] });
  }
  return {
    name: 'hubert_forward',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: 'input_values', elemType: ElemType.FLOAT, dims: ['samples'] }],
    outputs,
  };
}

/** Loads the forward graph into a session of `runner`. */
export function createHubertSession(runner: GraphRunner, weights: HubertWeights, spec: HubertGraphSpec): Promise<GraphSession> {
  return runner.createGraphSession(buildHubertGraph(weights, spec), { opset: HUBERT_GRAPH_OPSET, domains: HUBERT_GRAPH_DOMAINS });
}

/**
 * Whether the graph path applies and with which runner: mode not 'off', an engine that runs graphs,
 * weights that fit one protobuf. Undefined otherwise (per-op path).
 */
export function hubertGraphRunner(engine: TensorEngine, weights: HubertWeights, mode: HubertGraphMode): GraphRunner | undefined {
  if (mode === 'off') return undefined;
  const runner = graphRunnerOf(engine);
  if (runner === undefined || graphWeightBytes(weights) > MAX_GRAPH_WEIGHT_BYTES) return undefined;
  return runner;
}

/** The graph's outputs for one utterance. */
export interface HubertGraphOutputs {
  hiddenStates: Matrix;
  logits?: Matrix;
}

/** Runs the forward graph on model input values. */
export async function runHubertGraph(session: GraphSession, inputValues: Float32Array): Promise<HubertGraphOutputs> {
  const out = await session.run({ input_values: { data: inputValues, dims: [inputValues.length] } });
  const matrix = (name: string): Matrix => {
    const v = out[name];
    return { data: v.data as Float32Array, rows: v.dims[0], cols: v.dims[1] };
  };
  return { hiddenStates: matrix('hidden_states'), ...(out.logits === undefined ? {} : { logits: matrix('logits') }) };
}
