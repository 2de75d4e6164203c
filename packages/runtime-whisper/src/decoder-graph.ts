/**
 * The Whisper decoder step as one ONNX graph, and the cross-attention keys/values as a second small
 * graph, both built in code from the loaded weights and run in single onnxruntime session.run calls
 * (instead of one engine call per product and JS attention, see decoder.ts / cached-attention.ts).
 *
 * The step runs a batch of B sequences in step (batched decoding; B = 1 for one utterance). Inputs:
 * `tokens` int64 [B, T] (the prompt, then one token per sequence per step), `offset` int64 scalar
 * (tokens each sequence has decoded), `mask` float [T, offset + T] (0 where a query sees a key, -inf
 * elsewhere; the same for every sequence, as all are at the same position), and per decoder layer l
 * the self-attention past `past_key_l` [B, heads, headDim, offset] / `past_value_l` [B, heads, offset,
 * headDim] and the cross-attention `cross_key_l` [B, heads, headDim, frames] / `cross_value_l` [B,
 * heads, frames, headDim]. Keys are stored transposed and everything per head, so no step transposes
 * a cache. Outputs: `logits` [B * T, vocab_size] and `present_key_l` / `present_value_l` (the pasts
 * with T more positions), fed back as the next step's past. It computes what decoder.ts computes in
 * the same order (pre-LN layers, q scaled after q_proj, k without bias, no embedding scale), in
 * float32 throughout. Per-layer widths come from the weights, so `extended` exports build alike.
 */
import { MethodError, type Matrix, type Tensor } from '@speechfold/core';
import { ElemType, graphRunnerOf, type GraphSession, type GraphValue, type OnnxGraph, type OnnxValueInfo } from '@speechfold/engine-onnxruntime';
import { ENCODER_GRAPH_DOMAINS, ENCODER_GRAPH_OPSET, GraphBuilder, MAX_GRAPH_WEIGHT_BYTES, feedForwardBlock, int, ints } from './encoder-graph';
import type { AttentionWeights, WhisperModel } from './model';

/**
 * Shape tensors of the batched graphs, built once per graph: [B, T] from an input's shape and, per
 * attention layout, [B, T, heads, headDim].
 */
class BatchShapes {
  private readonly cache = new Map<string, string>();

  /** `batchShape` is an int64 [2] tensor: the batch and the rows per sequence. */
  constructor(
    private readonly g: GraphBuilder,
    readonly batchShape: string,
  ) {}

  /** [B, T, ...tail] as an int64 tensor (computed once per tail). */
  with(tail: number[]): string {
    const key = tail.join(',');
    let name = this.cache.get(key);
    if (name === undefined) {
      name = this.g.op('Concat', [this.batchShape, this.g.int64s(tail)], [int('axis', 0)]);
      this.cache.set(key, name);
    }
    return name;
  }
}

/** x [B*T, H*D] as per-head [B, H, T, D] (perm [0, 2, 1, 3]) or, for keys, [B, H, D, T] (perm [0, 2, 3, 1]). */
function splitHeads(g: GraphBuilder, shapes: BatchShapes, x: string, a: AttentionWeights, perm: number[]): string {
  return g.op('Transpose', [g.op('Reshape', [x, shapes.with([a.heads, a.headDim])])], [ints('perm', perm)]);
}

/**
 * softmax(q K^T + mask) V per sequence and head: q [B*T, H*D] already scaled, keys [B, H, D, S]
 * (transposed once, when they are made), values [B, H, S, D], mask [T, S] or none; [B*T, H*D].
 */
function attention(g: GraphBuilder, shapes: BatchShapes, q: string, keys: string, values: string, a: AttentionWeights, mask?: string): string {
  let scores = g.op('MatMul', [splitHeads(g, shapes, q, a, [0, 2, 1, 3]), keys]);
  if (mask !== undefined) scores = g.op('Add', [scores, mask]);
  const context = g.op('MatMul', [g.op('Softmax', [scores], [int('axis', -1)]), values]);
  return g.op('Reshape', [g.op('Transpose', [context], [ints('perm', [0, 2, 1, 3])]), g.int64s([-1, a.heads * a.headDim])]);
}

function scaledQuery(g: GraphBuilder, x: string, prefix: string, a: AttentionWeights): string {
  return g.op('Mul', [g.linear(x, g.weight(`${prefix}.q`, a.q), g.weight(`${prefix}.q_bias`, a.qBias)), g.scalar(`${prefix}.scale`, a.headDim ** -0.5)]);
}

/** Keys and values of x [B*T, d] in the cached layouts: keys [B, H, D, T], values [B, H, T, D]. */
function keysAndValues(g: GraphBuilder, shapes: BatchShapes, x: string, prefix: string, a: AttentionWeights): { keys: string; values: string } {
  const k = g.linear(x, g.weight(`${prefix}.k`, a.k));
  const v = g.linear(x, g.weight(`${prefix}.v`, a.v), g.weight(`${prefix}.v_bias`, a.vBias));
  return { keys: splitHeads(g, shapes, k, a, [0, 2, 3, 1]), values: splitHeads(g, shapes, v, a, [0, 2, 1, 3]) };
}

