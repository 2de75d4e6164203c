// tsyringe needs the Reflect metadata polyfill before any decorated class is defined.
import 'reflect-metadata';

export type { WhisperConfig, ForcedDecoderId } from './config';
export { WHISPER_PRESETS, whisperPreset, type WhisperPresetId } from './presets';
export { whisperParameters, parameterCount } from './architecture';
export { validateWhisperConfig } from './validate';
export {
  WHISPER_LANGUAGES,
  WHISPER_NON_SPEECH_SYMBOL_IDS,
  WHISPER_BPE_TOKENS,
  WHISPER_TIMESTAMPS,
  whisperSpecialTokens,
  whisperSuppressTokens,
  whisperBeginSuppressTokens,
  timestampToken,
  type WhisperSpecialTokens,
} from './tokens';
export { WhisperAdapter, whisperAdapter } from './adapter';
export { WHISPER_GROUP_KINDS, whisperGroups, type WhisperGroupKind } from './groups';
export { validateWhisperModel } from './model-check';
export { rewriteWhisperConfig } from './rewrite';
export { whisperLayerWidths, stockWhisperWidths } from './widths';
export {
  WHISPER_END_OF_TEXT,
  whisperConfigDefaults,
  whisperGenerationConfig,
  whisperLangToId,
  whisperPreprocessorConfig,
  whisperTokenizerConfig,
  whisperSpecialTokensMap,
  whisperAdditionalSpecialTokens,
  whisperMergesText,
  type WhisperConfigDefaults,
  type WhisperGenerationTokens,
  type WhisperGenerationValues,
  type WhisperAddedToken,
  type WhisperTokenizerOptions,
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
