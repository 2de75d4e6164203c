export type { WhisperConfig, ForcedDecoderId } from './config';
export { WHISPER_PRESETS, whisperPreset, type WhisperPresetId } from './presets';
export { whisperParameters, parameterCount, type ParameterSpec } from './architecture';
export { validateWhisperConfig } from './validate';
export {
  WHISPER_LANGUAGES,
  WHISPER_NON_SPEECH_SYMBOL_IDS,
  WHISPER_BPE_TOKENS,
  WHISPER_TIMESTAMPS,
  whisperSpecialTokens,
  whisperSuppressTokens,
  timestampToken,
  type WhisperSpecialTokens,
} from './tokens';
