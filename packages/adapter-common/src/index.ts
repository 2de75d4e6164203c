/**
 * What every model adapter shares (docs/adapters.md): the `speechfold` config key of extended and
 * dense exports, the export-mode config rewrite, the tensor-list check against a config, typed
 * config.json field reads, fold-group helpers, SpecAugment's config defaults, and writing checkpoint
 * JSON side files as save_pretrained does.
 */
export {
  SPEECHFOLD_KEY,
  SPEECHFOLD_KEY_VERSION,
  layerEntries,
  readSpeechfoldKey,
  widthsFromKey,
  withSpeechfoldKey,
  type LayerEntry,
  type LayerWidths,
  type SpeechfoldKey,
} from './export-key';
export {
  EXPORT_MODES,
  exportConfig,
  parseExportMode,
  widthsBeforeAndAfter,
  type ExportInput,
  type ExportMode,
  type LayerGroupNames,
} from './export-config';
export { checkTensors, type ExpectedTensor, type TensorCheckOptions } from './tensor-check';
export {
  asRawConfig,
  describeJson,
  fieldError,
  readBool,
  readEnum,
  readInt,
  readIntArray,
  readLayerCount,
  readNumber,
  readString,
  readStringArray,
  type RawConfig,
} from './config-fields';
export type { ParameterSpec } from './parameter-spec';
export { parseGroupKinds, responseActivation, unitsOf } from './group-kinds';
export { checkpointJsonText, writeCheckpointJson } from './checkpoint-json';
export { specAugmentDefaults, type SpecAugmentFields } from './spec-augment';
