/**
 * config.json of a compressed HuBERT model (export modes in @speechfold/adapter-common): 'hf' writes
 * the common FFN width to intermediate_size; 'extended' lists every encoder layer under the
 * `speechfold` key; 'dense' only marks the export.
 */
import type { ModelDescription } from '@speechfold/core';
import { exportConfig, parseExportMode, widthsBeforeAndAfter } from '@speechfold/adapter-common';
import { HUBERT_GROUP_KINDS, hubertGroupNames, hubertGroups } from './groups';
import { resolveHubert } from './model-check';
import { stockHubertWidths } from './widths';

/** The config.json of `model` compressed to `kept` units per group name, in export `mode`. */
export function rewriteHubertConfig(
  model: ModelDescription,
  kept: ReadonlyMap<string, number>,
  mode: string,
): Record<string, unknown> {
  parseExportMode(mode);
  const { config, layout } = resolveHubert(model);
  const { before, after } = widthsBeforeAndAfter(
    layout.layers,
    hubertGroups(model, HUBERT_GROUP_KINDS),
    kept,
    (layer) => {
      const names = hubertGroupNames(layer.index);
      return { ffn: names.ffn, selfAttention: names.heads };
    },
  );
  return exportConfig(
    {
      config: model.config,
      stock: stockHubertWidths(config),
      before,
      after,
      ffnField: { encoder: 'intermediate_size' },
    },
    mode,
  );
}
