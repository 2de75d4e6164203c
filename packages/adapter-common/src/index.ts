/**
 * What every model adapter shares (docs/adapters.md): the `speechfold` config key of extended and
 * dense exports, the export-mode config rewrite, the tensor-list check against a config, typed
 * config.json field reads, fold-group helpers, SpecAugment's config defaults, and writing checkpoint
 * JSON side files as save_pretrained does, and the wav2vec2-style speech encoder (conv feature encoder +
 * Transformer encoder + CTC head) that the wav2vec2 and HuBERT adapters are parametrisations of.
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
export { readSpecAugmentFields, specAugmentDefaults, type SpecAugmentFields } from './spec-augment';
export {
  readSpeechEncoderConfig,
  speechEncoderPresetFields,
  type FeatExtractNorm,
  type SpeechEncoderConfig,
  type SpeechEncoderPresetFields,
  type SpeechEncoderSize,
} from './speech-encoder-config';
export {
  defaultSpeechEncoderLayout,
  detectSpeechEncoderPrefix,
  resolveSpeechEncoder,
  speechEncoderLayerWidths,
  speechEncoderParameters,
  stockSpeechEncoderWidths,
  validateSpeechEncoderModel,
  type ResolvedSpeechEncoder,
  type SpeechEncoderFamily,
  type SpeechEncoderLayout,
} from './speech-encoder';
export {
  rewriteSpeechEncoderConfig,
  SPEECH_ENCODER_GROUP_KINDS,
  SpeechEncoderAdapter,
  speechEncoderGroupNames,
  speechEncoderGroups,
  type SpeechEncoderGroupKind,
} from './speech-encoder-adapter';
