export { synthesize, SYNTHETIC_MARKER, TRANSFORMERS_VERSION, type SynthOptions, type SynthResult } from './synthesize';
export { ARCHS, resolveArch, type ArchId, type ConfigOverrides } from './archs';
export { SYNTH_DTYPES, DEFAULT_MAX_SHARD_BYTES, type SynthDType } from './options';
