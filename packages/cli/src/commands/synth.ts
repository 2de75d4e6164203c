import { ARCHS, synthesize, type SynthResult } from '@speechfold/synth';
import { OptionError } from '@speechfold/core';
import { nonNegativeInt } from '../options';

/** Options of `speechfold synth`, as parsed. */
export interface SynthCommandOptions {
  arch: string;
  out: string;
  dtype: string;
  seed: string;
}

const DTYPES = { f32: 'F32', f16: 'F16', bf16: 'BF16' } as const;

/** Validates the options and writes the synthetic checkpoint. */
export async function runSynth(options: SynthCommandOptions): Promise<SynthResult> {
  const dtype = DTYPES[options.dtype.toLowerCase() as keyof typeof DTYPES];
  if (!dtype) throw new OptionError('--dtype', `expected one of f32, f16, bf16, got '${options.dtype}'`);
  const seed = nonNegativeInt('--seed', options.seed);
  if (!(ARCHS as readonly string[]).includes(options.arch)) {
    throw new OptionError('--arch', `unknown architecture '${options.arch}'; expected one of ${ARCHS.join(', ')}`);
  }
  return synthesize({ arch: options.arch as (typeof ARCHS)[number], outDir: options.out, dtype, seed });
}
