/**
 * The Whisper decoder step as one ONNX graph, and the cross-attention keys/values as a second small
 * graph, both built in code from the loaded weights and run in single onnxruntime session.run calls
 * (instead of one engine call per product and JS attention, see decoder.ts / cached-attention.ts).
 *
 * Step graph inputs: `tokens` int64 [T] (the prompt, then one token per step), `offset` int64 scalar
 * (tokens already decoded), `mask` float [T, offset + T] (0 where a query sees a key, -inf elsewhere),
 * and per decoder layer l `past_key_l` / `past_value_l` [offset, width_l] (self-attention, growing by
 * T rows per step) and `cross_key_l` / `cross_value_l` [frames, crossWidth_l]. Outputs: `logits`
 * [T, vocab_size] and `present_key_l` / `present_value_l` [offset + T, width_l], fed back as the next
 * step's past. It computes what decoder.ts computes in the same order (pre-LN layers, q scaled after
 * q_proj, k without bias, no embedding scale), in float32 throughout. Per-layer widths come from the
 * weights, so `extended` exports build alike.
 */
import type { Matrix, Tensor } from '@speechfold/core';
import { ElemType, graphRunnerOf, type GraphSession, type GraphValue, type OnnxGraph, type OnnxValueInfo } from '@speechfold/engine-onnxruntime';
import { ENCODER_GRAPH_DOMAINS, ENCODER_GRAPH_OPSET, GraphBuilder, MAX_GRAPH_WEIGHT_BYTES, feedForwardBlock, int } from './encoder-graph';
import type { AttentionWeights, WhisperModel } from './model';

/** softmax(q K^T + mask) V per head; q [T, H*D] already scaled, k/v [S, H*D], mask [T, S] or none. */
function attention(g: GraphBuilder, q: string, k: string, v: string, a: AttentionWeights, mask?: string): string {
  return g.attention(q, k, v, { heads: a.heads, headDim: a.headDim, scale: 1, mask });
}

function scaledQuery(g: GraphBuilder, x: string, prefix: string, a: AttentionWeights): string {
  return g.op('Mul', [g.linear(x, g.weight(`${prefix}.q`, a.q), g.weight(`${prefix}.q_bias`, a.qBias)), g.scalar(`${prefix}.scale`, a.headDim ** -0.5)]);
}


