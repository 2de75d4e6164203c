/**
 * Each encoder layer's FFN width and head count: from the stock fields (every layer alike), or from
 * the `speechfold` key of an extended export. This is what a runtime needs to build a compressed
 * model, and what validation checks the tensors against.
 */
import { speechEncoderLayerWidths, stockSpeechEncoderWidths, type LayerWidths } from '@speechfold/adapter-common';
import type { HubertConfig } from './config';
import { HUBERT_FAMILY } from './validate';

/** The widths the stock fields state: intermediate_size and num_attention_heads in every layer. */
export function stockHubertWidths(config: HubertConfig): LayerWidths[] {
  return stockSpeechEncoderWidths(config);
}

/**
 * The per-layer widths of a HuBERT config.json (stock or extended export), checked: the config as
 * validateHubertConfig does, the key against the schema and the stock layer list. `file` names the
 * config in errors.
 */
export function hubertLayerWidths(config: unknown, file = 'config.json'): LayerWidths[] {
  return speechEncoderLayerWidths(HUBERT_FAMILY, config, file);
}
