/**
 * config.json of a compressed Whisper model (export modes in @speechfold/adapter-common): 'hf' writes
 * each stack's common FFN width to encoder_ffn_dim / decoder_ffn_dim; 'extended' lists every encoder
 * and decoder layer under the `speechfold` key; 'dense' only marks the export.
 */
import type { ModelDescription } from '@speechfold/core';
import { exportConfig, parseExportMode, widthsBeforeAndAfter } from '@speechfold/adapter-common';
import { WHISPER_GROUP_KINDS, whisperGroupNames, whisperGroups } from './groups';
import { resolveWhisper } from './model-check';
import { stockWhisperWidths } from './widths';

/** The stock field of each stack's FFN width. */
const FFN_FIELDS = { encoder: 'encoder_ffn_dim', decoder: 'decoder_ffn_dim' };

/** The config.json of `model` compressed to `kept` units per group name, in export `mode`. */
export function rewriteWhisperConfig(
  model: ModelDescription,
  kept: ReadonlyMap<string, number>,
  mode: string,
): Record<string, unknown> {
  parseExportMode(mode);
  const { config, layers } = resolveWhisper(model);
  const groups = whisperGroups(model, WHISPER_GROUP_KINDS);
  const { before, after } = widthsBeforeAndAfter(layers, groups, kept, (layer) =>
    whisperGroupNames(layer.stack, layer.index),
  );
  return exportConfig(
    { config: model.config, stock: stockWhisperWidths(config), before, after, ffnField: FFN_FIELDS },
    mode,
  );
}