/** The decoder step graph (see the file comment). */
export function buildDecoderStepGraph(model: WhisperModel): OnnxGraph {
  const { config, weights } = model;
  const g = new GraphBuilder();
  const inputs: OnnxValueInfo[] = [
    { name: 'tokens', elemType: ElemType.INT64, dims: ['T'] },
    { name: 'offset', elemType: ElemType.INT64, dims: [] },
    { name: 'mask', elemType: ElemType.FLOAT, dims: ['T', 'S'] },
  ];
  const outputs: OnnxValueInfo[] = [{ name: 'logits', elemType: ElemType.FLOAT, dims: ['T', config.vocab_size] }];
  const embedTokens = g.weight('embed_tokens', weights.embedTokens);
  const count = g.op('Squeeze', [g.op('Shape', ['tokens'])]);
  const one = 'one_i64';
  g.initializers.push({ name: one, dims: [], data: BigInt64Array.of(1n) });
  const positions = g.op('Range', ['offset', g.op('Add', ['offset', count]), one]);
  let h = g.op('Add', [
    g.op('Gather', [embedTokens, 'tokens'], [int('axis', 0)]),
    g.op('Gather', [g.weight('embed_positions', weights.decoderPositions), positions], [int('axis', 0)]),
  ]);
  weights.decoderLayers.forEach((w, l) => {
    const prefix = `layers.${l}`;
    const self = w.selfAttn;
    const cross = w.crossAttn;
    const width = self.heads * self.headDim;
    const crossWidth = cross.heads * cross.headDim;
    inputs.push(
      { name: `past_key_${l}`, elemType: ElemType.FLOAT, dims: ['P', width] },
      { name: `past_value_${l}`, elemType: ElemType.FLOAT, dims: ['P', width] },
      { name: `cross_key_${l}`, elemType: ElemType.FLOAT, dims: ['F', crossWidth] },
      { name: `cross_value_${l}`, elemType: ElemType.FLOAT, dims: ['F', crossWidth] },
    );
    outputs.push(
      { name: `present_key_${l}`, elemType: ElemType.FLOAT, dims: ['S', width] },
      { name: `present_value_${l}`, elemType: ElemType.FLOAT, dims: ['S', width] },
    );
    // Causal self-attention over the past and the new rows.
    let x = g.layerNorm(h, `${prefix}.self_attn_layer_norm`, w.selfAttnNorm);
    const sp = `${prefix}.self_attn`;
    const q = scaledQuery(g, x, sp, self);
    const keys = g.op('Concat', [`past_key_${l}`, g.linear(x, g.weight(`${sp}.k`, self.k))], [int('axis', 0)]);
    const values = g.op('Concat', [`past_value_${l}`, g.linear(x, g.weight(`${sp}.v`, self.v), g.weight(`${sp}.v_bias`, self.vBias))], [int('axis', 0)]);
    g.output(keys, `present_key_${l}`);
    g.output(values, `present_value_${l}`);
    const selfContext = attention(g, q, keys, values, self, 'mask');
    h = g.op('Add', [h, g.linear(selfContext, g.weight(`${sp}.out`, self.out), g.weight(`${sp}.out_bias`, self.outBias))]);
    // Cross-attention over the utterance's encoder keys and values.
    x = g.layerNorm(h, `${prefix}.encoder_attn_layer_norm`, w.crossAttnNorm);
    const cp = `${prefix}.encoder_attn`;
    const crossContext = attention(g, scaledQuery(g, x, cp, cross), `cross_key_${l}`, `cross_value_${l}`, cross);
    h = g.op('Add', [h, g.linear(crossContext, g.weight(`${cp}.out`, cross.out), g.weight(`${cp}.out_bias`, cross.outBias))]);
    // FFN.
    h = g.op('Add', [h, feedForwardBlock(g, g.layerNorm(h, `${prefix}.final_layer_norm`, w.finalNorm), prefix, w.ffn)]);
  });
  const normed = g.layerNorm(h, 'layer_norm', weights.decoderNorm);
  // A tied proj_out is embed_tokens itself: one initializer serves both.
  const projOut = weights.projOut === weights.embedTokens ? embedTokens : g.weight('proj_out', weights.projOut);
  g.output(g.linear(normed, projOut), 'logits');
  return { name: 'whisper_decoder_step', nodes: g.nodes, initializers: g.initializers, inputs, outputs };
}

/** The cross-attention keys and values of every decoder layer from `encoder_output` [frames, d_model]. */
export function buildCrossKvGraph(model: WhisperModel): OnnxGraph {
  const { config, weights } = model;
  const g = new GraphBuilder();
  const outputs: OnnxValueInfo[] = [];
  weights.decoderLayers.forEach((w, l) => {
    const a = w.crossAttn;
    const p = `layers.${l}.encoder_attn`;
    g.output(g.linear('encoder_output', g.weight(`${p}.k`, a.k)), `cross_key_${l}`);
    g.output(g.linear('encoder_output', g.weight(`${p}.v`, a.v), g.weight(`${p}.v_bias`, a.vBias)), `cross_value_${l}`);
    const width = a.heads * a.headDim;
    outputs.push({ name: `cross_key_${l}`, elemType: ElemType.FLOAT, dims: ['F', width] }, { name: `cross_value_${l}`, elemType: ElemType.FLOAT, dims: ['F', width] });
  });
  return {
    name: 'whisper_cross_kv',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: 'encoder_output', elemType: ElemType.FLOAT, dims: ['F', config.d_model] }],
    outputs,
  };
}

/** Bytes of float weights the step graph holds. */
function decoderWeightBytes(model: WhisperModel): number {
  const w = model.weights;
  const tensors: Tensor[] = [w.embedTokens, w.decoderPositions, w.decoderNorm.weight, w.decoderNorm.bias];
  if (w.projOut !== w.embedTokens) tensors.push(w.projOut);
  for (const layer of w.decoderLayers) {
    for (const a of [layer.selfAttn, layer.crossAttn]) tensors.push(a.q, a.qBias, a.k, a.v, a.vBias, a.out, a.outBias);
    tensors.push(layer.ffn.fc1, layer.ffn.fc1Bias, layer.ffn.fc2, layer.ffn.fc2Bias);
  }
  return tensors.reduce((sum, t) => sum + t.data.byteLength, 0);
}

