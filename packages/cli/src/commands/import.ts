import { OptionError } from '@speechfold/core';
import { importCTranslate2Whisper } from '@speechfold/import-ctranslate2';
import { list } from '../options';

/** Options of `speechfold import`, as commander parses them. */
export interface ImportCommandOptions {
  out: string;
  parts?: string;
  dtype?: string;
}

const FORMATS = ['ctranslate2'];

/** Checks the options and converts the model. */
export async function runImport(format: string, dir: string, opts: ImportCommandOptions) {
  if (!FORMATS.includes(format)) throw new OptionError('<format>', `unknown format '${format}'; supported: ${FORMATS.join(', ')}`);
  let dtype: 'F16' | 'F32' | undefined;
  if (opts.dtype !== undefined) {
    const d = opts.dtype.toUpperCase();
    if (d !== 'F16' && d !== 'F32') throw new OptionError('--dtype', `expected f16 or f32, got '${opts.dtype}'`);
    dtype = d;
  }
  const parts = opts.parts === undefined ? undefined : list(opts.parts);
  return importCTranslate2Whisper(dir, opts.out, { dtype, parts });
}
