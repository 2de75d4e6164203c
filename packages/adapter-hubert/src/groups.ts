/**
 * HuBERT's fold groups (METHOD.md §1), one per encoder layer and kind, as @speechfold/adapter-common's
 * `speechEncoderGroups` builds them for every wav2vec2-style encoder:
 * - 'ffn' `encoder.layers.L.ffn`: producers intermediate_dense rows and bias, consumers output_dense
 *   columns (output_dense.bias belongs to the residual stream and is never folded);
 * - 'heads' `encoder.layers.L.heads`: producers the head's rows of q/k/v weights and biases,
 *   consumers its columns of out_proj (out_proj.bias never).
 * Unit counts are read from the tensor shapes, so an extended export can be compressed again.
 */
import {
  SPEECH_ENCODER_GROUP_KINDS,
  speechEncoderGroups,
  type SpeechEncoderGroupKind,
} from '@speechfold/adapter-common';
import type { FoldGroup, ModelDescription } from '@speechfold/core';
import { HUBERT_FAMILY } from './validate';

/** The group kinds this adapter offers, in the order each layer lists them. */
export const HUBERT_GROUP_KINDS = SPEECH_ENCODER_GROUP_KINDS;

/** One kind HuBERT offers. */
export type HubertGroupKind = SpeechEncoderGroupKind;

/** The fold groups of the requested kinds, layer by layer (heads before ffn, as in the module). */
export function hubertGroups(model: ModelDescription, kinds: readonly string[]): FoldGroup[] {
  return speechEncoderGroups(HUBERT_FAMILY, model, kinds);
}
