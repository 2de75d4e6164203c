/**
 * A HuBERT checkpoint as a whole: which layout it is stored in (HubertForCTC with the 'hubert.'
 * prefix and lm_head, or HubertModel without either), and whether its tensors are exactly what its
 * config.json (stock fields, or the per-layer widths of an extended export) implies.
 */
import type { ModelDescription, TensorInfo } from '@speechfold/core';
import { detectSpeechEncoderPrefix, validateSpeechEncoderModel } from '@speechfold/adapter-common';
import { HUBERT_FAMILY } from './validate';

/** 'hubert.' when the stored names carry HubertForCTC's prefix, else '' (HubertModel). */
export function detectHubertPrefix(tensors: readonly TensorInfo[]): string {
  return detectSpeechEncoderPrefix(tensors, HUBERT_FAMILY.prefix);
}

/**
 * Checks that config.json and the tensors agree; throws ModelError naming the field or tensor at
 * fault. Positional-conv tensors stored under torch >= 2.1's parametrization names count as
 * weight_g / weight_v, and a masked_spec_embed left in a file whose config no longer masks is allowed.
 */
export function validateHubertModel(model: ModelDescription): void {
  validateSpeechEncoderModel(HUBERT_FAMILY, model);
}