/** The decoder step graph (see the file comment). */
export function buildDecoderStepGraph(model: WhisperModel): OnnxGraph {
  const { config, weights } = model;
  const g = new GraphBuilder();
  const inputs: OnnxValueInfo[] = [
    { name: 'tokens', elemType: ElemType.INT64, dims: ['B', 'T'] },
    { name: 'offset', elemType: ElemType.INT64, dims: [] },
    { name: 'mask', elemType: ElemType.FLOAT, dims: ['T', 'S'] },
  ];
  const outputs: OnnxValueInfo[] = [{ name: 'logits', elemType: ElemType.FLOAT, dims: ['BT', config.vocab_size] }];
  const embedTokens = g.weight('embed_tokens', weights.embedTokens);
  const shapes = new BatchShapes(g, g.op('Shape', ['tokens']));
  const count = g.op('Gather', [shapes.batchShape, g.int64s([1])], [int('axis', 0)]);
  const end = g.op('Squeeze', [g.op('Add', ['offset', count])]);
  const one = 'one_i64';
  g.initializers.push({ name: one, dims: [], data: BigInt64Array.of(1n) });
  const positions = g.op('Range', ['offset', end, one]);
  // [B, T, d] token embeddings plus [T, d] positions, then one row per token: [B*T, d].
  const embedded = g.op('Add', [
    g.op('Gather', [embedTokens, 'tokens'], [int('axis', 0)]),
    g.op('Gather', [g.weight('embed_positions', weights.decoderPositions), positions], [int('axis', 0)]),
  ]);
  let h = g.op('Reshape', [embedded, g.int64s([-1, config.d_model])]);
  weights.decoderLayers.forEach((w, l) => {
    const prefix = `layers.${l}`;
    const self = w.selfAttn;
    const cross = w.crossAttn;
    inputs.push(
      { name: `past_key_${l}`, elemType: ElemType.FLOAT, dims: ['B', self.heads, self.headDim, 'P'] },
      { name: `past_value_${l}`, elemType: ElemType.FLOAT, dims: ['B', self.heads, 'P', self.headDim] },
      { name: `cross_key_${l}`, elemType: ElemType.FLOAT, dims: ['B', cross.heads, cross.headDim, 'F'] },
      { name: `cross_value_${l}`, elemType: ElemType.FLOAT, dims: ['B', cross.heads, 'F', cross.headDim] },
    );
    outputs.push(
      { name: `present_key_${l}`, elemType: ElemType.FLOAT, dims: ['B', self.heads, self.headDim, 'S'] },
      { name: `present_value_${l}`, elemType: ElemType.FLOAT, dims: ['B', self.heads, 'S', self.headDim] },
    );
    // Causal self-attention over the past and the new rows.
    let x = g.layerNorm(h, `${prefix}.self_attn_layer_norm`, w.selfAttnNorm);
    const sp = `${prefix}.self_attn`;
    const q = scaledQuery(g, x, sp, self);
    const fresh = keysAndValues(g, shapes, x, sp, self);
    const keys = g.op('Concat', [`past_key_${l}`, fresh.keys], [int('axis', 3)]);
    const values = g.op('Concat', [`past_value_${l}`, fresh.values], [int('axis', 2)]);
    g.output(keys, `present_key_${l}`);
    g.output(values, `present_value_${l}`);
    const selfContext = attention(g, shapes, q, keys, values, self, 'mask');
    h = g.op('Add', [h, g.linear(selfContext, g.weight(`${sp}.out`, self.out), g.weight(`${sp}.out_bias`, self.outBias))]);
    // Cross-attention over each sequence's encoder keys and values.
    x = g.layerNorm(h, `${prefix}.encoder_attn_layer_norm`, w.crossAttnNorm);
    const cp = `${prefix}.encoder_attn`;
    const crossContext = attention(g, shapes, scaledQuery(g, x, cp, cross), `cross_key_${l}`, `cross_value_${l}`, cross);
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

/**
 * The cross-attention keys [B, H, D, F] and values [B, H, F, D] of every decoder layer from
 * `encoder_output` [B, frames, d_model]: computed once per batch, in the layouts the step reads.
 */
export function buildCrossKvGraph(model: WhisperModel): OnnxGraph {
  const { config, weights } = model;
  const g = new GraphBuilder();
  const outputs: OnnxValueInfo[] = [];
  const shapes = new BatchShapes(g, g.op('Slice', [g.op('Shape', ['encoder_output']), g.int64s([0]), g.int64s([2])]));
  const rows = g.op('Reshape', ['encoder_output', g.int64s([-1, config.d_model])]);
  weights.decoderLayers.forEach((w, l) => {
    const a = w.crossAttn;
    const { keys, values } = keysAndValues(g, shapes, rows, `layers.${l}.encoder_attn`, a);
    g.output(keys, `cross_key_${l}`);
    g.output(values, `cross_value_${l}`);
    outputs.push(
      { name: `cross_key_${l}`, elemType: ElemType.FLOAT, dims: ['B', a.heads, a.headDim, 'F'] },
      { name: `cross_value_${l}`, elemType: ElemType.FLOAT, dims: ['B', a.heads, 'F', a.headDim] },
    );
  });
  return {
    name: 'whisper_cross_kv',
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: 'encoder_output', elemType: ElemType.FLOAT, dims: ['B', 'F', config.d_model] }],
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

/**
 * The graph decoder's state for a batch of sequences decoded in step: each layer's self-attention
 * past and cross-attention keys/values, the batch's rows outermost in every array.
 */
export interface GraphDecoderState {
  step: GraphSession;
  /** Sequences in the batch (rows of every array below). */
  batch: number;
  past: { key: GraphValue; value: GraphValue }[];
  cross: { key: GraphValue; value: GraphValue }[];
}

/** Runs the cross K/V graph over one encoder output [frames, d] per sequence; empty self-attention pasts. */
export async function createGraphDecoderState(pair: DecoderSessions, model: WhisperModel, encoderOutputs: readonly Matrix[]): Promise<GraphDecoderState> {
  const { rows, cols } = encoderOutputs[0];
  const batch = encoderOutputs.length;
  // One sequence's output is fed as it is; several are laid end to end.
  let data = encoderOutputs[0].data;
  if (batch > 1) {
    data = new Float32Array(batch * rows * cols);
    for (const [i, m] of encoderOutputs.entries()) data.set(m.data, i * rows * cols);
  }
  const out = await pair.crossKv.run({ encoder_output: { data, dims: [batch, rows, cols] } });
  const layers = model.weights.decoderLayers;
  return {
    step: pair.step,
    batch,
    past: layers.map((w) => {
      const a = w.selfAttn;
      return {
        key: { data: new Float32Array(0), dims: [batch, a.heads, a.headDim, 0] },
        value: { data: new Float32Array(0), dims: [batch, a.heads, 0, a.headDim] },
      };
    }),
    cross: layers.map((_w, l) => ({ key: out[`cross_key_${l}`], value: out[`cross_value_${l}`] })),
  };
}

/**
 * One decoder step on the graph for every sequence of the batch, each given the same number of
 * tokens (`tokens[b]`, all after `past` decoded ones): logits [batch * T, vocab], sequence b's rows
 * b * T .. b * T + T - 1. The state's pasts become the presents.
 */
export async function decodeStepWithGraph(state: GraphDecoderState, model: WhisperModel, tokens: readonly (readonly number[])[], past: number): Promise<Matrix> {
  const t = tokens[0].length;
  if (tokens.length !== state.batch || tokens.some((row) => row.length !== t)) {
    throw new MethodError({}, `decoder: expected ${state.batch} sequences of ${t} tokens each, got lengths [${tokens.map((row) => row.length).join(', ')}]`);
  }
  const total = past + t;
  // Query i sees keys j <= past + i.
  const mask = new Float32Array(t * total);
  for (let i = 0; i < t; i++) mask.fill(-Infinity, i * total + past + i + 1, (i + 1) * total);
  const ids = new BigInt64Array(state.batch * t);
  tokens.forEach((row, b) => row.forEach((id, i) => (ids[b * t + i] = BigInt(id))));
  const feeds: Record<string, GraphValue> = {
    tokens: { data: ids, dims: [state.batch, t] },
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
  return { data: out.logits.data as Float32Array, rows: state.batch * t, cols: model.config.vocab_size };
}

/**
 * The rows `keep` (ascending batch indices) of a value whose first dim is the batch, moved to the
 * front of its own array (the value is the state's to change: a graph output, or the empty start).
 */
function keepRows(value: GraphValue, keep: readonly number[]): GraphValue {
  const data = value.data as Float32Array;
  const size = data.length / value.dims[0];
  keep.forEach((b, i) => {
    if (b !== i) data.copyWithin(i * size, b * size, (b + 1) * size);
  });
  return { data: data.subarray(0, keep.length * size), dims: [keep.length, ...value.dims.slice(1)] };
}

/**
 * Drops the sequences not in `keep` (ascending batch indices) from the state, so finished
 * sequences cost nothing in later steps. Done only when a sequence stops: at most once per sequence.
 */
export function keepSequences(state: GraphDecoderState, keep: readonly number[]): void {
  if (keep.length === state.batch) return;
  const compact = (pair: { key: GraphValue; value: GraphValue }): void => {
    pair.key = keepRows(pair.key, keep);
    pair.value = keepRows(pair.value, keep);
  };
  state.past.forEach(compact);
  state.cross.forEach(compact);
  state.batch = keep.length;
}
