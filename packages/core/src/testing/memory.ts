/**
 * In-memory TensorSource and TensorSink, for tests and for callers that build models in code.
 * Values are held as fp32 whatever the declared dtype (no encoding), so they are not a format.
 */
import { FormatError } from '../errors';
import type { TensorSink, TensorSource } from '../io';
import type { DType, TensorInfo } from '../tensor';

/** One stored tensor. */
export interface MemoryTensor {
  dtype: DType;
  shape: number[];
  data: Float32Array;
}

/** A TensorSource over a Map. */
export class MemorySource implements TensorSource {
  constructor(
    private readonly tensors: Map<string, MemoryTensor>,
    readonly path = '<memory>',
  ) {}

  list(): TensorInfo[] {
    return [...this.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.shape] }));
  }

  info(name: string): TensorInfo {
    const t = this.get(name);
    return { name, dtype: t.dtype, shape: [...t.shape] };
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  async readFloat32(name: string): Promise<Float32Array> {
    return this.get(name).data.slice();
  }

  async readBytes(name: string): Promise<Uint8Array> {
    const data = this.get(name).data.slice();
    return new Uint8Array(data.buffer);
  }

  metadata(): Record<string, string> {
    return {};
  }

  async close(): Promise<void> {}

  private get(name: string): MemoryTensor {
    const t = this.tensors.get(name);
    if (!t) throw new FormatError({ file: this.path, tensor: name }, 'no such tensor');
    return t;
  }
}

/** A TensorSink that collects tensors into a Map, visible after commit. */
export class MemorySink implements TensorSink {
  readonly committed = new Map<string, MemoryTensor>();
  private readonly pending = new Map<string, MemoryTensor>();
  state: 'open' | 'committed' | 'aborted' = 'open';

  async addFloat32(name: string, dtype: DType, shape: number[], data: Float32Array): Promise<void> {
    if (this.pending.has(name)) throw new FormatError({ file: '<memory>', tensor: name }, 'added twice');
    this.pending.set(name, { dtype, shape: [...shape], data: data.slice() });
  }

  async addBytes(name: string, dtype: DType, shape: number[], bytes: Uint8Array): Promise<void> {
    const copy = bytes.slice();
    await this.addFloat32(name, dtype, shape, new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4));
  }

  async commit(): Promise<void> {
    for (const [k, v] of this.pending) this.committed.set(k, v);
    this.state = 'committed';
  }

  async abort(): Promise<void> {
    this.pending.clear();
    this.state = 'aborted';
  }
}