/** The two sessions of the graph decoder. */
export interface DecoderSessions {
  step: GraphSession;
  crossKv: GraphSession;
}

// One pair per model, created on the first createKvCache.
const sessions = new WeakMap<WhisperModel, Promise<DecoderSessions>>();

/**
 * The model's decoder sessions when the graph path applies: model.decoderGraph is not 'off', its
 * engine is onnxruntime, and the weights fit one protobuf. Undefined otherwise (per-op path).
 */
export function decoderSessions(model: WhisperModel): Promise<DecoderSessions> | undefined {
  if ((model.decoderGraph ?? 'on') === 'off') return undefined;
  const runner = graphRunnerOf(model.engine);
  if (runner === undefined) return undefined;
  let pair = sessions.get(model);
  if (pair === undefined) {
    if (decoderWeightBytes(model) > MAX_GRAPH_WEIGHT_BYTES) return undefined;
    const options = { opset: ENCODER_GRAPH_OPSET, domains: ENCODER_GRAPH_DOMAINS };
    pair = Promise.all([runner.createGraphSession(buildDecoderStepGraph(model), options), runner.createGraphSession(buildCrossKvGraph(model), options)]).then(
      ([step, crossKv]) => ({ step, crossKv }),
    );
    sessions.set(model, pair);
    // A failed creation is not kept, so the next call reports it again rather than a stale error.
    pair.catch(() => sessions.delete(model));
  }
  return pair;
}

/** The graph decoder's per-utterance state: each layer's self-attention past and cross-attention keys/values. */
export interface GraphDecoderState {
  step: GraphSession;
  past: { key: GraphValue; value: GraphValue }[];
  cross: { key: GraphValue; value: GraphValue }[];
}

/** Runs the cross K/V graph over `encoderOutput`; empty self-attention pasts. */
export async function createGraphDecoderState(pair: DecoderSessions, model: WhisperModel, encoderOutput: Matrix): Promise<GraphDecoderState> {
  const out = await pair.crossKv.run({ encoder_output: { data: encoderOutput.data, dims: [encoderOutput.rows, encoderOutput.cols] } });
  const layers = model.weights.decoderLayers;
  return {
    step: pair.step,
    past: layers.map((w) => {
      const empty = (): GraphValue => ({ data: new Float32Array(0), dims: [0, w.selfAttn.heads * w.selfAttn.headDim] });
      return { key: empty(), value: empty() };
    }),
    cross: layers.map((_w, l) => ({ key: out[`cross_key_${l}`], value: out[`cross_value_${l}`] })),
  };
}

/** One decoder step on the graph: logits [T, vocab]; the state's pasts become the presents. */
export async function decodeStepWithGraph(state: GraphDecoderState, model: WhisperModel, tokens: readonly number[], past: number): Promise<Matrix> {
  const t = tokens.length;
  const total = past + t;
  // Query i sees keys j <= past + i.
  const mask = new Float32Array(t * total);
  for (let i = 0; i < t; i++) mask.fill(-Infinity, i * total + past + i + 1, (i + 1) * total);
  const feeds: Record<string, GraphValue> = {
    tokens: { data: BigInt64Array.from(tokens, (id) => BigInt(id)), dims: [t] },
    offset: { data: BigInt64Array.of(BigInt(past)), dims: [] },
    mask: { data: mask, dims: [t, total] },
  };
  state.past.forEach((p, l) => {
    feeds[`past_key_${l}`] = p.key;
    feeds[`past_value_${l}`] = p.value;
    feeds[`cross_key_${l}`] = state.cross[l].key;
    feeds[`cross_value_${l}`] = state.cross[l].value;
  });
  const out = await state.step.run(feeds);
  state.past.forEach((p, l) => {
    p.key = out[`present_key_${l}`];
    p.value = out[`present_value_${l}`];
  });
  return { data: out.logits.data as Float32Array, rows: t, cols: model.config.vocab_size };
}
