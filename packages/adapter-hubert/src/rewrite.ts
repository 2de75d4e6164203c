/**
 * config.json of a compressed HuBERT model (export modes in @speechfold/adapter-common): 'hf' writes
 * the common FFN width to intermediate_size; 'extended' lists every encoder layer under the
 * `speechfold` key; 'dense' only marks the export.
 */
import type { ModelDescription } from '@speechfold/core';
import { rewriteSpeechEncoderConfig } from '@speechfold/adapter-common';
import { HUBERT_FAMILY } from './validate';

/** The config.json of `model` compressed to `kept` units per group name, in export `mode`. */
export function rewriteHubertConfig(
  model: ModelDescription,
  kept: ReadonlyMap<string, number>,
  mode: string,
): Record<string, unknown> {
  return rewriteSpeechEncoderConfig(HUBERT_FAMILY, model, kept, mode);
}
