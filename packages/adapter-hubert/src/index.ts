// tsyringe needs the Reflect metadata polyfill before any decorated class is defined.
import 'reflect-metadata';

export type { HubertConfig, FeatExtractNorm } from './config';
export { HUBERT_PRESETS, hubertPreset, type HubertPresetId } from './presets';
export {
  hubertParameters,
  parameterCount,
  defaultHubertLayout,
  type HubertLayout,
} from './architecture';
export { validateHubertConfig, HUBERT_ARCHITECTURES, HUBERT_FAMILY } from './validate';
export { HubertAdapter, hubertAdapter } from './adapter';
export { HUBERT_GROUP_KINDS, hubertGroups, type HubertGroupKind } from './groups';
export { validateHubertModel, detectHubertPrefix } from './model-check';
export { rewriteHubertConfig } from './rewrite';
export { hubertLayerWidths, stockHubertWidths } from './widths';
export {
  HUBERT_CTC_VOCAB,
  hubertCtcVocab,
  hubertTokenizerConfig,
  hubertSpecialTokensMap,
  hubertPreprocessorConfig,
} from './checkpoint-files';
// Shared with the other adapters; re-exported so this package's API stays as it was.
export {
  EXPORT_MODES,
  parseExportMode,
  type ExportMode,
  SPEECHFOLD_KEY,
  SPEECHFOLD_KEY_VERSION,
  type LayerWidths,
  type LayerEntry,
  type SpeechfoldKey,
  type ParameterSpec,
  checkpointJsonText,
  writeCheckpointJson,
} from '@speechfold/adapter-common';
