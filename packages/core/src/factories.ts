import type { TensorSink, TensorSinkOptions, TensorSource } from './io';

/** Opens a checkpoint (a .safetensors file, or a dir with one file or a sharded index). */
export interface TensorSourceFactory {
  open(path: string): Promise<TensorSource>;
}

/** Creates a sink that writes `<dir>/model.safetensors` (or shards + index) atomically. */
export interface TensorSinkFactory {
  create(dir: string, options?: TensorSinkOptions): Promise<TensorSink>;
}
