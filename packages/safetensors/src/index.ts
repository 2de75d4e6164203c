// tsyringe needs the Reflect metadata polyfill before any decorated class is defined.
import 'reflect-metadata';

export { openSafetensors, SafetensorsFile } from './reader';
export { openCheckpoint } from './checkpoint';
export { ShardedCheckpoint } from './sharded';
export { createCheckpointSink, createFileSink } from './writer';
export { decodeToFloat32, encodeFromFloat32 } from './dtypes';
export { f16BitsToFloat, floatToF16Bits, bf16BitsToFloat, floatToBf16Bits } from './float-bits';
export { SafetensorsSourceFactory, SafetensorsSinkFactory } from './factories';
