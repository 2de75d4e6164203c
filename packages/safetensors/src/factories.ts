/**
 * Injectable factories, so a pipeline can resolve checkpoint reading and writing through core's
 * TOKENS.TensorSourceFactory / TOKENS.TensorSinkFactory and a test can swap them.
 */
import type {
  TensorSink,
  TensorSinkFactory,
  TensorSinkOptions,
  TensorSource,
  TensorSourceFactory,
} from '@speechfold/core';
import { injectable } from 'tsyringe';
import { openCheckpoint } from './checkpoint';
import { createCheckpointSink } from './writer';

/** Opens safetensors checkpoints (a file, or a dir with one file or a sharded index). */
@injectable()
export class SafetensorsSourceFactory implements TensorSourceFactory {
  /** Opens `path` with openCheckpoint. */
  open(path: string): Promise<TensorSource> {
    return openCheckpoint(path);
  }
}

/** Creates sinks writing `<dir>/model.safetensors` or shards + index, atomically. */
@injectable()
export class SafetensorsSinkFactory implements TensorSinkFactory {
  /** Creates a sink with createCheckpointSink. */
  create(dir: string, options?: TensorSinkOptions): Promise<TensorSink> {
    return createCheckpointSink(dir, options);
  }
}
