/**
 * A minimal ONNX ModelProto encoder: just enough protobuf to describe the few small graphs this
 * engine runs. Building them in code avoids shipping .onnx files and a protobuf dependency.
 *
 * Field numbers follow onnx/onnx.proto (proto2 syntax). Only what the graphs use is supported:
 * nodes with int / float / ints attributes (in the default or another operator domain, such as
 * com.microsoft), tensor inputs and outputs with symbolic or fixed dims, and initializers (constant
 * tensors such as weights) stored as raw little-endian data.
 */

/** ONNX TensorProto.DataType values used here. */
export const ElemType = { FLOAT: 1, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** One of the element types above. */
export type ElemTypeValue = (typeof ElemType)[keyof typeof ElemType];

/** A node attribute: a single int, a single float or a list of ints. */
export type OnnxAttribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'ints'; value: readonly number[] };

/** One operator application. */
export interface OnnxNode {
  opType: string;
  /** Operator domain; default '' (ai.onnx). Another domain needs an entry in encodeModel's `domains`. */
  domain?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
}

/** A graph input or output: a tensor whose dims are names (symbolic) or sizes; no dims = any shape. */
export interface OnnxValueInfo {
  name: string;
  elemType: ElemTypeValue;
  dims?: readonly (string | number)[];
}

/** A constant tensor of the graph (a weight, a shape), row-major. */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

/** A whole graph: nodes in topological order. */
export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  initializers?: readonly OnnxInitializer[];
}

/** An operator set besides the default domain's, e.g. { domain: 'com.microsoft', version: 1 }. */
export interface OnnxOpsetImport {
  domain: string;
  version: number;
}

// IR version 8 is the one that goes with opset 17; both are well inside what onnxruntime 1.30 reads.
const IR_VERSION = 8;
/** Default opset: the last one where ReduceMin / ReduceSumSquare still take `axes` as an attribute. */
export const DEFAULT_OPSET = 17;

// AttributeProto.AttributeType values.
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

// Protobuf wire types.
const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/**
 * Appends protobuf fields to a growing list of byte chunks. Payloads (initializer data, embedded
 * messages) are kept as chunks, not copied byte by byte, so a graph with tens of megabytes of weights
 * is encoded with a single copy in finish().
 */
