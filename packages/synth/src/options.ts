/**
 * Checks of synthesize()'s options, each failure an OptionError naming the CLI flag.
 */
import { OptionError } from '@speechfold/core';

/** Storage dtypes synth writes. */
export const SYNTH_DTYPES = ['F32', 'F16', 'BF16'] as const;

/** One storage dtype. */
export type SynthDType = (typeof SYNTH_DTYPES)[number];

/** HF's torch_dtype spelling for config.json. */
export const TORCH_DTYPE: Readonly<Record<SynthDType, string>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** HF's default shard limit ("5GB" = 5e9 bytes), so a large fp32 model shards as HF would shard it. */
export const DEFAULT_MAX_SHARD_BYTES = 5e9;

/** Checks --dtype. */
export function resolveDType(dtype: unknown): SynthDType {
  if (typeof dtype === 'string' && (SYNTH_DTYPES as readonly string[]).includes(dtype)) return dtype as SynthDType;
  throw new OptionError('--dtype', `expected one of ${SYNTH_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
}

/** Checks --seed: an integer in [0, 2^32), the range core's Random takes without folding. */
export function resolveSeed(seed: unknown): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32) return seed;
  throw new OptionError('--seed', `expected an integer in [0, 4294967295], got ${JSON.stringify(seed)}`);
}

/** Checks --max-shard-bytes: a positive integer. */
export function resolveMaxShardBytes(bytes: unknown): number {
  if (typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes > 0) return bytes;
  throw new OptionError('--max-shard-bytes', `expected a positive integer, got ${JSON.stringify(bytes)}`);
}
