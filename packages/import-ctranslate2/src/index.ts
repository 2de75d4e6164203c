export { Ct2Model, openCTranslate2Model } from './ct2-model';
export type { Ct2DType } from './format';
export { applyScale, decodeValues } from './dequantize';
export { readWhisperDims, type Ct2WhisperDims } from './whisper-dims';
export { ct2SourceOf, type Ct2Source } from './whisper-names';
export { readTokenizerJson, type TokenizerJson, type AddedToken } from './tokenizer-json';
export {
  importCTranslate2Whisper,
  type ImportCTranslate2WhisperOptions,
  type ImportCTranslate2WhisperResult,
} from './import-whisper';