class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.size;
  }

  private push(byte: number): void {
    this.pending.push(byte);
    this.size++;
  }

  private flush(): void {
    if (this.pending.length > 0) {
      this.parts.push(Uint8Array.from(this.pending));
      this.pending = [];
    }
  }

  private append(chunk: Uint8Array): void {
    this.flush();
    if (chunk.length > 0) this.parts.push(chunk);
    this.size += chunk.length;
  }

  /** Raw base-128 varint; negatives are written as 64-bit two's complement (10 bytes), as protobuf does. */
  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an integer that fits a varint: ${value}`);
    if (value < 0) {
      let big = BigInt.asUintN(64, BigInt(value));
      while (big >= 0x80n) {
        this.push(Number(big & 0x7fn) | 0x80);
        big >>= 7n;
      }
      this.push(Number(big));
      return;
    }
    // Arithmetic instead of bit shifts: shifts truncate to 32 bits.
    let rest = value;
    while (rest >= 0x80) {
      this.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.push(rest);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** An int32 / int64 / enum field. */
  varint(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  /** A float field (fixed 32-bit little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const buffer = new DataView(new ArrayBuffer(4));
    buffer.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.push(buffer.getUint8(i));
    return this;
  }

  /** A bytes field, or an embedded message already encoded; the payload is kept, not copied, until finish(). */
  lengthDelimited(field: number, payload: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(payload.length);
    this.append(payload);
    return this;
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.lengthDelimited(field, new TextEncoder().encode(value));
  }

  /** An embedded message; its chunks move into this writer. */
  message(field: number, inner: ProtoWriter): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(inner.length);
    inner.flush();
    this.flush();
    for (const part of inner.parts) this.parts.push(part);
    this.size += inner.size;
    return this;
  }

  /** The bytes written so far, as one array. */
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/** AttributeProto{name=1, f=2, i=3, ints=8, type=20}. */
function encodeAttribute(attribute: OnnxAttribute): ProtoWriter {
  const writer = new ProtoWriter().string(1, attribute.name);
  switch (attribute.kind) {
    case 'float':
      writer.float(2, attribute.value).varint(20, ATTR_FLOAT);
      break;
    case 'int':
      writer.varint(3, attribute.value).varint(20, ATTR_INT);
      break;
    case 'ints':
      // proto2 repeated scalars are unpacked by default: one tagged varint per element.
      for (const value of attribute.value) writer.varint(8, value);
      writer.varint(20, ATTR_INTS);
      break;
  }
  return writer;
}

/** NodeProto{input=1, output=2, name=3, op_type=4, attribute=5}. */
function encodeNode(node: OnnxNode, index: number): ProtoWriter {
  const writer = new ProtoWriter();
  for (const input of node.inputs) writer.string(1, input);
  for (const output of node.outputs) writer.string(2, output);
  writer.string(3, `${node.opType}_${index}`);
  writer.string(4, node.opType);
  if (node.domain !== undefined && node.domain !== '') writer.string(7, node.domain);
  for (const attribute of node.attributes ?? []) writer.message(5, encodeAttribute(attribute));
  return writer;
}

/** ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: Tensor{elem_type=1, shape=2}}}. */
function encodeValueInfo(info: OnnxValueInfo): ProtoWriter {
  const tensorType = new ProtoWriter().varint(1, info.elemType);
  if (info.dims !== undefined) {
    // TensorShapeProto{dim=1: Dimension{dim_value=1 | dim_param=2}}.
    const shape = new ProtoWriter();
    for (const dim of info.dims) {
      const dimension = new ProtoWriter();
      if (typeof dim === 'string') dimension.string(2, dim);
      else dimension.varint(1, dim);
      shape.message(1, dimension);
    }
    tensorType.message(2, shape);
  }
  const typeProto = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, info.name).message(2, typeProto);
}

/** The ElemType of an initializer's data. */
function initializerType(init: OnnxInitializer): ElemTypeValue {
  if (init.data instanceof Float32Array) return ElemType.FLOAT;
  if (init.data instanceof Int32Array) return ElemType.INT32;
  return ElemType.INT64;
}

/** TensorProto{dims=1, data_type=2, name=8, raw_data=9}; raw_data is little-endian, as typed arrays are here. */
function encodeInitializer(init: OnnxInitializer): ProtoWriter {
  const count = init.dims.reduce((a, b) => a * b, 1);
  if (count !== init.data.length) {
    throw new RangeError(`initializer '${init.name}': dims [${init.dims.join(', ')}] hold ${count} values, data has ${init.data.length}`);
  }
  const writer = new ProtoWriter();
  for (const dim of init.dims) writer.varint(1, dim);
  writer.varint(2, initializerType(init)).string(8, init.name);
  return writer.lengthDelimited(9, new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength));
}

/** GraphProto{node=1, name=2, initializer=5, input=11, output=12}. */
function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const writer = new ProtoWriter();
  graph.nodes.forEach((node, index) => writer.message(1, encodeNode(node, index)));
  writer.string(2, graph.name);
  for (const init of graph.initializers ?? []) writer.message(5, encodeInitializer(init));
  for (const input of graph.inputs) writer.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) writer.message(12, encodeValueInfo(output));
  return writer;
}

/**
 * Serialises a graph as an ONNX ModelProto{ir_version=1, producer_name=2, graph=7, opset_import=8}.
 * `domains` adds operator sets besides the default one (for nodes with a `domain`).
 */
export function encodeModel(graph: OnnxGraph, opset: number = DEFAULT_OPSET, domains: readonly OnnxOpsetImport[] = []): Uint8Array {
  // OperatorSetIdProto{domain=1, version=2}; the empty domain is the default ai.onnx one.
  const writer = new ProtoWriter()
    .varint(1, IR_VERSION)
    .string(2, 'speechfold')
    .message(7, encodeGraph(graph))
    .message(8, new ProtoWriter().string(1, '').varint(2, opset));
  for (const { domain, version } of domains) writer.message(8, new ProtoWriter().string(1, domain).varint(2, version));
  return writer.finish();
}
