import type { DType, TensorInfo } from './tensor';

/** Read access to the tensors of a checkpoint (one file or a sharded set). Reads are lazy, per tensor. */
export interface TensorSource {
  /** Where the tensors come from (file or dir), for messages. */
  readonly path: string;
  /** Every tensor, in stored order. */
  list(): TensorInfo[];
  /** One tensor's description; throws FormatError naming it when absent. */
  info(name: string): TensorInfo;
  has(name: string): boolean;
  /** The tensor decoded to fp32 (F16/BF16/F32/F64/F8 and integers). */
  readFloat32(name: string): Promise<Float32Array>;
  /** The tensor's stored bytes, unchanged. */
  readBytes(name: string): Promise<Uint8Array>;
  /** Free-form string metadata stored with the checkpoint. */
  metadata(): Record<string, string>;
  close(): Promise<void>;
}

/** Options of a sink that writes a checkpoint. */
export interface TensorSinkOptions {
  metadata?: Record<string, string>;
  /** Split into shards of at most this many bytes (with an index file) when set. */
  maxShardBytes?: number;
  /** Paths that must never be written over (the checkpoint being read): refused with PathError. */
  protectedPaths?: string[];
}

/** Write access: tensors are added one at a time and written out streaming; nothing is visible until commit. */
export interface TensorSink {
  /** Adds a tensor given as fp32, encoded to `dtype` on write. */
  addFloat32(name: string, dtype: DType, shape: number[], data: Float32Array): Promise<void>;
  /** Adds a tensor given as already-encoded bytes. */
  addBytes(name: string, dtype: DType, shape: number[], bytes: Uint8Array): Promise<void>;
  /** Finishes the files and moves them into place atomically. */
  commit(): Promise<void>;
  /** Removes every temporary file; the destination is left untouched. */
  abort(): Promise<void>;
}
