// tsyringe needs the Reflect metadata polyfill before any decorated class is defined.
import 'reflect-metadata';

export type { Wav2Vec2Config } from './config';
export { WAV2VEC2_PRESETS, wav2vec2Preset, type Wav2Vec2PresetId } from './presets';
export { validateWav2Vec2Config, WAV2VEC2_ARCHITECTURES, WAV2VEC2_FAMILY } from './validate';
export { wav2vec2Parameters, wav2vec2LayerWidths, type Wav2Vec2Layout } from './architecture';
export { Wav2Vec2Adapter, wav2vec2Adapter } from './adapter';
// Shared with the other adapters; re-exported for users of this package.
export {
  EXPORT_MODES,
  SPEECH_ENCODER_GROUP_KINDS as WAV2VEC2_GROUP_KINDS,
  SPEECHFOLD_KEY,
  type ExportMode,
  type LayerWidths,
  type ParameterSpec,
} from '@speechfold/adapter-common';
