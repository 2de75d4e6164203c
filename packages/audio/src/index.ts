export { parseFlacHeader, isFlac, type FlacStreamInfo } from './flac-header';
export { splitFlacFrames, type FlacFrame } from './flac-frames';
export { parseWav, encodeWav, isWav, type PcmAudio } from './wav';
export {
  decodeAudioFile,
  decodeAudio,
  decodeFlac,
  downmix,
  TARGET_SAMPLE_RATE,
  type DecodedAudio,
  type DecodeOptions,
  type FlacDecodeResult,
} from './decode';
export { resample, type ResampleOptions } from './resample';
export { AUDIO_EXTENSIONS, type Utterance, type ListedAudio, type DatasetProblem, type Dataset } from './dataset';
export { loadLibriSpeech } from './librispeech';
export { loadFileList } from './file-list';
export { melFilterBank, hzToMel, melToHz, type MelFilterBank, type MelFilterOptions } from './mel-filters';
export {
  whisperLogMel,
  WHISPER_SAMPLE_RATE,
  WHISPER_N_FFT,
  WHISPER_HOP_LENGTH,
  WHISPER_CHUNK_SAMPLES,
  WHISPER_N_FRAMES,
  type LogMel,
  type LogMelOptions,
} from './log-mel';
export {
  hubertInput,
  zeroMeanUnitVariance,
  readHubertPreprocessorConfig,
  parseHubertPreprocessorConfig,
  type HubertPreprocessorConfig,
} from './hubert-input';
