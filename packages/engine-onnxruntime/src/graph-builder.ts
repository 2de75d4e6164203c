/**
 * Building a whole-model ONNX graph in code: nodes with fresh output names, weights as initializers
 * (referenced, not copied), shared int64 constants, and the few composite ops the runtimes use. The
 * runtimes (runtime-whisper, runtime-hubert) extend it with their model's blocks; this file knows no
 * model.
 */
import type { OnnxAttribute, OnnxInitializer, OnnxNode } from './onnx-proto';

/** onnxruntime's contrib-op domain (Gelu, MultiHeadAttention). */
export const MS_DOMAIN = 'com.microsoft';

/**
 * The most weight bytes a graph may carry: protobuf messages are limited to 2 GiB, and the graph
 * holds its weights; above this a runtime keeps its per-op path.
 */
export const MAX_GRAPH_WEIGHT_BYTES = 1.75 * 1024 ** 3;

/** Opsets a model graph uses: 17 for LayerNormalization, com.microsoft 1 for Gelu and MultiHeadAttention. */
export const MODEL_GRAPH_OPSET = 17;
export const MODEL_GRAPH_DOMAINS = [{ domain: MS_DOMAIN, version: 1 }] as const;

/** Node attributes. */
export const int = (name: string, value: number): OnnxAttribute => ({ name, kind: 'int', value });
export const float = (name: string, value: number): OnnxAttribute => ({ name, kind: 'float', value });
export const ints = (name: string, value: number[]): OnnxAttribute => ({ name, kind: 'ints', value });

/** A float tensor to store in the graph. */
export interface GraphWeight {
  shape: number[];
  data: Float32Array;
}

/** Collects nodes and initializers with unique names. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly constants = new Map<string, string>();
  private count = 0;

  /** Adds a node with one fresh output; returns the output's name. */
  op(opType: string, inputs: string[], attributes: OnnxAttribute[] = [], domain?: string): string {
    const output = `${opType.toLowerCase()}_${this.count++}`;
    this.nodes.push({ opType, inputs, outputs: [output], attributes, ...(domain === undefined ? {} : { domain }) });
    return output;
  }

  /** A float weight as an initializer (the data is referenced, not copied). */
  weight(name: string, tensor: GraphWeight): string {
    this.initializers.push({ name, dims: tensor.shape, data: tensor.data });
    return name;
  }

  /** A scalar float constant. */
  scalar(name: string, value: number): string {
    this.initializers.push({ name, dims: [], data: Float32Array.of(value) });
    return name;
  }

  /** An int64 constant (Reshape shapes, Slice bounds), shared between uses. */
  int64s(values: number[]): string {
    const key = values.join(',');
    let name = this.constants.get(key);
    if (name === undefined) {
      name = `i64_${key.replace(/-/g, 'm').replace(/,/g, '_')}`;
      this.initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
      this.constants.set(key, name);
    }
    return name;
  }

  /** x [T, in] W^T + b with W stored [out, in], as torch.nn.Linear (inputs by name). */
  gemm(x: string, weight: string, bias?: string): string {
    return this.op('Gemm', bias === undefined ? [x, weight] : [x, weight, bias], [int('transB', 1)]);
  }

  /** LayerNormalization over the last axis (inputs by name). */
  normalize(x: string, weight: string, bias: string, eps: number): string {
    return this.op('LayerNormalization', [x, weight, bias], [int('axis', -1), float('epsilon', eps)]);
  }

  /** Exact (erf) GELU, as torch's default. */
  gelu(x: string): string {
    return this.op('Gelu', [x], [], MS_DOMAIN);
  }

  /** A scalar float constant, shared between uses. */
  floatConstant(value: number): string {
    const key = `f32:${value}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = `f32_${this.constants.size}`;
      this.initializers.push({ name, dims: [], data: Float32Array.of(value) });
      this.constants.set(key, name);
    }
    return name;
  }

  /**
   * Multi-head attention over projected q [T, heads * headDim] and k, v [S, heads * headDim]:
   * softmax(scale * q k^T + mask) v per head, returned as [T, heads * headDim]. `fused` runs
   * com.microsoft MultiHeadAttention (no mask); otherwise MatMul / Softmax per head.
   */
  attention(q: string, k: string, v: string, o: { heads: number; headDim: number; scale: number; fused?: boolean; mask?: string }): string {
    const width = o.heads * o.headDim;
    if (o.fused) {
      if (o.mask !== undefined) throw new Error('GraphBuilder.attention: the fused path takes no mask');
      const batched = (x: string): string => this.op('Reshape', [x, this.int64s([1, -1, width])]);
      const context = this.op('MultiHeadAttention', [batched(q), batched(k), batched(v)], [int('num_heads', o.heads), float('scale', o.scale)], MS_DOMAIN);
      return this.op('Reshape', [context, this.int64s([-1, width])]);
    }
    const heads = (x: string, perm: number[]): string =>
      this.op('Transpose', [this.op('Reshape', [x, this.int64s([-1, o.heads, o.headDim])])], [ints('perm', perm)]);
    let scores = this.op('MatMul', [heads(q, [1, 0, 2]), heads(k, [1, 2, 0])]);
    if (o.scale !== 1) scores = this.op('Mul', [scores, this.floatConstant(o.scale)]);
    if (o.mask !== undefined) scores = this.op('Add', [scores, o.mask]);
    const probs = this.op('Softmax', [scores], [int('axis', -1)]);
    const context = this.op('MatMul', [probs, heads(v, [1, 0, 2])]);
    return this.op('Reshape', [this.op('Transpose', [context], [ints('perm', [1, 0, 2])]), this.int64s([-1, width])]);
  }

  /** Names `from` as the graph output `name`. */
  output(from: string, name: string): void {
    this.nodes.push({ opType: 'Identity', inputs: [from], outputs: [name] });
  }
}
